package dev.arbiter.scaling;

import dev.arbiter.run.Metrics;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.TruncationPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample-budget curves of one run: pass@k and maj@k at k = 1, 2, 4 ... n from the samples it
 * already graded, with no new inference. The values are the metrics module's own estimators.
 */
public final class SampleBudget {
    private SampleBudget() {}

    /** Two curves named "{name} pass@k" and "{name} maj@k", x = k. */
    public static List<Curve> curves(String name, List<ProblemSamples> problems, int n, TruncationPolicy policy, long seed) {
        List<Curve.Point> pass = new ArrayList<>();
        List<Curve.Point> maj = new ArrayList<>();
        for (int k : Metrics.defaultKs(n)) {
            Metrics.AtK a = Metrics.atK(problems, n, k, policy, seed);
            pass.add(new Curve.Point(k, a.pass().mean(), a.pass().ciLow(), a.pass().ciHigh(), "k=" + k));
            maj.add(new Curve.Point(k, a.maj().mean(), a.maj().ciLow(), a.maj().ciHigh(), "k=" + k));
        }
        return List.of(new Curve(name + " pass@k", "pass@k", pass), new Curve(name + " maj@k", "maj@k", maj));
    }
}
