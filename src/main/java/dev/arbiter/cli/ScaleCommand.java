package dev.arbiter.cli;

import dev.arbiter.Progress;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.UserJsonl;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EndpointOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.SamplingOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.EvalPreflight;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.scaling.BudgetSweep;
import dev.arbiter.scaling.Curve;
import dev.arbiter.scaling.RunCurves;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Inference-scaling curves, written as CSV, PNG and SVG with 95%% bands (bootstrap over problems).",
            "",
            "Sample budget (--from-run): pass@k and maj@k for k = 1, 2, 4 ... n from a finished `arbiter eval` run's",
            "  stored verdicts. No model is called. Give several runs for one pair of curves each.",
            "Token budget (--budgets), --style truncate (T1): generates once at the largest budget; for each smaller",
            "  budget B, a completion longer than B has its thinking cut to B tokens (the model's tokenizer counts),",
            "  and one short answer call asks for the final answer. x = tokens actually used. Answer calls are stored.",
            "Token budget, --style force (s1 budget forcing): thinking that ends before --min-thinking gets --cue",
            "  appended (at most --extensions times); at each budget the thinking is closed and the answer forced.",
            "  Needs --raw and a template that opens the thinking. Each budget is its own generation."},
        footer = {"", "Examples:",
            "  arbiter scale --from-run results/deepseek-r1-7b-1a2b3c4d5e6f",
            "  arbiter scale --budgets 1024,2048,4096,8192,16384 --benchmark aime24 --endpoint http://gpu1:8000 \\",
            "      --model deepseek-ai/DeepSeek-R1-Distill-Qwen-7B --n 8 --think-end '</think>'",
            "  arbiter scale --style force --budgets 512,1024,2048 --min-thinking 256 --raw \\",
            "      --template $'<|im_start|>user\\n{problem}<|im_end|>\\n<|im_start|>assistant\\n<think>\\n' --benchmark math500 ..."})
final class ScaleCommand implements Callable<Integer> {
    @Option(names = "--from-run", paramLabel = "DIR", description = "A finished eval run folder: draws its sample-budget curves; repeatable.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--budgets", split = ",", paramLabel = "T", description = "Thinking-token budgets to sweep, e.g. 1024,2048,4096.")
    List<Integer> budgets = new ArrayList<>();

    @Option(names = "--style", defaultValue = "truncate", paramLabel = "S", description = "truncate (T1) or force (s1) (default: ${DEFAULT-VALUE}).")
    BudgetSweep.Style style;

    @Option(names = "--benchmark", paramLabel = "NAME", description = "A math benchmark to sweep; repeatable.")
    List<String> benchmarks = new ArrayList<>();

    @Option(names = "--jsonl", paramLabel = "FILE", description = "Your own math problems (id, prompt, answer); repeatable.")
    List<Path> jsonl = new ArrayList<>();

    @CommandLine.Mixin
    EndpointOptions endpoint;

    @CommandLine.Mixin
    SamplingOptions sampling;

    @Option(names = "--raw", description = "Send prompts to /v1/completions as they are (needed by --style force).")
    boolean raw;

    @Option(names = "--template", paramLabel = "TEXT", description = "Prompt template with {problem} (default: as `arbiter eval`).")
    String template = PromptTemplates.MATH;

    @Option(names = "--think-end", defaultValue = "</think>", paramLabel = "TEXT",
            description = "The end-of-thinking marker; thinking is the text before it (default: ${DEFAULT-VALUE}; '' for none).")
    String thinkEnd;

    @Option(names = "--answer-tokens", defaultValue = "256", paramLabel = "T", description = "max_tokens of the answer step (default: ${DEFAULT-VALUE}).")
    int answerTokens;

    @Option(names = "--answer-template", paramLabel = "TEXT",
            description = "The truncate style's answer prompt, with {thinking} and any of {problem}, {prompt}, {think_end} (default: ours).")
    String answerTemplate;

    @Option(names = "--min-thinking", defaultValue = "0", paramLabel = "T", description = "force: thinking shorter than this gets the cue (default: ${DEFAULT-VALUE}).")
    int minThinking;

    @Option(names = "--extensions", defaultValue = "2", paramLabel = "N", description = "force: the cue is inserted at most N times (default: ${DEFAULT-VALUE}).")
    int extensions;

    @Option(names = "--cue", defaultValue = "\nWait", paramLabel = "TEXT", description = "force: the continuation cue (default: a new line and Wait).")
    String cue;

    @Option(names = "--forced-answer", defaultValue = "\nFinal Answer:", paramLabel = "TEXT", description = "force: written after the marker when the budget ran out.")
    String forcedAnswer;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N problems of each benchmark.")
    Integer limit;

    @Option(names = "--exclude-truncated", description = "--from-run: leave samples cut off at max_tokens out, as `arbiter eval` can.")
    boolean excludeTruncated;

    @Option(names = "--store", paramLabel = "FILE|URL", description = "The completion store (default: the run's own, or results/store.db).")
    String store;

    @Option(names = "--out", paramLabel = "DIR", description = "Where scale.csv, scale.png and scale.svg go (default: <first run>/scaling, or results/scale-<style>).")
    Path out;

    @CommandLine.Mixin
    EngineOptions engineOptions;

    @CommandLine.Mixin
    SelectionOptions window;

    @CommandLine.Mixin
    DataOptions data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (runs.isEmpty() == budgets.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give either --from-run (sample-budget curves) or --budgets (a token-budget sweep)");
        }
        return runs.isEmpty() ? tokenSweep(cl) : fromRuns(cl);
    }

    private int fromRuns(CommandLine cl) throws Exception {
        PrintWriter o = cl.getOut();
        List<Curve> curves = RunCurves.of(runs, store, excludeTruncated ? TruncationPolicy.EXCLUDE : TruncationPolicy.AS_GRADED, progress(cl));
        Path dir = out != null ? out : runs.getFirst().resolve("scaling");
        RunCurves.write(dir, curves);
        o.printf("curves in %s (scale.csv, scale.png, scale.svg); no model was called%n", dir);
        o.flush();
        return 0;
    }

    private int tokenSweep(CommandLine cl) throws Exception {
        if (benchmarks.isEmpty() && jsonl.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "name at least one --benchmark or --jsonl to sweep");
        }
        BudgetSweep.Settings settings;
        try {
            settings = new BudgetSweep.Settings(style, budgets, sampling.n(), sampling.temperature(), sampling.topP(), sampling.seed(), raw, template,
                    thinkEnd, answerTokens, answerTemplate, minThinking, extensions, cue, forcedAnswer, limit, endpoint.concurrency(), endpoint.timeout());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        String revision = endpoint.modelRevision();
        PrintWriter o = cl.getOut();
        BudgetSweep sweep;
        BudgetSweep.Result result;
        Backends.Opened opened;
        try {
            opened = Backends.open(endpoint.endpoints(), endpoint.model(), engineOptions::open, endpoint.timeout());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        try (Backends.Opened m = opened;
                CompletionStore st = CompletionStore.open(store != null ? store : "results/store.db")) {
            sweep = new BudgetSweep(settings, m.modelId());
            List<EvalPlan> plans = sweep.plans(load());
            // as for eval: which model the name stands for enters the key of every generation and answer call
            String identity = m.client() == null ? null : EvalPreflight.check("scale", m.client(), endpoint.model(), revision, !raw,
                    settings.budgets().getLast(), plans, st, true, endpoint.timeout(), cl.getErr()).identity();
            result = sweep.run(plans, m.backend(), m.codec(), st, identity, progress(cl));
            o.println("model calls: " + result.calls().stream().map(t -> t.purpose() + " " + t.calls() + (t.cached() > 0 ? " (+" + t.cached()
                    + " from the store)" : "")).reduce((a, b) -> a + ", " + b).orElse("none") + "; " + m.stats());
        }
        Path dir = out != null ? out : Path.of("results", "scale-" + style.name().toLowerCase());
        sweep.write(dir, result);
        o.printf("curves in %s (scale.csv, scale.png, scale.svg, calls.json)%n", dir);
        o.flush();
        return 0;
    }

    private List<Benchmarks.Loaded> load() {
        Benchmarks b = data.open();
        List<Benchmarks.Loaded> loaded = new ArrayList<>();
        benchmarks.forEach(name -> loaded.add(b.load(name, window.selection())));
        jsonl.forEach(f -> loaded.add(b.loadJsonl(f, new UserJsonl.Mapping(Kind.MATH, Map.of()))));
        return loaded;
    }

    /** Result lines on stdout as they come, progress bars on stderr. */
    private static dev.arbiter.scaling.Progress progress(CommandLine cl) {
        PrintWriter o = cl.getOut();
        return new dev.arbiter.scaling.Progress() {
            @Override
            public Task start(String task, long max, long done) {
                ProgressBar bar = Progress.bar(task, max, done);
                return new Task() {
                    @Override
                    public void stepTo(long n) {
                        bar.stepTo(n);
                    }

                    @Override
                    public void step() {
                        bar.step();
                    }

                    @Override
                    public void close() {
                        bar.close();
                    }
                };
            }

            @Override
            public void line(String text) {
                o.println(text);
            }
        };
    }
}
