package dev.arbiter.train.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.arbiter.inference.engine.Torch;
import org.junit.jupiter.api.Test;

/**
 * The loss's gradient on one token over a three-word vocabulary, against derivatives worked out by
 * hand. With logits z = (0, ln 2, 0) the policy is p = (1/4, 1/2, 1/4), the action is word 1, so
 * log p_a = −ln 2 and the entropy is H = 1.5·ln 2. For loss terms L:
 * <pre>
 *   ∂(−ρA)/∂z_k  = −A·ρ·(δ_ak − p_k)                  (unclipped policy term)
 *   ∂(−β_H·H)/∂z_k = β_H·p_k·(ln p_k + H)
 *   ∂(β_KL·k3)/∂z_k = β_KL·(1 − exp(ref − log p_a))·(δ_ak − p_k)
 * </pre>
 */
class PolicyLossTest {
    private static final double LN2 = Math.log(2);

    private static double[] gradient(double oldLogp, double advantage, double refLogp, PolicyLoss.Coefficients c, double[] terms) {
        Torch.engine();
        try (NDManager m = NDManager.newBaseManager(Torch.engine().getEngineName())) {
            NDArray logits = m.create(new float[] {0f, (float) LN2, 0f}, new Shape(1, 1, 3));
            logits.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine(Torch.engine().getEngineName()).newGradientCollector()) {
                PolicyLoss.Terms t = PolicyLoss.compute(logits, m.create(new long[] {1}, new Shape(1, 1)), m.create(new float[] {1f}, new Shape(1, 1)),
                        m.create(new float[] {(float) advantage}), m.create(new float[] {(float) oldLogp}, new Shape(1, 1)),
                        m.create(new float[] {(float) refLogp}, new Shape(1, 1)), c);
                gc.backward(t.loss());
                if (terms != null) {
                    terms[0] = t.loss().getFloat();
                    terms[1] = t.entropy();
                    terms[2] = t.kl();
                    terms[3] = t.clipFraction();
                }
            }
            float[] g = logits.getGradient().toFloatArray();
            return new double[] {g[0], g[1], g[2]};
        }
    }

    @Test
    void unclippedGradientMatchesTheHandDerivation() {
        // ρ = 1 (old = current), A = 1, β_H = 0.1, β_KL = 0.5, ref = ln 1/4 so exp(ref − log p_a) = 1/2
        double[] terms = new double[4];
        double[] g = gradient(-LN2, 1.0, Math.log(0.25), new PolicyLoss.Coefficients(0.2, 0.1, 0.5), terms);
        // k=0: −1·(0 − ¼) + 0.1·¼·(ln ¼ + 1.5 ln 2) + 0.5·½·(0 − ¼) = 0.1875 − 0.0125·ln 2
        // k=1: −1·(1 − ½) + 0.1·½·(ln ½ + 1.5 ln 2) + 0.5·½·(1 − ½) = −0.375 + 0.025·ln 2
        assertThat(g[0]).isCloseTo(0.1875 - 0.0125 * LN2, within(1e-6));
        assertThat(g[1]).isCloseTo(-0.375 + 0.025 * LN2, within(1e-6));
        assertThat(g[2]).isCloseTo(0.1875 - 0.0125 * LN2, within(1e-6));
        // loss = −1 − 0.1·1.5 ln 2 + 0.5·(½ − (ln ¼ + ln 2) − 1) = −1 − 0.15 ln 2 + 0.5·(ln 2 − ½)
        assertThat(terms[0]).isCloseTo(-1 - 0.15 * LN2 + 0.5 * (LN2 - 0.5), within(1e-6));
        assertThat(terms[1]).isCloseTo(1.5 * LN2, within(1e-6));
        assertThat(terms[2]).isCloseTo(LN2 - 0.5, within(1e-6));
        assertThat(terms[3]).isZero();
    }

    @Test
    void aPositiveAdvantageBeyondTheClipRangeGivesNoPolicyGradient() {
        // old log p_a = ln ¼, so ρ = 2 > 1 + ε: min(2A, 1.2A) is the constant 1.2A; only the entropy term is left
        double[] terms = new double[4];
        double[] g = gradient(Math.log(0.25), 1.0, -LN2, new PolicyLoss.Coefficients(0.2, 0.1, 0.5), terms);
        assertThat(g[0]).isCloseTo(0.1 * 0.25 * (Math.log(0.25) + 1.5 * LN2), within(1e-6));
        assertThat(g[1]).isCloseTo(0.1 * 0.5 * (Math.log(0.5) + 1.5 * LN2), within(1e-6));
        assertThat(terms[2]).isCloseTo(0, within(1e-7)); // ref = current: k3 = 0
        assertThat(terms[3]).isEqualTo(1.0);
    }

    @Test
    void aNegativeAdvantageKeepsTheUnclippedTermWhenItIsTheSmaller() {
        // ρ = 2, A = −1: min(−2, −1.2) = −2 is the unclipped branch, so −ρA contributes −A·ρ·(δ − p) = 2·(δ − p)
        double[] g = gradient(Math.log(0.25), -1.0, -LN2, new PolicyLoss.Coefficients(0.2, 0.0, 0.0), null);
        assertThat(g[0]).isCloseTo(2 * (0 - 0.25), within(1e-6));
        assertThat(g[1]).isCloseTo(2 * (1 - 0.5), within(1e-6));
        assertThat(g[2]).isCloseTo(2 * (0 - 0.25), within(1e-6));
    }

    @Test
    void leaveOneOutAdvantagesCompareEachSampleWithTheOthersOfItsGroup() {
        double[] a = Advantages.leaveOneOut(new double[] {1, 0, 0, 1, 1, 1, 1, 1}, 4);
        // group 1: mean of the others is 1/3 for the correct ones, 2/3 for the wrong ones
        assertThat(a[0]).isCloseTo(1 - 1.0 / 3, within(1e-12));
        assertThat(a[1]).isCloseTo(0 - 2.0 / 3, within(1e-12));
        assertThat(a[3]).isCloseTo(1 - 1.0 / 3, within(1e-12));
        // a group where every sample scored the same teaches nothing
        assertThat(new double[] {a[4], a[5], a[6], a[7]}).containsOnly(0.0);
        assertThat(a[0] + a[1] + a[2] + a[3]).isCloseTo(0, within(1e-12));
    }
}
