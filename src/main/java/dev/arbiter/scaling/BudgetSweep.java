package dev.arbiter.scaling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.TokenCodec;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.json.Json;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.EvalPreflight;
import dev.arbiter.run.EvalRunner;
import dev.arbiter.run.GenerationSpec;
import dev.arbiter.run.RunException;
import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.Metrics;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.Sample;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Accuracy against a thinking-token budget on math benchmarks. {@link Style#TRUNCATE} (T1) generates once
 * at the largest budget and cuts each completion's thinking to the smaller ones, with one short answer
 * call each; {@link Style#FORCE} (s1 budget forcing) generates at each budget, extending thinking that
 * ends early with a cue and forcing the answer when the budget runs out.
 */
public final class BudgetSweep {
    public enum Style { TRUNCATE, FORCE }

    /** The sweep: budgets, sampling, and each style's own settings. */
    public record Settings(Style style, List<Integer> budgets, int n, double temperature, double topP, long seed, boolean raw, String template,
                           String thinkEnd, int answerTokens, String answerTemplate, int minThinking, int extensions, String cue,
                           String forcedAnswer, Integer limit, int concurrency, Duration timeout) {
        public Settings {
            if (n < 1 || concurrency < 1 || timeout.toSeconds() < 1 || answerTokens < 1 || (limit != null && limit < 1)) {
                throw new IllegalArgumentException("--n, --concurrency, --timeout-s, --answer-tokens and --limit must be at least 1");
            }
            if (budgets.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("--budgets must be positive token counts");
            }
            if (!template.contains("{problem}")) {
                throw new IllegalArgumentException("--template must contain {problem}");
            }
            if (style == Style.FORCE && !raw) {
                throw new IllegalArgumentException("--style force continues the model's own text: add --raw and a --template that opens the thinking");
            }
            budgets = budgets.stream().sorted().distinct().toList();
        }

        int largest() {
            return budgets.getLast();
        }
    }

    /** The curves, one per benchmark, and the model calls they took by purpose. */
    public record Result(List<Curve> curves, List<CallCounter.Tally> calls) {
        /** The calls by purpose in one line, those the store answered in brackets. */
        public String callsLine() {
            return calls.stream().map(t -> t.purpose() + " " + t.calls() + (t.cached() > 0 ? " (+" + t.cached() + " from the store)" : ""))
                    .reduce((a, b) -> a + ", " + b).orElse("none");
        }
    }

    private final Settings s;
    private final String modelId;

    /** A sweep of the model the store keys as {@code modelId}. */
    public BudgetSweep(Settings settings, String modelId) {
        this.s = settings;
        this.modelId = modelId;
    }

    /** One plan per benchmark at the largest budget, cut to --limit; a benchmark that is not math is refused. */
    public List<EvalPlan> plans(List<Benchmarks.Loaded> loaded) {
        List<EvalPlan> plans = new ArrayList<>();
        for (Benchmarks.Loaded l : loaded) {
            List<Problem> ps = s.limit() == null ? l.problems() : l.problems().subList(0, Math.min(s.limit(), l.problems().size()));
            if (ps.stream().anyMatch(p -> !(p.gold() instanceof MathAnswer))) {
                throw new RunException(l.name() + ": token-budget sweeps grade math answers; it is not a math benchmark");
            }
            plans.add(new EvalPlan(l.name(), ps, spec(s.largest(), null), s.n(), s.timeout(), s.concurrency()));
        }
        return plans;
    }

    /**
     * Sweeps each plan's benchmark on an opened model. A served one is checked first, as eval checks it, and which
     * model the name {@code model} (at {@code revision}) stands for enters the key of every generation and answer call.
     */
    public Result run(List<EvalPlan> plans, Backends.Opened m, String model, String revision, CompletionStore st, PrintWriter err, Progress progress)
            throws Exception {
        String identity = m.client() == null ? null : EvalPreflight.check("scale", m.client(), model, revision, !s.raw(), s.largest(), plans, st,
                true, s.timeout(), err).identity();
        return run(plans, m.backend(), m.codec(), st, identity, progress);
    }

    /**
     * Sweeps each plan's benchmark; {@code identity} is the served model's identity from the check before
     * sampling (null in process, where the model id is its weights' digest). Every call is stored.
     */
    public Result run(List<EvalPlan> plans, InferenceBackend backend, TokenCodec codec, CompletionStore st, String identity, Progress progress)
            throws Exception {
        List<Curve> curves = new ArrayList<>();
        CallCounter counter = new CallCounter(backend);
        StrategyCalls calls = new StrategyCalls(st, counter, modelId, identity, !s.raw(), s.timeout());
        try (MathVerifier verifier = new MathVerifier()) {
            Answers answers = new Answers(verifier);
            for (EvalPlan each : plans) {
                List<Curve.Point> points = new ArrayList<>();
                if (s.style() == Style.TRUNCATE) {
                    points.addAll(truncate(each, st, calls, counter, codec, answers, identity, progress));
                } else {
                    for (int b : s.budgets()) {
                        points.add(force(each.benchmark(), each.problems(), b, calls, answers, identity, progress));
                    }
                }
                curves.add(new Curve(RunCurves.shortModel(modelId) + " " + each.benchmark() + " (" + s.style().name().toLowerCase(Locale.ROOT) + ")",
                        "accuracy", points));
            }
        }
        return new Result(curves, counter.tallies());
    }

    private List<Curve.Point> truncate(EvalPlan each, CompletionStore st, StrategyCalls calls, CallCounter counter, TokenCodec codec,
                                       Answers answers, String identity, Progress progress) {
        GenerationSpec gen = spec(s.largest(), identity);
        EvalPlan plan = new EvalPlan(each.benchmark(), each.problems(), gen, s.n(), s.timeout(), s.concurrency());
        int total = each.problems().size() * s.n();
        int before = total - st.missing(gen.hash(), plan.problemIds(), s.n()).size();
        EvalRunner.Generated g;
        try (Progress.Task bar = progress.start(each.benchmark() + " @" + s.largest(), total, before)) {
            g = EvalRunner.generate(plan, counter.as("full"), st, (done, all, tokens) -> bar.stepTo(before + done));
        }
        g.failures().forEach(f -> progress.line("  not generated: " + f.line()));
        if (g.failed() > 0) {
            throw new RunException(g.failed() + " generations failed; run the same command again to fetch only those");
        }
        String tmpl = s.answerTemplate() != null ? s.answerTemplate()
                : s.raw() ? TruncationSweep.RAW_ANSWER_TEMPLATE : TruncationSweep.CHAT_ANSWER_TEMPLATE;
        List<Curve.Point> points = new ArrayList<>();
        for (TruncationSweep.AtBudget b : TruncationSweep.run(plan, st, calls, codec, answers,
                new TruncationSweep.Settings(s.budgets(), s.thinkEnd(), tmpl, s.answerTokens()))) {
            MetricSummary m = Metrics.summarize(b.graded(), s.n(), List.of(1), TruncationPolicy.AS_GRADED, 0);
            points.add(new Curve.Point(b.meanTokensUsed(), m.passAt1().mean(), m.passAt1().ciLow(), m.passAt1().ciHigh(), "budget=" + b.budget()));
            progress.line(String.format("%s budget %6d: accuracy %.4f  mean tokens used %8.1f  answer calls %d", each.benchmark(), b.budget(),
                    m.passAt1().mean(), b.meanTokensUsed(), b.answerCalls()));
        }
        return points;
    }

    private Curve.Point force(String bench, List<Problem> ps, int budget, StrategyCalls calls, Answers answers, String identity,
                              Progress progress) throws Exception {
        BudgetForcing.Settings fs;
        try {
            fs = new BudgetForcing.Settings(s.thinkEnd(), s.cue(), Math.min(s.minThinking(), budget), budget, s.extensions(), s.forcedAnswer(),
                    s.answerTokens());
        } catch (IllegalArgumentException e) {
            throw new RunException(e.getMessage());
        }
        EvalPlan plan = new EvalPlan(bench, ps, spec(budget, identity), s.n(), s.timeout(), s.concurrency());
        StrategyCalls.Decoding d = new StrategyCalls.Decoding(s.temperature(), s.topP(), budget, s.seed(), List.of());
        Semaphore slots = new Semaphore(s.concurrency());
        List<ProblemSamples> graded = new ArrayList<>();
        long thinking = 0;
        int samples = 0;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
                Progress.Task bar = progress.start(bench + " force@" + budget, (long) ps.size() * s.n(), 0)) {
            List<List<Future<BudgetForcing.Forced>>> futures = new ArrayList<>();
            for (Problem p : ps) {
                List<Future<BudgetForcing.Forced>> one = new ArrayList<>();
                for (int i = 0; i < s.n(); i++) {
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
                futures.add(one);
            }
            for (int pi = 0; pi < ps.size(); pi++) {
                String gold = ((MathAnswer) ps.get(pi).gold()).answer();
                List<Sample> ss = new ArrayList<>();
                for (int i = 0; i < s.n(); i++) {
                    BudgetForcing.Forced f = futures.get(pi).get(i).get();
                    thinking += f.thinkingTokens();
                    samples++;
                    Outcome out = answers.outcome(gold, f.answer());
                    if (out.graded()) { // no verdict, no sample: it counts as missing
                        ss.add(new Sample(i, out, f.forcedEnd(), out.votes() ? i : null));
                    }
                }
                graded.add(new ProblemSamples(ps.get(pi).id(), Map.of(), ss));
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        MetricSummary m = Metrics.summarize(graded, s.n(), List.of(1), TruncationPolicy.AS_GRADED, 0);
        double meanThinking = (double) thinking / samples;
        progress.line(String.format("%s max thinking %6d: accuracy %.4f  mean thinking tokens %8.1f  forced %.0f%%", bench, budget,
                m.passAt1().mean(), meanThinking, 100 * m.truncationRate()));
        return new Curve.Point(meanThinking, m.passAt1().mean(), m.passAt1().ciLow(), m.passAt1().ciHigh(), "budget=" + budget);
    }

    private GenerationSpec spec(int maxTokens, String identity) {
        try {
            return new GenerationSpec(modelId, s.template(), !s.raw(), s.temperature(), s.topP(), maxTokens, s.seed(), List.of(), identity);
        } catch (IllegalArgumentException e) {
            throw new RunException(e.getMessage());
        }
    }

    /** Writes scale.csv, scale.png, scale.svg and calls.json (the model calls by purpose) into {@code dir}. */
    public void write(Path dir, Result r) throws IOException {
        boolean truncate = s.style() == Style.TRUNCATE;
        CurveCsv.write(dir.resolve("scale.csv"), r.curves());
        CurvePlot.write(dir.resolve("scale"), new CurvePlot.Labels(truncate ? "Accuracy vs thinking budget (truncation, T1)"
                        : "Accuracy vs thinking budget (budget forcing, s1)", "n=" + s.n() + " samples per problem; budgets " + s.budgets()
                        + "; bands: 95% bootstrap over problems",
                truncate ? "tokens used per sample (thinking + answer step)" : "thinking tokens per sample", "accuracy", true), r.curves());
        ObjectNode bill = Json.mapper().createObjectNode();
        for (CallCounter.Tally t : r.calls()) {
            bill.putObject(t.purpose()).put("calls", t.calls()).put("cached", t.cached()).put("prompt_tokens", t.promptTokens())
                    .put("completion_tokens", t.completionTokens());
        }
        Files.writeString(dir.resolve("calls.json"), Json.pretty(bill));
    }
}
