package dev.arbiter.run;

import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * The generate–grade loop of an {@link Evaluation}: per benchmark, the missing samples are requested
 * and stored, every stored sample is graded (math under both extraction readings, code in the
 * sandbox), and the metrics and the summary are made from the store. A shard requests and grades its
 * own slice and scores nothing; a gather requests nothing and scores the whole run.
 */
final class EvalLoop {
    private final Evaluation.Settings s;
    private final CompletionStore st;
    private final InferenceBackend backend;
    private final Evaluation.Progress progress;
    private final PrintWriter err;
    /** The LLM judge of the cascade, or null for rule-only figures. */
    private final LlmJudge judge;
    /** Judge requests that failed past their retries in this run: asked again by the next. */
    private long judgeFailed;

    EvalLoop(Evaluation.Settings s, CompletionStore st, InferenceBackend backend, Evaluation.Progress progress, PrintWriter err) {
        this(s, st, backend, progress, err, null);
    }

    EvalLoop(Evaluation.Settings s, CompletionStore st, InferenceBackend backend, Evaluation.Progress progress, PrintWriter err, LlmJudge judge) {
        this.s = s;
        this.st = st;
        this.backend = backend;
        this.progress = progress;
        this.err = err;
        this.judge = judge;
    }

    /** One benchmark's share of the report: its row (null when no sample got a verdict, and for a shard), and for a shard what its slice holds. */
    private record Graded(RunSummary.Row row, RunSummary.BenchmarkRun run, int stillMissing, String noRow, String shardLine) {}

    Evaluation.Result run(List<EvalPlan> plans, String model, RunSummary.Config config, Path outDir, Instant started, OpenAiClient client,
                          OpenAiClient.Stats preflight, LocalEngine local, Evaluation.StrategyBackend sift) {
        List<RunSummary.Row> rows = new ArrayList<>();
        Map<String, List<Problem>> problems = new LinkedHashMap<>();
        Map<String, RunSummary.BenchmarkRun> perBenchmark = new LinkedHashMap<>();
        Map<String, List<RequestFailures.Group>> failures = new LinkedHashMap<>();
        List<String> noRow = new ArrayList<>();
        List<String> shardLines = new ArrayList<>();
        int stillMissing = 0;
        try (MathVerifier engine = new MathVerifier();
                CodeTestVerifier code = CodeTestVerifier.starting(() -> Sandbox.start(s.sandbox()), CodeGrader.Settings.LCB_DEFAULT,
                        2 * s.sandbox().totalContainers())) {
            MathAnswerVerifier flexible = new MathAnswerVerifier(engine, engine.defaults().withExtraction(MathConfig.Extraction.FLEXIBLE));
            MathAnswerVerifier boxed = flexible.with(engine.defaults().withExtraction(MathConfig.Extraction.BOXED));
            BiPredicate<String, String> sameAnswer = (a, b) -> engine.verify(a, b).equal();
            for (EvalPlan p : plans) {
                Graded g = benchmark(p, model, code, flexible, boxed, sameAnswer);
                perBenchmark.put(p.benchmark(), g.run());
                if (!g.run().failures().isEmpty()) {
                    failures.put(p.benchmark(), g.run().failures());
                }
                stillMissing += g.stillMissing();
                if (g.noRow() != null) {
                    noRow.add(g.noRow());
                }
                if (g.shardLine() != null) {
                    shardLines.add(g.shardLine());
                }
                if (g.row() != null) {
                    rows.add(g.row());
                }
                problems.put(p.benchmark(), p.problems());
            }
        }
        RunSummary.Run run;
        if (local == null && client == null) { // a gather of an in-process run: no engine was started
            run = new RunSummary.Run(perBenchmark, null, null, null, null, null, null, null);
        } else if (client != null) {
            OpenAiClient.Stats stats = client.stats();
            run = new RunSummary.Run(perBenchmark, stats.requests() - preflight.requests(), stats.retries() - preflight.retries(),
                    (long) preflight.requests(), (long) preflight.retries(), null, null, sift == null ? null : sift.tally());
        } else {
            Generator.Stats es = local.stats();
            run = new RunSummary.Run(perBenchmark, null, null, null, null, es.steps(), es.maxRows(), sift == null ? null : sift.tally());
        }
        List<String> warnings = failureLines(failures);
        noRow.forEach(l -> warnings.add("arbiter eval: " + l));
        if (s.part() instanceof RunPart.Shard shard) {
            return shardResult(shard, config, run, outDir, started, client, local, shardLines, warnings, failures, stillMissing);
        }
        if (rows.isEmpty()) {
            warnings.add("arbiter eval: " + (noRow.isEmpty() ? "no sample arrived" : "no sample got a verdict") + ", so no report: "
                    + missingLine(failures, stillMissing));
            return new Evaluation.Result(null, null, s.store(), outDir, List.of(), warnings, 1);
        }
        RunSummary summary = RunSummary.finished(started, config, rows, run);
        List<String> notes = new ArrayList<>();
        for (RunSummary.Row r : rows) {
            switch (s.strategy()) {
                case SELF_CONSISTENCY -> notes.add(String.format("%s self-consistency (majority of %d votes, answers grouped by the verifier): %.4f",
                        r.benchmark(), s.n(), r.metrics().majAtK().get(s.n())));
                case BEST_OF_N -> notes.add(String.format("%s best-of-%d (the verifier picks; an upper bound): %.4f", r.benchmark(), s.n(),
                        r.metrics().passAtK().get(s.n())));
                default -> { }
            }
        }
        if (sift != null) {
            notes.add(sift.line());
        }
        for (RunSummary.Row r : rows) {
            if (r.cascade() != null) {
                notes.add(cascadeLine(r));
                r.cascade().missingCauses().forEach(c -> warnings.add("arbiter eval: " + r.benchmark() + ": judge missing for " + c.count()
                        + " rule-rejected answer" + (c.count() == 1 ? "" : "s") + " (left out of the cascade figures, not counted wrong): "
                        + c.reason()));
            }
        }
        notes.add(requestsLine(run, client, local, "report in " + outDir));
        if (stillMissing > 0) {
            warnings.add("arbiter eval: " + missingLine(failures, stillMissing));
        }
        if (judgeFailed > 0) {
            warnings.add("arbiter eval: " + judgeFailed + " judge request" + (judgeFailed == 1 ? "" : "s") + " failed past the retries; run the same"
                    + " command again to ask the judge only about those");
        }
        return new Evaluation.Result(summary, problems, s.store(), outDir, notes, warnings, stillMissing > 0 || judgeFailed > 0 ? 1 : 0);
    }

    /** A shard's summary: no rows, since a slice is no run's score, and its slice's state per benchmark. */
    private Evaluation.Result shardResult(RunPart.Shard shard, RunSummary.Config config, RunSummary.Run run, Path outDir, Instant started,
                                          OpenAiClient client, LocalEngine local, List<String> shardLines, List<String> warnings,
                                          Map<String, List<RequestFailures.Group>> failures, int stillMissing) {
        List<String> notes = new ArrayList<>(shardLines);
        notes.add("this is " + shard.label() + ", no whole-run score: once every shard is done, `arbiter eval` with the same options and"
                + " --gather --shard-count " + shard.count() + " scores the whole run from the store");
        notes.add(requestsLine(run, client, local, "summary in " + outDir));
        if (stillMissing > 0) {
            warnings.add("arbiter eval: " + shard.label() + ": " + missingLine(failures, stillMissing));
        }
        return new Evaluation.Result(RunSummary.finished(started, config, List.of(), run), Map.of(), s.store(), outDir, notes, warnings,
                stillMissing > 0 ? 1 : 0);
    }

    private String requestsLine(RunSummary.Run run, OpenAiClient client, LocalEngine local, String where) {
        if (s.part() instanceof RunPart.Gather g) {
            return "gathered from the store that " + g.count() + " shards wrote; nothing was requested; " + where;
        }
        if (client != null) {
            return String.format("requests %d, retries %d (and %d before sampling: models, context, fingerprint); %s", run.httpRequests(),
                    run.retries(), run.preflightRequests(), where);
        }
        return String.format("in-process on %s: %d engine steps, up to %d sequences per step; %s",
                local.model().device(), run.engineSteps(), run.engineMaxRows(), where);
    }

    private Graded benchmark(EvalPlan p, String model, CodeTestVerifier code, MathAnswerVerifier flexible, MathAnswerVerifier boxed,
                             BiPredicate<String, String> sameAnswer) {
        int n = s.n();
        RunPart part = s.part();
        List<SampleSlot> missingNow = st.missing(p.spec().hash(), p.problemIds(), n);
        int total = part instanceof RunPart.Shard sh ? sh.size(p.problems().size(), n) : p.problems().size() * n;
        int before = total - (part instanceof RunPart.Shard sh ? sh.slice(p.problemIds(), missingNow).size() : missingNow.size());
        String who = part instanceof RunPart.Shard sh ? p.benchmark() + ": " + sh.label() : p.benchmark();
        EvalRunner.Generated g;
        if (part instanceof RunPart.Gather) {
            g = new EvalRunner.Generated(0, 0, 0, 0, 0, List.of()); // every slot is stored: Evaluation checked before
        } else {
            if (before > 0) {
                err.printf("%s: resuming: %d of %d samples stored%n", who, before, total);
                err.flush();
            }
            try (Evaluation.Progress.Bar bar = progress.start(who, total, before)) {
                g = EvalRunner.generate(p, part, backend, st, (done, all, tokens) -> bar.stepTo(before + done, tokens));
            }
        }
        if (before + g.stored() == 0) {
            // nothing to grade: no leaderboard row of NaN
            return new Graded(null, runOf(g, List.of()), total, null, part instanceof RunPart.Shard ? who + " holds " + total + " of the "
                    + p.problems().size() * n + " slots: none stored" : null);
        }
        List<String> notGraded = Collections.synchronizedList(new ArrayList<>());
        TruncationPolicy policy = s.excludeTruncated() ? TruncationPolicy.EXCLUDE : TruncationPolicy.AS_GRADED;
        String verifierName;
        List<ProblemSamples> graded;
        MetricSummary m;
        if (Evaluation.code(p)) {
            verifierName = EvalRunner.codeVerifier(CodeGrader.Settings.LCB_DEFAULT);
            graded = EvalRunner.grade(p, part, st, code, verifierName, null, notGraded::add);
            m = Metrics.summarize(graded, n, s.ks(), policy, 0);
        } else {
            // Both readings are graded and stored; the leaderboard's figures use the one asked for.
            boolean strict = s.boxed();
            List<String> otherNotGraded = Collections.synchronizedList(new ArrayList<>());
            List<ProblemSamples> flex = EvalRunner.grade(p, part, st, flexible, EvalRunner.mathVerifier(false), sameAnswer,
                    (strict ? otherNotGraded : notGraded)::add);
            List<ProblemSamples> box = EvalRunner.grade(p, part, st, boxed, EvalRunner.mathVerifier(true), sameAnswer,
                    (strict ? notGraded : otherNotGraded)::add);
            graded = strict ? box : flex;
            verifierName = s.mathVerifier();
            MetricSummary mf = Metrics.summarize(flex, n, s.ks(), policy, 0);
            MetricSummary mb = Metrics.summarize(box, n, s.ks(), policy, 0);
            m = (strict ? mb : mf).withExtraction(new MetricSummary.Extraction(s.extraction().name().toLowerCase(), mf.passAt1(),
                    mb.passAt1(), 1 - mb.noAnswerRate()));
        }
        notGraded.stream().sorted().limit(5).forEach(f -> err.println("  not graded: " + f));
        if (notGraded.size() > 5) {
            err.println("  not graded: " + (notGraded.size() - 5) + " more");
        }
        List<RunSummary.NotGraded> causes = notGradedByCause(notGraded);
        RunSummary.BenchmarkRun run = runOf(g, causes);
        if (part instanceof RunPart.Shard) {
            int verdicts = graded.stream().mapToInt(ps -> ps.samples().size()).sum();
            return new Graded(null, run, total - verdicts, null, who + " holds " + total + " of the " + p.problems().size() * n + " slots: "
                    + verdicts + " graded" + (total > verdicts ? ", " + (total - verdicts) + " missing or not graded" : ""));
        }
        if (graded.stream().allMatch(ps -> ps.samples().isEmpty())) {
            // samples, but not one verdict (the sandbox down, say): no row of NaN, the causes instead
            String why = p.benchmark() + " has no row: none of its " + (before + g.stored()) + " samples got a verdict ("
                    + String.join("; ", causes.stream().limit(3).map(c -> c.count() + " x " + c.reason()).toList())
                    + (causes.size() > 3 ? "; and " + (causes.size() - 3) + " other causes" : "") + ")";
            return new Graded(null, run, total, why, null);
        }
        Map<String, Map<String, MetricSummary>> breakdown = new TreeMap<>();
        for (String label : List.of("subject", "level", "difficulty")) {
            if (graded.stream().anyMatch(ps -> ps.labels().containsKey(label))) {
                breakdown.put(label, Metrics.byLabel(graded, label, n, List.of(1), policy, 0));
            }
        }
        RunSummary.Cascade cascade = null;
        if (judge != null && !Evaluation.code(p)) {
            // the judge hears only what the figures' own reading rejected; the rule verdicts stay as they are
            JudgeCascade.Result j = JudgeCascade.apply(p, st, verifierName, judge, graded, judge.settings().concurrency());
            judgeFailed += j.failed();
            cascade = new RunSummary.Cascade(judge.identity(), Metrics.summarize(j.samples(), n, s.ks(), policy, 0), j.judged(), j.accepted(),
                    j.rejected(), j.missing(), j.missingCauses(), j.calls());
        }
        int missing = m.missing().stream().mapToInt(x -> x.want() - x.have()).sum();
        return new Graded(new RunSummary.Row(p.benchmark(), model, m, breakdown, cascade), run, missing, null, null);
    }

    /** What the judge did for one benchmark, and pass@1 by the rules and by the cascade. */
    static String cascadeLine(RunSummary.Row r) {
        RunSummary.Cascade c = r.cascade();
        return String.format("%s judge cascade (%s): %d rule-rejected answers judged: %d accepted, %d rejected, %d missing;"
                + " pass@1 %.4f by the rules, %.4f with the judge; %d judge calls this run", r.benchmark(), c.judge(), c.judged(), c.accepted(),
                c.rejected(), c.missing(), r.metrics().passAt1().mean(), c.metrics().passAt1().mean(), c.calls());
    }

    private static RunSummary.BenchmarkRun runOf(EvalRunner.Generated g, List<RunSummary.NotGraded> notGraded) {
        return new RunSummary.BenchmarkRun(g.requested(), g.stored(), g.failed(), g.promptTokens(), g.completionTokens(), g.failures(), notGraded);
    }

    /** Why samples got no verdict ("id#i: reason" each), as reason and count, the most common first. */
    static List<RunSummary.NotGraded> notGradedByCause(List<String> notGraded) {
        Map<String, Long> counts = new TreeMap<>();
        notGraded.forEach(f -> counts.merge(f.substring(f.indexOf(": ") + 2), 1L, Long::sum));
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> new RunSummary.NotGraded(e.getKey(), e.getValue())).toList();
    }

    /** The failed requests of each benchmark, grouped by cause with the server's own message and a count. */
    private static List<String> failureLines(Map<String, List<RequestFailures.Group>> failures) {
        List<String> out = new ArrayList<>();
        if (!failures.isEmpty()) {
            out.add("arbiter eval: failed requests by cause:");
            failures.forEach((bench, groups) -> groups.forEach(g -> out.add("  " + bench + ": " + g.line())));
        }
        return out;
    }

    /**
     * Why samples are missing and what helps: a permanent refusal needs the request changed (rerunning
     * cannot help), an unreachable server needs starting; anything else is worth the same command again.
     */
    static String missingLine(Map<String, List<RequestFailures.Group>> failures, int missing) {
        List<RequestFailures.Group> all = failures.values().stream().flatMap(List::stream).toList();
        var permanent = all.stream().filter(RequestFailures.Group::permanent).findFirst();
        if (permanent.isPresent()) {
            RequestFailures.Group g = permanent.get();
            int refused = all.stream().filter(RequestFailures.Group::permanent).mapToInt(RequestFailures.Group::count).sum();
            return missing + " samples are missing; " + refused + " of them were refused (" + g.cause() + ", permanent: " + g.message()
                    + "), so running the same command again will not help: " + EvalPreflight.fix(g.status(), g.message())
                    + (missing > refused ? " (a rerun may still fetch or grade the other " + (missing - refused) + ")" : "");
        }
        var unreachable = all.stream().filter(g -> g.cause().equals("unreachable")).findFirst();
        if (unreachable.isPresent()) {
            return missing + " samples are missing: the server became unreachable (" + unreachable.get().message() + "); start it again,"
                    + " then run the same command to fetch only those";
        }
        return missing + " samples are still missing (failed requests, or programs the sandbox could not grade); run the same"
                + " command again to fetch or grade only those";
    }
}
