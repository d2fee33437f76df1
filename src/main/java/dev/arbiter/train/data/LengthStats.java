package dev.arbiter.train.data;

import java.util.Arrays;
import java.util.List;

/**
 * Length statistics of kept responses. Median and p90 interpolate linearly between the two nearest
 * ranks, as numpy's default percentile does, so the figures can be checked with numpy or pandas.
 */
public record LengthStats(int count, long min, double mean, double median, double p90, long max) {
    public static LengthStats of(List<Integer> lengths) {
        if (lengths.isEmpty()) {
            return new LengthStats(0, 0, 0, 0, 0, 0);
        }
        long[] v = lengths.stream().mapToLong(Integer::longValue).sorted().toArray();
        return new LengthStats(v.length, v[0], Arrays.stream(v).average().orElse(0), percentile(v, 0.5), percentile(v, 0.9), v[v.length - 1]);
    }

    static double percentile(long[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
