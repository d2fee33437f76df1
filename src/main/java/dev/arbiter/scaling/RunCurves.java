package dev.arbiter.scaling;

import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalRunner;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSamples;
import dev.arbiter.run.RunSummary;
import dev.arbiter.run.ShardCoverage;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/** Sample-budget curves (pass@k and maj@k as k grows) from finished eval runs' stored verdicts; no model is called. */
public final class RunCurves {
    private RunCurves() {}

    /**
     * Two curves per benchmark of each run; {@code store} overrides the runs' own store when given. A shard's
     * folder gives the whole run's curves, once no shard lacks a slot.
     */
    public static List<Curve> of(List<Path> runs, String store, TruncationPolicy policy, Progress progress) {
        List<Curve> curves = new ArrayList<>();
        try (MathVerifier verifier = new MathVerifier()) {
            for (Path dir : runs) {
                RunSummary run = RunSummary.openRun(dir, store);
                try (CompletionStore st = CompletionStore.open(run.store())) {
                    ShardCoverage.requireAllShards(dir, run, st); // a shard's folder stands for the whole run, read from the store
                    for (RunSummary.Bench b : run.config().benchmarks()) {
                        List<ProblemSamples> graded = new ArrayList<>();
                        for (String id : b.problemIds()) {
                            try {
                                graded.add(EvalRunner.stored(st, b.generationHash(), id, run.n(), b.verifier(), sameAnswer(b, verifier)));
                            } catch (IllegalStateException e) {
                                throw unfinished(dir, e);
                            }
                        }
                        curves.addAll(benchmark(dir, run, b, graded, policy, progress));
                    }
                }
            }
        }
        return curves;
    }

    /** The same curves of one run already read back from its store, answers clustered by {@code verifier}. */
    public static List<Curve> of(Path dir, RunSummary run, List<RunSamples.BenchmarkSamples> read, MathVerifier verifier, TruncationPolicy policy,
                                 Progress progress) {
        List<Curve> curves = new ArrayList<>();
        for (RunSamples.BenchmarkSamples b : read) {
            List<ProblemSamples> graded = new ArrayList<>();
            for (RunSamples.ProblemSamples p : b.problems()) {
                try {
                    graded.add(EvalRunner.stored(p, sameAnswer(b.bench(), verifier)));
                } catch (IllegalStateException e) {
                    throw unfinished(dir, e);
                }
            }
            curves.addAll(benchmark(dir, run, b.bench(), graded, policy, progress));
        }
        return curves;
    }

    private static BiPredicate<String, String> sameAnswer(RunSummary.Bench b, MathVerifier verifier) {
        return b.code() ? null : (x, y) -> verifier.verify(x, y).equal();
    }

    private static RunException unfinished(Path dir, IllegalStateException e) {
        return new RunException(dir + ": " + e.getMessage() + "; run the same `arbiter eval` again to finish grading");
    }

    /** A benchmark's two curves, once every problem has n usable samples. */
    private static List<Curve> benchmark(Path dir, RunSummary run, RunSummary.Bench b, List<ProblemSamples> graded, TruncationPolicy policy,
                                         Progress progress) {
        int usable = graded.stream().mapToInt(p -> (int) p.samples().stream()
                .filter(s -> policy != TruncationPolicy.EXCLUDE || !s.truncated()).count()).min().orElse(0);
        if (usable < run.n()) {
            throw new RunException(dir + " " + b.name() + ": some problem has only " + usable + " usable samples of n=" + run.n()
                    + "; finish the run (`arbiter eval` again) before drawing curves");
        }
        List<Curve> two = SampleBudget.curves(shortModel(run.model()) + " " + b.name(), graded, run.n(), policy, 0);
        for (Curve c : two) {
            StringBuilder line = new StringBuilder(String.format("%-48s", c.name()));
            c.points().forEach(pt -> line.append(String.format("  k=%d %.4f", (int) pt.x(), pt.y())));
            progress.line(line.toString());
        }
        return two;
    }

    /** Writes scale.csv, scale.png and scale.svg into {@code dir}. */
    public static void write(Path dir, List<Curve> curves) throws IOException {
        CurveCsv.write(dir.resolve("scale.csv"), curves);
        CurvePlot.write(dir.resolve("scale"), labels(curves), curves);
    }

    /** The same plot as scale.svg, as a document to embed in a page. */
    public static String svg(List<Curve> curves) {
        return CurvePlot.svg(CurvePlot.chart(labels(curves), curves));
    }

    private static CurvePlot.Labels labels(List<Curve> curves) {
        int n = curves.stream().mapToInt(c -> (int) c.points().getLast().x()).max().orElse(1);
        return new CurvePlot.Labels("pass@k and maj@k as samples grow",
                "unbiased estimators over n=" + n + " samples per problem; bands: 95% bootstrap over problems",
                "samples per problem (k)", "accuracy", true);
    }

    /** A model id short enough for a curve's name. */
    static String shortModel(String id) {
        String s = id.replaceAll("^.*/", "");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
