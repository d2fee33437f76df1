package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EndpointOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.SamplingOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.scaling.BudgetSweep;
import dev.arbiter.scaling.Curve;
import dev.arbiter.scaling.Progress;
import dev.arbiter.scaling.RunCurves;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false)
final class ScaleCommand extends CommandBase {
    @Option(names = "--from-run", paramLabel = "DIR") List<Path> runs = new ArrayList<>();
    @Option(names = "--budgets", split = ",", paramLabel = "T") List<Integer> budgets = new ArrayList<>();
    @Option(names = "--style", defaultValue = "truncate", paramLabel = "S") BudgetSweep.Style style;
    @Option(names = "--benchmark", paramLabel = "NAME") List<String> benchmarks = new ArrayList<>();
    @Option(names = "--jsonl", paramLabel = "FILE") List<Path> jsonl = new ArrayList<>();
    @CommandLine.Mixin EndpointOptions endpoint;
    @CommandLine.Mixin SamplingOptions sampling;
    @Option(names = "--raw") boolean raw;
    @Option(names = "--template", paramLabel = "TEXT") String template = PromptTemplates.MATH;
    @Option(names = "--think-end", defaultValue = "</think>", paramLabel = "TEXT") String thinkEnd;
    @Option(names = "--answer-tokens", defaultValue = "256", paramLabel = "T") int answerTokens;
    @Option(names = "--answer-template", paramLabel = "TEXT") String answerTemplate;
    @Option(names = "--min-thinking", defaultValue = "0", paramLabel = "T") int minThinking;
    @Option(names = "--extensions", defaultValue = "2", paramLabel = "N") int extensions;
    @Option(names = "--cue", defaultValue = "\nWait", paramLabel = "TEXT") String cue;
    @Option(names = "--forced-answer", defaultValue = "\nFinal Answer:", paramLabel = "TEXT") String forcedAnswer;
    @Option(names = "--limit", paramLabel = "N") Integer limit;
    @Option(names = "--exclude-truncated") boolean excludeTruncated;
    @Option(names = "--store", paramLabel = "FILE|URL") String store;
    @Option(names = "--out", paramLabel = "DIR") Path out;
    @CommandLine.Mixin EngineOptions engineOptions;
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
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
