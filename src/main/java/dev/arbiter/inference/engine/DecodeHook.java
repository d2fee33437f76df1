package dev.arbiter.inference.engine;

/**
 * Sees each token a sequence samples before it is fed back, and may replace it with other tokens (fed
 * one per step). One instance serves one sequence. Budget forcing uses this to end or extend thinking.
 */
public interface DecodeHook {
    /**
     * @param generated the tokens so far ({@code count} of them)
     * @param sampled the token the sampler drew
     * @return the tokens to emit instead, first one now; {@code {sampled}} leaves the sequence alone
     */
    int[] onSampled(int[] generated, int count, int sampled);
}
