package dev.arbiter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.UserJsonl;
import dev.arbiter.json.Json;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.EvalRunner;
import dev.arbiter.run.GenerationSpec;
import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.Metrics;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.Sample;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.scaling.Answers;
import dev.arbiter.scaling.BudgetForcing;
import dev.arbiter.scaling.CallCounter;
import dev.arbiter.scaling.Curve;
import dev.arbiter.scaling.CurveCsv;
import dev.arbiter.scaling.CurvePlot;
import dev.arbiter.run.EvalPreflight;
import dev.arbiter.run.RunSummary;
import dev.arbiter.scaling.SampleBudget;
import dev.arbiter.scaling.StrategyCalls;
import dev.arbiter.scaling.TruncationSweep;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Inference-scaling curves, written as CSV, PNG and SVG with 95% bands (bootstrap over problems).",
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
    enum Style { TRUNCATE, FORCE }

    @Option(names = "--from-run", paramLabel = "DIR", description = "A finished eval run folder: draws its sample-budget curves; repeatable.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--budgets", split = ",", paramLabel = "T", description = "Thinking-token budgets to sweep, e.g. 1024,2048,4096.")
    List<Integer> budgets = new ArrayList<>();

    @Option(names = "--style", defaultValue = "truncate", paramLabel = "S", description = "truncate (T1) or force (s1) (default: ${DEFAULT-VALUE}).")
    Style style;

    @Option(names = "--benchmark", paramLabel = "NAME", description = "A math benchmark to sweep; repeatable.")
    List<String> benchmarks = new ArrayList<>();

    @Option(names = "--jsonl", paramLabel = "FILE", description = "Your own math problems (id, prompt, answer); repeatable.")
    List<Path> jsonl = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "URL", description = "An OpenAI-compatible server (vLLM or SGLang: budgets are counted with its /tokenize); repeatable.")
    List<URI> endpoints = new ArrayList<>();

    @Option(names = "--model", paramLabel = "NAME|DIR", description = "The served model's name, or a model folder run in-process.")
    String model;

    @Option(names = "--model-revision", paramLabel = "REV",
            description = "A served model's revision, in the store key, as for `arbiter eval` (the served model is fingerprinted first).")
    String modelRevision;

    @Option(names = "--n", defaultValue = "4", paramLabel = "N", description = "Samples per problem (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--temperature", defaultValue = "0.6", paramLabel = "T", description = "(default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "(default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Base seed; sample i uses seed + i (default: ${DEFAULT-VALUE}).")
    long seed;

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

    @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N", description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--timeout-s", defaultValue = "3600", paramLabel = "S", description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Option(names = "--exclude-truncated", description = "--from-run: leave samples cut off at max_tokens out, as `arbiter eval` can.")
    boolean excludeTruncated;

    @Option(names = "--store", paramLabel = "FILE|URL", description = "The completion store (default: the run's own, or results/store.db).")
    String store;

    @Option(names = "--out", paramLabel = "DIR", description = "Where scale.csv, scale.png and scale.svg go (default: <first run>/scaling, or results/scale-<style>).")
    Path out;

    @CommandLine.Mixin
    ServeCommand.EngineOptions engineOptions;

    @CommandLine.Mixin
    BenchmarksCommand.SelectionOptions window;

    @CommandLine.Mixin
    BenchmarksCommand.DataOptions data;

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
        List<Curve> curves = new ArrayList<>();
        PrintWriter o = cl.getOut();
        TruncationPolicy policy = excludeTruncated ? TruncationPolicy.EXCLUDE : TruncationPolicy.AS_GRADED;
        try (MathVerifier verifier = new MathVerifier()) {
            for (Path dir : runs) {
                RunSummary run = ScaleCommand.readRun(dir, store);
                try (CompletionStore st = CompletionStore.open(run.store())) {
                    for (RunSummary.Bench b : run.config().benchmarks()) {
                        List<ProblemSamples> graded = new ArrayList<>();
                        for (String id : b.problemIds()) {
                            try {
                                graded.add(EvalRunner.stored(st, b.generationHash(), id, run.n(), b.verifier(),
                                        b.code() ? null : (x, y) -> verifier.verify(x, y).equal()));
                            } catch (IllegalStateException e) {
                                throw new Errors.UserError(dir + ": " + e.getMessage() + "; run the same `arbiter eval` again to finish grading");
                            }
                        }
                        int usable = graded.stream().mapToInt(p -> (int) p.samples().stream()
                                .filter(s -> policy != TruncationPolicy.EXCLUDE || !s.truncated()).count()).min().orElse(0);
                        if (usable < run.n()) {
                            throw new Errors.UserError(dir + " " + b.name() + ": some problem has only " + usable + " usable samples of n=" + run.n()
                                    + "; finish the run (`arbiter eval` again) before drawing curves");
                        }
                        String name = shortModel(run.model()) + " " + b.name();
                        List<Curve> two = SampleBudget.curves(name, graded, run.n(), policy, 0);
                        curves.addAll(two);
                        for (Curve c : two) {
                            o.printf("%-48s", c.name());
                            c.points().forEach(p -> o.printf("  k=%d %.4f", (int) p.x(), p.y()));
                            o.println();
                        }
                    }
                }
            }
        }
        Path dir = out != null ? out : runs.getFirst().resolve("scaling");
        int n = curves.stream().mapToInt(c -> (int) c.points().getLast().x()).max().orElse(1);
        CurveCsv.write(dir.resolve("scale.csv"), curves);
        CurvePlot.write(dir.resolve("scale"), new CurvePlot.Labels("pass@k and maj@k as samples grow",
                "unbiased estimators over n=" + n + " samples per problem; bands: 95% bootstrap over problems",
                "samples per problem (k)", "accuracy", true), curves);
        o.printf("curves in %s (scale.csv, scale.png, scale.svg); no model was called%n", dir);
        o.flush();
        return 0;
    }

    private int tokenSweep(CommandLine cl) throws Exception {
        if (benchmarks.isEmpty() && jsonl.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "name at least one --benchmark or --jsonl to sweep");
        }
        if (n < 1 || concurrency < 1 || timeoutS < 1 || answerTokens < 1 || (limit != null && limit < 1)) {
            throw new CommandLine.ParameterException(cl, "--n, --concurrency, --timeout-s, --answer-tokens and --limit must be at least 1");
        }
        if (budgets.stream().anyMatch(b -> b < 1)) {
            throw new CommandLine.ParameterException(cl, "--budgets must be positive token counts");
        }
        if (!template.contains("{problem}")) {
            throw new CommandLine.ParameterException(cl, "--template must contain {problem}");
        }
        if (style == Style.FORCE && !raw) {
            throw new CommandLine.ParameterException(cl, "--style force continues the model's own text: add --raw and a --template that opens the thinking");
        }
        if (modelRevision != null && (modelRevision.isBlank() || endpoints.isEmpty())) {
            throw new CommandLine.ParameterException(cl, modelRevision.isBlank() ? "--model-revision must not be blank"
                    : "--model-revision names a served model; an in-process model is named by a digest of its weights");
        }
        List<Integer> bs = budgets.stream().sorted().distinct().toList();
        Duration timeout = Duration.ofSeconds(timeoutS);
        PrintWriter o = cl.getOut();
        PrintWriter err = cl.getErr();
        List<Curve> curves = new ArrayList<>();
        ObjectNode bill = Json.mapper().createObjectNode();
        String location = store != null ? store : "results/store.db";
        Backends.Opened opened;
        try {
            opened = Backends.open(endpoints, model, engineOptions::open, timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        try (Backends.Opened m = opened;
             CompletionStore st = CompletionStore.open(location);
             MathVerifier verifier = new MathVerifier()) {
            List<EvalPlan> plans = new ArrayList<>();
            for (Benchmarks.Loaded l : load()) {
                List<Problem> ps = limit == null ? l.problems() : l.problems().subList(0, Math.min(limit, l.problems().size()));
                if (ps.stream().anyMatch(p -> !(p.gold() instanceof MathAnswer))) {
                    throw new Errors.UserError(l.name() + ": token-budget sweeps grade math answers; it is not a math benchmark");
                }
                plans.add(new EvalPlan(l.name(), ps, spec(m.modelId(), bs.getLast()), n, timeout, concurrency));
            }
            if (m.client() != null) {
                // as for eval: which model the name stands for enters the key of every generation and answer call
                identity = EvalPreflight.check("scale", m.client(), model, modelRevision, !raw, bs.getLast(), plans, st, true, timeout, err).identity();
            }
            CallCounter counter = new CallCounter(m.backend());
            StrategyCalls calls = new StrategyCalls(st, counter, m.modelId(), identity, !raw, timeout);
            Answers answers = new Answers(verifier);
            for (EvalPlan each : plans) {
                List<Problem> ps = each.problems();
                List<Curve.Point> points = new ArrayList<>();
                if (style == Style.TRUNCATE) {
                    GenerationSpec gen = spec(m.modelId(), bs.getLast());
                    EvalPlan plan = new EvalPlan(each.benchmark(), ps, gen, n, timeout, concurrency);
                    int total = ps.size() * n;
                    int before = total - st.missing(gen.hash(), plan.problemIds(), n).size();
                    EvalRunner.Generated g;
                    try (ProgressBar bar = ResumableJsonl.progress(each.benchmark() + " @" + bs.getLast(), total, before)) {
                        g = EvalRunner.generate(plan, counter.as("full"), st, (done, all, tokens) -> bar.stepTo(before + done));
                    }
                    g.failures().forEach(f -> err.println("  not generated: " + f.line()));
                    if (g.failed() > 0) {
                        throw new Errors.UserError(g.failed() + " generations failed; run the same command again to fetch only those");
                    }
                    String tmpl = answerTemplate != null ? answerTemplate : raw ? TruncationSweep.RAW_ANSWER_TEMPLATE : TruncationSweep.CHAT_ANSWER_TEMPLATE;
                    var sweep = TruncationSweep.run(plan, st, calls, m.codec(), answers,
                            new TruncationSweep.Settings(bs, thinkEnd, tmpl, answerTokens));
                    for (TruncationSweep.AtBudget b : sweep) {
                        MetricSummary s = Metrics.summarize(b.graded(), n, List.of(1), TruncationPolicy.AS_GRADED, 0);
                        points.add(new Curve.Point(b.meanTokensUsed(), s.passAt1().mean(), s.passAt1().ciLow(), s.passAt1().ciHigh(), "budget=" + b.budget()));
                        o.printf("%s budget %6d: accuracy %.4f  mean tokens used %8.1f  answer calls %d%n", each.benchmark(), b.budget(), s.passAt1().mean(),
                                b.meanTokensUsed(), b.answerCalls());
                    }
                } else {
                    for (int b : bs) {
                        points.add(forcePoint(each.benchmark(), ps, b, calls, answers, m.modelId(), o));
                    }
                }
                curves.add(new Curve(shortModel(m.modelId()) + " " + each.benchmark() + " (" + style.name().toLowerCase() + ")", "accuracy", points));
            }
            for (CallCounter.Tally t : counter.tallies()) {
                bill.putObject(t.purpose()).put("calls", t.calls()).put("cached", t.cached()).put("prompt_tokens", t.promptTokens())
                        .put("completion_tokens", t.completionTokens());
            }
            o.println("model calls: " + counter.tallies().stream().map(t -> t.purpose() + " " + t.calls() + (t.cached() > 0 ? " (+" + t.cached() + " from the store)" : ""))
                    .reduce((a, b) -> a + ", " + b).orElse("none") + "; " + m.stats());
        }
        Path dir = out != null ? out : Path.of("results", "scale-" + style.name().toLowerCase());
        CurveCsv.write(dir.resolve("scale.csv"), curves);
        CurvePlot.write(dir.resolve("scale"), new CurvePlot.Labels(style == Style.TRUNCATE ? "Accuracy vs thinking budget (truncation, T1)"
                        : "Accuracy vs thinking budget (budget forcing, s1)", "n=" + n + " samples per problem; budgets " + bs + "; bands: 95% bootstrap over problems",
                style == Style.TRUNCATE ? "tokens used per sample (thinking + answer step)" : "thinking tokens per sample", "accuracy", true), curves);
        Files.writeString(dir.resolve("calls.json"), Json.pretty(bill));
        o.printf("curves in %s (scale.csv, scale.png, scale.svg, calls.json)%n", dir);
        o.flush();
        return 0;
    }

    private Curve.Point forcePoint(String bench, List<Problem> ps, int budget, StrategyCalls calls, Answers answers, String modelId,
                                   PrintWriter o) throws Exception {
        BudgetForcing.Settings fs;
        try {
            fs = new BudgetForcing.Settings(thinkEnd, cue, Math.min(minThinking, budget), budget, extensions, forcedAnswer, answerTokens);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
        GenerationSpec gen = spec(modelId, budget);
        EvalPlan plan = new EvalPlan(bench, ps, gen, n, Duration.ofSeconds(timeoutS), concurrency);
        StrategyCalls.Decoding d = new StrategyCalls.Decoding(temperature, topP, budget, seed, List.of());
        Semaphore slots = new Semaphore(concurrency);
        List<ProblemSamples> graded = new ArrayList<>();
        long thinking = 0;
        int samples = 0;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
             ProgressBar bar = ResumableJsonl.progress(bench + " force@" + budget, ps.size() * n, 0)) {
            List<List<Future<BudgetForcing.Forced>>> fs2 = new ArrayList<>();
            for (Problem p : ps) {
                List<Future<BudgetForcing.Forced>> one = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int index = i;
                    one.add(ex.submit(() -> {
                        slots.acquire();
                        try {
                            return BudgetForcing.run(calls, plan.prompt(p), d, index, fs);
                        } finally {
                            slots.release();
                            bar.step();
                        }
                    }));
                }
                fs2.add(one);
            }
            for (int pi = 0; pi < ps.size(); pi++) {
                String gold = ((MathAnswer) ps.get(pi).gold()).answer();
                List<Sample> ss = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    BudgetForcing.Forced f = fs2.get(pi).get(i).get();
                    thinking += f.thinkingTokens();
                    samples++;
                    Outcome out = answers.outcome(gold, f.answer());
                    if (out.graded()) { // no verdict, no sample: it counts as missing
                        ss.add(new Sample(i, out, f.forcedEnd(), out.votes() ? i : null));
                    }
                }
                graded.add(new ProblemSamples(ps.get(pi).id(), Map.of(), ss));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex2 ? ex2 : e;
        }
        MetricSummary s = Metrics.summarize(graded, n, List.of(1), TruncationPolicy.AS_GRADED, 0);
        double meanThinking = (double) thinking / samples;
        o.printf("%s max thinking %6d: accuracy %.4f  mean thinking tokens %8.1f  forced %.0f%%%n", bench, budget, s.passAt1().mean(), meanThinking,
                100 * s.truncationRate());
        return new Curve.Point(meanThinking, s.passAt1().mean(), s.passAt1().ciLow(), s.passAt1().ciHigh(), "budget=" + budget);
    }

    /** A run folder with its store: the one given, else the run's own; a missing store file is the user's to fix. */
    static RunSummary readRun(Path dir, String storeOverride) {
        RunSummary run;
        try {
            run = RunSummary.readRun(dir);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
        String location = storeOverride != null ? storeOverride : run.store();
        if (!location.startsWith("jdbc:") && !Files.isRegularFile(Path.of(location))) {
            throw new Errors.UserError("the run's store " + location + " is not there (run from the folder you ran `arbiter eval` in, or pass --store)");
        }
        return run.withStore(location);
    }

    /** The served model's identity from the check before sampling (null in-process: the model id is its weights' digest). */
    private String identity;

    private GenerationSpec spec(String modelId, int maxTokens) {
        try {
            return new GenerationSpec(modelId, template, !raw, temperature, topP, maxTokens, seed, List.of(), identity);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
    }

    private List<Benchmarks.Loaded> load() {
        Benchmarks b = data.open();
        List<Benchmarks.Loaded> out = new ArrayList<>();
        for (String name : benchmarks) {
            out.add(b.load(name, window.selection()));
        }
        for (Path f : jsonl) {
            out.add(b.loadJsonl(f, new UserJsonl.Mapping(Kind.MATH, Map.of())));
        }
        return out;
    }

    private static String shortModel(String id) {
        String s = id.replaceAll("^.*/", "");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
