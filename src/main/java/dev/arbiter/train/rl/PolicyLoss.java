package dev.arbiter.train.rl;

import ai.djl.ndarray.NDArray;

/**
 * The per-token objective the trainer minimises, averaged over response tokens:
 * <pre>
 *   loss = −min(ρ·A, clip(ρ, 1−ε, 1+ε)·A)  −  β_H · H(π(·|s))  +  β_KL · k3(π, π_ref)
 *   ρ = exp(log π(a|s) − log π_old(a|s)),   k3 = exp(log π_ref − log π) − (log π_ref − log π) − 1
 * </pre>
 * A is the sequence's advantage. k3 is the unbiased, always non-negative KL estimator that needs
 * only the sampled token's log-probabilities; the entropy is the full-distribution token entropy.
 */
public final class PolicyLoss {
    private PolicyLoss() {}

    /** Loss coefficients; {@code clip} is ε. */
    public record Coefficients(double clip, double entropy, double kl) {
        public Coefficients {
            if (!(clip > 0 && clip < 1)) {
                throw new IllegalArgumentException("the clip range must be in (0, 1), got " + clip);
            }
            if (!(entropy >= 0) || !(kl >= 0) || Double.isInfinite(entropy) || Double.isInfinite(kl)) {
                throw new IllegalArgumentException("the entropy and KL coefficients must be finite and >= 0");
            }
        }
    }

    /** The loss (a scalar that carries the graph) and the terms it is made of, each a token mean. */
    public record Terms(NDArray loss, double policy, double entropy, double kl, double clipFraction, double tokens) {}

    /**
     * @param logits [rows, L, vocab]: the policy's logits that predict each action (already divided by the sampling temperature)
     * @param actions [rows, L] int64: the tokens that were sampled
     * @param mask [rows, L] float: 1 on response tokens, 0 on prompt and padding
     * @param advantages [rows] float
     * @param oldLogp [rows, L] float: log π_old of the actions, from the rollout's policy
     * @param refLogp [rows, L] float: log π_ref of the actions
     */
    public static Terms compute(NDArray logits, NDArray actions, NDArray mask, NDArray advantages, NDArray oldLogp, NDArray refLogp,
            Coefficients c) {
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray logp = logProbs.gather(actions.expandDims(-1), -1).squeeze(-1);
        NDArray adv = advantages.expandDims(-1);
        NDArray ratio = logp.sub(oldLogp).exp();
        NDArray unclipped = ratio.mul(adv);
        NDArray clipped = ratio.clip(1 - c.clip(), 1 + c.clip()).mul(adv);
        NDArray policy = unclipped.minimum(clipped).neg();
        NDArray entropy = logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg();
        NDArray diff = refLogp.sub(logp);
        NDArray kl = diff.exp().sub(diff).sub(1);
        NDArray perToken = policy.sub(entropy.mul(c.entropy())).add(kl.mul(c.kl()));
        NDArray tokens = mask.sum();
        double n = Math.max(1.0, tokens.getFloat());
        NDArray loss = perToken.mul(mask).sum().div((float) n); // a float divisor: a double would promote the 0-d loss to float64
        NDArray clippedTokens = ratio.sub(1).abs().gt(c.clip()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul(mask);
        return new Terms(loss, mean(policy, mask, n), mean(entropy, mask, n), mean(kl, mask, n), clippedTokens.sum().getFloat() / n,
                tokens.getFloat());
    }

    private static double mean(NDArray perToken, NDArray mask, double n) {
        return perToken.stopGradient().mul(mask).sum().getFloat() / n;
    }
}
