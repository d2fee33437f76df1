package dev.arbiter.judge;

import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.InferenceException;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.RetryPolicy;
import dev.arbiter.verify.Outcome;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * An OpenAI-compatible model asked, with {@link JudgePrompt}, whether a response the rules rejected reaches the reference
 * answer anyway: chat, temperature 0, a bounded reply. It is asked only about answers the rules rejected or could not read
 * ({@link #asks}); callers check that before asking.
 */
public final class LlmJudge {
    /** Retries kept short: a judge that is down should cost a run seconds, not minutes per answer. */
    static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(4), 1000, Duration.ofSeconds(1));

    /**
     * Where the judge is and how it is asked.
     *
     * @param apiKey sent as a bearer token when not null (from ARBITER_JUDGE_API_KEY; never the generator's key)
     * @param concurrency requests in flight
     */
    public record Settings(URI endpoint, String model, int maxTokens, Duration timeout, String apiKey, int concurrency) {
        public Settings {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("--judge needs --judge-model: the name the judge's server knows the model by");
            }
            if (maxTokens < 1 || concurrency < 1) {
                throw new IllegalArgumentException("--judge-max-tokens and --judge-concurrency must be at least 1");
            }
        }

        /**
         * Who judges: the model's name, our prompt's fingerprint and the reply budget; a judgement is cached under it, so a
         * change to any of them asks again.
         */
        public String identity() {
            return model + " | " + JudgePrompt.FINGERPRINT + " | max_tokens " + maxTokens;
        }

        /** The settings without the key, so that printing them never shows it. */
        @Override
        public String toString() {
            return "LlmJudge.Settings[" + identity() + " at " + endpoint + (apiKey == null ? "" : ", key set") + ", concurrency " + concurrency
                    + ", timeout " + timeout + "]";
        }

        /** The environment variable the judge's API key is read from. */
        public static final String KEY_ENV = "ARBITER_JUDGE_API_KEY";
    }

    private final Settings settings;
    private final OpenAiClient client;
    /** One try, no retries: how a judge last seen unreachable is asked, until it answers again. */
    private final OpenAiClient once;
    /**
     * Why the judge could not be reached, while it cannot: each answer after that is asked once without retries (a refused
     * connection costs nothing; waiting out the retries for every answer would), and the first answer clears it.
     */
    private final java.util.concurrent.atomic.AtomicReference<String> unreachable = new java.util.concurrent.atomic.AtomicReference<>();

    public LlmJudge(Settings settings) {
        this.settings = settings;
        this.client = new OpenAiClient(List.of(settings.endpoint()), settings.apiKey(), RETRY);
        this.once = new OpenAiClient(List.of(settings.endpoint()), settings.apiKey(),
                new RetryPolicy(1, RETRY.initialBackoff(), RETRY.maxBackoff(), RETRY.ejectAfter(), RETRY.ejectFor()));
    }

    /** See {@link Settings#identity()}. */
    public String identity() {
        return settings.identity();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Whether a rule outcome goes to the judge: a rejected answer or none the rules could read. Never a correct one, never a
     * response cut off at the token budget before any answer (it has no final part to judge), never one the verifier could
     * not finish (graded again) or that is no verdict at all.
     */
    public static boolean asks(Outcome rule) {
        return rule == Outcome.WRONG || rule == Outcome.NO_ANSWER;
    }

    /** Asks once (with retries); never throws for what the server does: a failure is a judgement without a verdict. */
    public Judgement judge(String problem, String reference, Candidate candidate) {
        String prompt = JudgePrompt.render(problem, reference, candidate);
        String down = unreachable.get();
        Generation g;
        try {
            g = (down == null ? client : once).generate(new GenerationRequest(settings.model(), prompt, true, settings.maxTokens(), 0.0,
                    1.0, 0, List.of(), settings.timeout()));
        } catch (InferenceException e) {
            if (e.kind() == InferenceException.Kind.UNREACHABLE) {
                unreachable.compareAndSet(null, e.reason());
            }
            return Judgement.failed("judge request failed" + (down == null ? "" : " (asked once: it was unreachable before)") + ": "
                    + e.getMessage().lines().findFirst().orElse(e.reason()));
        }
        unreachable.set(null);
        Judgement j = JudgeReply.parse(g.text());
        if ("length".equals(g.finishReason())) {
            // a reply cut off is never a verdict, even when its last line so far reads CORRECT (a judge thinking aloud)
            return new Judgement(null, j.ruled() ? JudgeReply.abbreviate(j.verdictLine(), 200) : j.verdictLine(), (j.ruled()
                    ? "unparseable judge reply: it was cut off before its verdict" : j.reason()) + " (the reply was cut off at --judge-max-tokens "
                    + settings.maxTokens() + ")", false);
        }
        return j;
    }
}
