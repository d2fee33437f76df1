package dev.arbiter.run;

/**
 * maj@k as an estimator: the expected result of a majority vote among k samples drawn without
 * replacement from all n, rather than the vote of the first k. Votes go to clusters of equivalent
 * answers; a sample with no answer casts no vote; a draw with no vote at all is wrong; a tie between
 * the leading clusters is broken uniformly at random, so a correct cluster tied with one other earns
 * half. The result does not depend on sample order.
 */
public final class MajorityAtK {
    /** Beyond this C(n, k) may leave the range of a double. */
    public static final int MAX_SAMPLES = 1000;

    private MajorityAtK() {}

    /**
     * @param clusterSizes how many samples each answer cluster holds
     * @param correct      whether each cluster's answer is correct
     * @param noAnswer     how many samples had no answer
     * @param k            how many samples vote
     */
    public static double expected(int[] clusterSizes, boolean[] correct, int noAnswer, int k) {
        if (clusterSizes.length != correct.length) {
            throw new IllegalArgumentException("one correctness flag per cluster");
        }
        int n = noAnswer;
        for (int m : clusterSizes) {
            if (m < 1) {
                throw new IllegalArgumentException("an answer cluster holds at least one sample");
            }
            n += m;
        }
        if (noAnswer < 0 || k < 1 || k > n) {
            throw new IllegalArgumentException("maj@k needs 1 <= k <= n; got n=" + n + ", k=" + k);
        }
        if (n > MAX_SAMPLES) {
            throw new IllegalArgumentException("maj@k is computed for at most " + MAX_SAMPLES + " samples per problem, got " + n);
        }
        double credit = 0;
        for (int c = 0; c < clusterSizes.length; c++) {
            if (!correct[c]) {
                continue;
            }
            for (int t = 1; t <= Math.min(clusterSizes[c], k); t++) {
                credit += binom(clusterSizes[c], t) * othersAtMost(clusterSizes, c, t, noAnswer, k - t);
            }
        }
        return credit / binom(n, k);
    }

    /**
     * The weighted count of ways to draw {@code rest} more samples from every cluster but {@code c}
     * and from the no-answer samples so that no other cluster gets more than {@code t} votes, each
     * way weighted by 1 / (1 + the clusters tied with c at t).
     */
    private static double othersAtMost(int[] sizes, int c, int t, int noAnswer, int rest) {
        int others = sizes.length - 1;
        // ways[total][ties]: ways to draw `total` samples from the clusters seen so far with `ties` at t.
        double[][] ways = new double[rest + 1][others + 1];
        ways[0][0] = 1;
        int seen = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (i == c) {
                continue;
            }
            double[][] next = new double[rest + 1][others + 1];
            for (int total = 0; total <= rest; total++) {
                for (int ties = 0; ties <= seen; ties++) {
                    double w = ways[total][ties];
                    if (w == 0) {
                        continue;
                    }
                    for (int x = 0; x <= Math.min(Math.min(sizes[i], t), rest - total); x++) {
                        next[total + x][ties + (x == t ? 1 : 0)] += w * binom(sizes[i], x);
                    }
                }
            }
            ways = next;
            seen++;
        }
        double sum = 0;
        for (int total = 0; total <= rest; total++) {
            double fill = binom(noAnswer, rest - total);
            if (fill == 0) {
                continue;
            }
            for (int ties = 0; ties <= others; ties++) {
                sum += ways[total][ties] * fill / (1 + ties);
            }
        }
        return sum;
    }

    static double binom(int n, int k) {
        if (k < 0 || k > n) {
            return 0;
        }
        k = Math.min(k, n - k);
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }
}
