package dev.arbiter.perf;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.EvalRunner;
import dev.arbiter.run.GenerationSpec;
import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.Metrics;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Re-grading from the completion store: MATH-500 with {@code samples} completions per problem is written to a
 * fresh store, then eval's grading pass verifies, stores and clusters every one. The completions cycle through
 * four kinds: the reference solution, a bare \boxed{gold}, the next problem's solution (mostly wrong), and the
 * reference solution with its \boxed{} removed.
 */
public final class GradeThroughput {
    private GradeThroughput() {}

    public static void run(Benchmarks data, int samples, PrintWriter out) throws Exception {
        List<Problem> ps = data.load("math500", Selection.DEFAULT).problems();
        GenerationSpec gen = new GenerationSpec("bench-grade", "{problem}", true, 0.6, 0.95, 32768, 0, List.of());
        EvalPlan plan = new EvalPlan("math500", ps, gen, samples, Duration.ofMinutes(1), 1);
        Path dir = Files.createTempDirectory("arbiter-bench-grade");
        try (CompletionStore store = CompletionStore.open(dir.resolve("store.db")); MathVerifier verifier = new MathVerifier()) {
            String hash = store.register(gen);
            long t0 = System.nanoTime();
            for (int p = 0; p < ps.size(); p++) {
                MathAnswer gold = (MathAnswer) ps.get(p).gold();
                MathAnswer next = (MathAnswer) ps.get((p + 1) % ps.size()).gold();
                for (int i = 0; i < samples; i++) {
                    String text = switch (i % 4) {
                        case 0 -> gold.solution();
                        case 1 -> "Thinking done.\n\nThe answer is $\\boxed{" + gold.answer() + "}$.";
                        case 2 -> next.solution();
                        default -> gold.solution().replace("\\boxed", "");
                    };
                    store.put(hash, new Completion(ps.get(p).id(), i, text, "stop", 100, text.length() / 4));
                }
            }
            double fill = (System.nanoTime() - t0) / 1e9;
            out.printf("arbiter bench grade: %d problems x %d completions = %d in a fresh store (%.1f s to write them), %d cores%n",
                    ps.size(), samples, ps.size() * samples, fill, Runtime.getRuntime().availableProcessors());
            out.flush();
            long t1 = System.nanoTime();
            List<ProblemSamples> graded = EvalRunner.grade(plan, store, new MathAnswerVerifier(verifier),
                    EvalRunner.mathVerifier(false), (a, b) -> verifier.verify(a, b).equal(), why -> { });
            double secs = (System.nanoTime() - t1) / 1e9;
            MetricSummary m = Metrics.summarize(graded, samples, List.of(1), TruncationPolicy.AS_GRADED, 0);
            int verdicts = ps.size() * samples;
            out.printf("regraded %d completions in %.1f s (%.0f verdicts/s, cold: includes starting the verifier), every verdict stored;"
                    + " pass@1 %.3f, no answer %.3f%n", verdicts, secs, verdicts / secs, m.passAt1().mean(), m.noAnswerRate());
            out.flush();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
