package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EndpointOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.ExtractionOption;
import dev.arbiter.cli.options.SamplingOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.report.RunReport;
import dev.arbiter.run.ConfigFile;
import dev.arbiter.run.Evaluation;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.Strategy;
import dev.arbiter.scaling.SiftBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Samples a model on benchmarks, through OpenAI-compatible endpoints or in this process, and grades it.",
            "Without --endpoint, --model is a model folder (or a Hugging Face id) run by the in-process engine.",
            "Math is graded by the math verifier, code in the Docker sandbox by LiveCodeBench's rules;",
            "it writes a leaderboard (pass@1 with its error, pass@k, maj@k) to results/.",
            "Every completion is stored the moment it arrives, keyed by model, prompt, sampling and sample index:",
            "run the same command again after a crash or with a larger --n and only the missing samples are requested."},
        footer = {"", "Examples:",
            "  arbiter eval --benchmark aime24 --benchmark math500 --endpoint http://gpu1:8000 --endpoint http://gpu2:8000 \\",
            "      --model deepseek-ai/DeepSeek-R1-Distill-Qwen-7B --n 16 --max-tokens 32768 --temperature 0.6 --top-p 0.95",
            "  arbiter eval --jsonl my_problems.jsonl --endpoint http://localhost:8000 --model m --n 4 --dry-run",
            "  arbiter eval --benchmark math500 --limit 20 --model ./Qwen2.5-0.5B-Instruct --n 4 --max-tokens 1024   (in-process)"})
final class EvalCommand extends CommandBase {
    @Option(names = "--config", paramLabel = "FILE",
            description = "A YAML file of these options by their long names, kebab- or snake_case (benchmark: [aime24], n: 16, top_p: 0.95, ...); flags on the command line win.")
    Path configFile;

    @Option(names = "--benchmark", paramLabel = "NAME", description = "A shipped benchmark, math or code (see `arbiter benchmarks list`); repeatable.")
    List<String> benchmarks = new ArrayList<>();

    @Option(names = "--jsonl", paramLabel = "FILE", description = "Your own math problems: JSONL with id, prompt and answer fields; repeatable.")
    List<Path> jsonl = new ArrayList<>();

    @Option(names = "--max-tokens", defaultValue = "32768", paramLabel = "T", description = "Token budget per sample (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--raw", description = "Send the prompt to /v1/completions instead of as one chat message.")
    boolean raw;

    @Option(names = "--template", paramLabel = "TEXT", description = "Prompt template with {problem} (default: asks for reasoning and a \\boxed{} answer).")
    String template = PromptTemplates.MATH;

    @Option(names = "--code-template", paramLabel = "TEXT", description = "Prompt template for code benchmarks, with {problem} (default: asks for one fenced Python program).")
    String codeTemplate = PromptTemplates.CODE;

    @Option(names = "--stop", paramLabel = "TEXT", description = "A stop string; repeatable.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--k", split = ",", paramLabel = "K", description = "The k for pass@k and maj@k (default: powers of 2 up to n, and n).")
    List<Integer> ks;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N problems of each benchmark.")
    Integer limit;

    @Option(names = "--exclude-truncated", description = "Leave samples cut off at --max-tokens out of the metrics (default: graded as they stand).")
    boolean excludeTruncated;

    @Option(names = "--store", defaultValue = "results/store.db", paramLabel = "FILE|URL",
            description = "The completion store: a SQLite file, or a jdbc:postgresql:// URL shared by a team (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the report goes (default: results/<model>-<benchmarks>-<run hash>); a folder with another run's report is refused.")
    Path out;

    @Option(names = "--strategy", defaultValue = "sample", paramLabel = "S", converter = StrategyName.class,
            description = {"How each of the n answers is made (default: ${DEFAULT-VALUE}):",
                "sample: one completion each; self-consistency: also reports the majority vote of the n samples, grouped by the",
                "verifier's equivalence (maj@n); best-of-n: also reports the oracle pick, the verifier choosing (pass@n, an upper",
                "bound); sift: each answer comes from SIFT's sticker stages (3 to 11 calls), counted by stage. Math only for sift."})
    Strategy strategy;

    @Option(names = "--dry-run", description = "Print the resolved config and how many requests the run would make, then stop.")
    boolean dryRun;

    @CommandLine.Mixin
    EndpointOptions endpoint;

    @CommandLine.Mixin
    SamplingOptions sampling;

    @CommandLine.Mixin
    ExtractionOption extraction;

    @CommandLine.Mixin
    EngineOptions engineOptions;

    @CommandLine.Mixin
    SelectionOptions window;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (configFile != null) {
            applyConfig(cl);
        }
        Evaluation evaluation;
        try {
            evaluation = Evaluation.prepare(new Evaluation.Settings(benchmarks, jsonl, window.selection(), endpoint.endpoints(), endpoint.model(),
                    endpoint.modelRevision(), sampling.n(), maxTokens, sampling.temperature(), sampling.topP(), sampling.seed(), raw, template,
                    codeTemplate, stop, ks, limit, endpoint.concurrency(), (int) endpoint.timeout().toSeconds(), extraction.extraction(),
                    excludeTruncated, store, out, strategy, engineOptions.device()), data.open());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Evaluation.Result r = evaluation.run(dryRun, engineOptions::open, SiftBackend.FACTORY, Evaluation.Progress.bars(), cl.getOut(), cl.getErr());
        RunReport.write(r, cl.getOut(), cl.getErr());
        return r.exitCode();
    }

    /** Sets each option the YAML file names, unless the command line gave it. */
    private void applyConfig(CommandLine cl) {
        ConfigFile config = ConfigFile.read(configFile);
        for (String key : config.values().keySet()) {
            CommandLine.Model.OptionSpec opt = spec.findOption(ConfigFile.flag(key));
            if (opt == null || key.equals("config")) {
                throw config.unknown(key, "eval");
            }
            if (!cl.getParseResult().hasMatchedOption(opt)) { // the command line wins
                opt.setValue(config.value(key, opt.type(), opt.auxiliaryTypes()[0]));
            }
        }
    }

    /** Strategy names as written on the command line: self-consistency, best-of-n. */
    static final class StrategyName implements CommandLine.ITypeConverter<Strategy> {
        @Override
        public Strategy convert(String value) {
            try {
                return Strategy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
