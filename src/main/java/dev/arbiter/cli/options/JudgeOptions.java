package dev.arbiter.cli.options;

import dev.arbiter.judge.LlmJudge;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** An OpenAI-compatible LLM judge for the answers the rules reject (the judge cascade), or none. */
public final class JudgeOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--judge", paramLabel = "URL") URI endpoint;
    @Option(names = "--judge-model", paramLabel = "NAME") String model;
    @Option(names = "--judge-max-tokens", defaultValue = "1024", paramLabel = "T") int maxTokens;
    @Option(names = "--judge-timeout-s", defaultValue = "600", paramLabel = "S") int timeoutS;
    @Option(names = "--judge-concurrency", defaultValue = "8", paramLabel = "N") int concurrency;

    /**
     * The judge, or null when --judge is not given; its API key comes from ARBITER_JUDGE_API_KEY.
     *
     * @throws CommandLine.ParameterException for a judge named by halves or with impossible limits
     */
    public LlmJudge.Settings settings() {
        if (endpoint == null) {
            if (model != null) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--judge-model needs --judge: the judge's endpoint URL");
            }
            return null;
        }
        if (timeoutS < 1) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--judge-timeout-s must be at least 1");
        }
        try {
            return new LlmJudge.Settings(endpoint, model, maxTokens, Duration.ofSeconds(timeoutS), System.getenv(LlmJudge.Settings.KEY_ENV),
                    concurrency);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
