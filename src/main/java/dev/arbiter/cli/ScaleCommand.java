package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EndpointOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.SamplingOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.scaling.BudgetSweep;
import dev.arbiter.scaling.Curve;
import dev.arbiter.scaling.Progress;
import dev.arbiter.scaling.RunCurves;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
final class ScaleCommand extends CommandBase {
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
        List<Curve> curves = RunCurves.of(runs, store, excludeTruncated ? TruncationPolicy.EXCLUDE : TruncationPolicy.AS_GRADED, Progress.bars(o));
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
        String revision = endpoint.modelRevision(); // a bad one is refused before any model loads
        BudgetSweep.Settings settings;
        Backends.Opened opened;
        try {
            settings = new BudgetSweep.Settings(style, budgets, sampling.n(), sampling.temperature(), sampling.topP(), sampling.seed(), raw, template,
                    thinkEnd, answerTokens, answerTemplate, minThinking, extensions, cue, forcedAnswer, limit, endpoint.concurrency(), endpoint.timeout());
            opened = Backends.open(endpoint.endpoints(), endpoint.model(), engineOptions::open, endpoint.timeout());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        PrintWriter o = cl.getOut();
        BudgetSweep sweep;
        BudgetSweep.Result result;
        try (Backends.Opened m = opened;
                CompletionStore st = CompletionStore.open(store != null ? store : "results/store.db")) {
            sweep = new BudgetSweep(settings, m.modelId());
            List<EvalPlan> plans = sweep.plans(data.open().loadAll(benchmarks, window.selection(), jsonl));
            result = sweep.run(plans, m, endpoint.model(), revision, st, cl.getErr(), Progress.bars(o));
            o.println("model calls: " + result.callsLine() + "; " + m.stats());
        }
        Path dir = out != null ? out : Path.of("results", "scale-" + style.name().toLowerCase());
        sweep.write(dir, result);
        o.printf("curves in %s (scale.csv, scale.png, scale.svg, calls.json)%n", dir);
        o.flush();
        return 0;
    }
}
