package dev.arbiter.run;

/** The unbiased pass@k estimator of Chen et al. (2021), as LiveCodeBench computes it. */
public final class PassAtK {
    private PassAtK() {}

    /**
     * The probability that at least one of k samples drawn without replacement from n, of which c are
     * correct, is correct: 1 - C(n-c, k) / C(n, k), computed as a product so that it never overflows.
     */
    public static double estimate(int n, int c, int k) {
        if (k < 1 || n < k || c < 0 || c > n) {
            throw new IllegalArgumentException("pass@k needs 1 <= k <= n and 0 <= c <= n; got n=" + n + ", c=" + c + ", k=" + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            allWrong *= 1.0 - (double) k / i;
        }
        return 1.0 - allWrong;
    }
}
