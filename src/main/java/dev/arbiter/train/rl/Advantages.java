package dev.arbiter.train.rl;

/**
 * Group-relative advantages with a leave-one-out baseline (RLOO, as in T1): each sample is compared
 * with the mean reward of the other samples drawn for the same prompt, so the baseline never
 * contains the sample's own reward and a group in which every sample scored the same teaches nothing.
 */
public final class Advantages {
    private Advantages() {}

    /**
     * @param rewards the rewards of consecutive groups of {@code group} samples, one group per prompt
     * @return A_i = r_i − (Σ_{j≠i} r_j) / (K − 1), in the same order
     */
    public static double[] leaveOneOut(double[] rewards, int group) {
        if (group < 2) {
            throw new IllegalArgumentException("a leave-one-out baseline needs at least 2 samples per prompt, got " + group);
        }
        if (rewards.length % group != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not split into groups of " + group);
        }
        double[] a = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += group) {
            double sum = 0;
            for (int i = g; i < g + group; i++) {
                sum += rewards[i];
            }
            for (int i = g; i < g + group; i++) {
                a[i] = rewards[i] - (sum - rewards[i]) / (group - 1);
            }
        }
        return a;
    }
}
