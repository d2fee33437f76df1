package dev.arbiter.run;

import dev.arbiter.verify.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Computes {@link MetricSummary} from graded samples. Pure: the same input gives the same figures. */
public final class Metrics {
    static final int BOOTSTRAP_RESAMPLES = 2000;

    private Metrics() {}

    /**
     * @param n      samples per problem the run asked for; samples with a higher index are ignored
     * @param ks     the k to report pass@k and maj@k for (each at most n)
     * @param seed   the bootstrap's seed, so a report can be reproduced exactly
     */
    public static MetricSummary summarize(List<ProblemSamples> problems, int n, List<Integer> ks, TruncationPolicy policy, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        for (int k : ks) {
            if (k < 1 || k > n) {
                throw new IllegalArgumentException("k must be between 1 and n=" + n + ", got " + k);
            }
        }
        List<Double> perProblem = new ArrayList<>();
        List<MissingSamples> missing = new ArrayList<>();
        List<List<Sample>> usable = new ArrayList<>();
        long total = 0;
        long noAnswer = 0;
        long truncated = 0;
        int excluded = 0;
        Map<String, Long> outcomes = new TreeMap<>();
        for (ProblemSamples p : problems) {
            List<Sample> inRun = p.samples().stream().filter(s -> s.index() < n).toList();
            if (inRun.size() < n) {
                missing.add(new MissingSamples(p.problemId(), inRun.size(), n));
            }
            total += inRun.size();
            noAnswer += inRun.stream().filter(s -> s.outcome() == Outcome.NO_ANSWER || s.outcome() == Outcome.TRUNCATED).count();
            truncated += inRun.stream().filter(Sample::truncated).count();
            inRun.forEach(s -> outcomes.merge(s.outcome().label(), 1L, Long::sum));
            List<Sample> kept = policy == TruncationPolicy.EXCLUDE ? inRun.stream().filter(s -> !s.truncated()).toList() : inRun;
            excluded += inRun.size() - kept.size();
            usable.add(kept);
            if (!kept.isEmpty()) {
                perProblem.add((double) correct(kept) / kept.size());
            }
        }
        Map<Integer, Double> passAtK = new TreeMap<>();
        Map<Integer, Double> majAtK = new TreeMap<>();
        Map<Integer, String> unavailable = new TreeMap<>();
        for (int k : ks) {
            String why = shortOf(problems, usable, k);
            if (why != null) {
                unavailable.put(k, why);
                continue;
            }
            double pass = 0;
            double maj = 0;
            for (List<Sample> s : usable) {
                pass += PassAtK.estimate(s.size(), correct(s), k);
                maj += majority(s, k);
            }
            passAtK.put(k, pass / usable.size());
            majAtK.put(k, maj / usable.size());
        }
        return new MetricSummary(problems.size(), n, policy, estimate(perProblem, seed), passAtK, majAtK, unavailable,
                total == 0 ? 0 : (double) noAnswer / total, total == 0 ? 0 : (double) truncated / total, excluded, missing, outcomes, null);
    }

    /** pass@k and maj@k at one k, each as a mean over problems with its error and bootstrap interval. */
    public record AtK(int k, Estimate pass, Estimate maj) {}

    /**
     * pass@k and maj@k at {@code k} with their spread over problems, for curves with error bands.
     * The means are those {@link #summarize} reports; every problem must have k usable samples.
     */
    public static AtK atK(List<ProblemSamples> problems, int n, int k, TruncationPolicy policy, long seed) {
        List<Double> pass = new ArrayList<>();
        List<Double> maj = new ArrayList<>();
        for (ProblemSamples p : problems) {
            List<Sample> s = p.samples().stream().filter(x -> x.index() < n)
                    .filter(x -> policy != TruncationPolicy.EXCLUDE || !x.truncated()).toList();
            if (s.size() < k) {
                throw new IllegalArgumentException(p.problemId() + " has " + s.size() + " usable samples, fewer than k=" + k);
            }
            pass.add(PassAtK.estimate(s.size(), correct(s), k));
            maj.add(majority(s, k));
        }
        return new AtK(k, estimate(pass, seed), estimate(maj, seed));
    }

    /** The same summary for each value of one label (subject, level, difficulty); "(none)" where a problem lacks it. */
    public static Map<String, MetricSummary> byLabel(List<ProblemSamples> problems, String label, int n, List<Integer> ks,
                                                     TruncationPolicy policy, long seed) {
        Map<String, List<ProblemSamples>> groups = new TreeMap<>();
        for (ProblemSamples p : problems) {
            groups.computeIfAbsent(p.labels().getOrDefault(label, "(none)"), g -> new ArrayList<>()).add(p);
        }
        Map<String, MetricSummary> out = new LinkedHashMap<>();
        groups.forEach((g, ps) -> out.put(g, summarize(ps, n, ks, policy, seed)));
        return out;
    }

    private static String shortOf(List<ProblemSamples> problems, List<List<Sample>> usable, int k) {
        for (int i = 0; i < usable.size(); i++) {
            if (usable.get(i).size() < k) {
                return problems.get(i).problemId() + " has " + usable.get(i).size() + " usable samples, fewer than k=" + k;
            }
        }
        return problems.isEmpty() ? "no problems" : null;
    }

    private static int correct(List<Sample> samples) {
        return (int) samples.stream().filter(s -> s.outcome().correct()).count();
    }

    private static double majority(List<Sample> samples, int k) {
        Map<Integer, int[]> sizes = new TreeMap<>();
        Map<Integer, Boolean> right = new TreeMap<>();
        int none = 0;
        for (Sample s : samples) {
            if (s.cluster() == null) {
                none++;
            } else {
                sizes.computeIfAbsent(s.cluster(), c -> new int[1])[0]++;
                right.put(s.cluster(), s.outcome().correct());
            }
        }
        int[] m = sizes.values().stream().mapToInt(a -> a[0]).toArray();
        boolean[] ok = new boolean[m.length];
        int i = 0;
        for (boolean b : right.values()) {
            ok[i++] = b;
        }
        return MajorityAtK.expected(m, ok, none, k);
    }

    /** Mean over problems, its standard error, and a percentile bootstrap interval over problems. */
    static Estimate estimate(List<Double> values, long seed) {
        int p = values.size();
        if (p == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (p == 1) {
            return new Estimate(mean, 0, mean, mean, 1);
        }
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double se = Math.sqrt(ss / (p - 1)) / Math.sqrt(p);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[BOOTSTRAP_RESAMPLES];
        for (int b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
            double sum = 0;
            for (int j = 0; j < p; j++) {
                sum += values.get(rnd.nextInt(p));
            }
            means[b] = sum / p;
        }
        Arrays.sort(means);
        return new Estimate(mean, se, means[(int) Math.floor(0.025 * (BOOTSTRAP_RESAMPLES - 1))],
                means[(int) Math.ceil(0.975 * (BOOTSTRAP_RESAMPLES - 1))], p);
    }

    /** The k a run reports pass@k and maj@k at by default: 1, 2, 4 ... up to n, and n itself. */
    public static List<Integer> defaultKs(int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 1; k <= n; k *= 2) {
            out.add(k);
        }
        if (out.getLast() != n) {
            out.add(n);
        }
        return out;
    }
}
