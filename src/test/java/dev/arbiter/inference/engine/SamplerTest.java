package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplerTest {
    private static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            l[i] = (float) Math.log(probs[i]);
        }
        return l;
    }

    @Test
    void temperatureZeroIsArgmax() {
        float[] l = {0.1f, 2.5f, -1f, 2.4f};
        Sampler s = new Sampler(new Sampling(0, 0.5, 2, 99));
        for (int i = 0; i < 20; i++) {
            assertThat(s.next(l, 0, 4)).isEqualTo(1);
        }
        // the vocabulary limit hides ids past it, and the offset selects a row
        float[] two = {0f, 0f, 0f, 9f, 1f, 5f, 0f, 0f};
        assertThat(Sampler.argmax(two, 4, 3)).isEqualTo(1);
        assertThat(Sampler.argmax(two, 0, 3)).isEqualTo(0);
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        // sorted: 0.4 (i=2), 0.3 (i=0), 0.2 (i=3), 0.1 (i=1)
        float[] l = logitsOf(0.3, 0.1, 0.4, 0.2);
        double[] p = Sampler.probabilities(l, 0, 4, new Sampling(1, 0.65, 0, 0));
        assertThat(p[2]).isCloseTo(0.4 / 0.7, within());
        assertThat(p[0]).isCloseTo(0.3 / 0.7, within());
        assertThat(p[1]).isZero();
        assertThat(p[3]).isZero();
        // exactly reaching p stops there
        p = Sampler.probabilities(l, 0, 4, new Sampling(1, 0.7, 0, 0));
        assertThat(p[3]).isZero();
        // a tiny p keeps the single most likely token
        p = Sampler.probabilities(l, 0, 4, new Sampling(1, 0.01, 0, 0));
        assertThat(p[2]).isCloseTo(1, within());
    }

    @Test
    void topPOnALongFlatTailSortsBeyondTheFirstThreshold() {
        // 0.5 on one token, the rest spread thinly over 100k tokens (each below the first 1e-3 cut)
        int n = 100_001;
        double[] probs = new double[n];
        probs[0] = 0.5;
        for (int i = 1; i < n; i++) {
            probs[i] = 0.5 / (n - 1) * (1 + (i % 3) * 0.01);
        }
        double[] p = Sampler.probabilities(logitsOf(probs), 0, n, new Sampling(1, 0.9, 0, 0));
        long kept = java.util.Arrays.stream(p).filter(x -> x > 0).count();
        assertThat(p[0]).isGreaterThan(0.5);
        assertThat(kept).isGreaterThan(70_000).isLessThan(n);
        // everything kept outweighs everything dropped, token by token
        double minKept = java.util.Arrays.stream(p, 1, n).filter(x -> x > 0).min().orElseThrow();
        assertThat(minKept).isGreaterThan(0);
    }

    @Test
    void topKKeepsTheKLargestThenRenormalizes() {
        float[] l = logitsOf(0.1, 0.4, 0.15, 0.35);
        double[] p = Sampler.probabilities(l, 0, 4, new Sampling(1, 1, 2, 0));
        assertThat(p[1]).isCloseTo(0.4 / 0.75, within());
        assertThat(p[3]).isCloseTo(0.35 / 0.75, within());
        assertThat(p[0] + p[2]).isZero();
        // top-k then top-p: of {0.533, 0.467}, p=0.5 keeps only the first
        p = Sampler.probabilities(l, 0, 4, new Sampling(1, 0.5, 2, 0));
        assertThat(p[1]).isCloseTo(1, within());
    }

    @Test
    void temperatureSharpensAndFlattens() {
        float[] l = logitsOf(0.2, 0.8);
        double[] cold = Sampler.probabilities(l, 0, 2, new Sampling(0.5, 1, 0, 0));
        double[] hot = Sampler.probabilities(l, 0, 2, new Sampling(2, 1, 0, 0));
        // p ∝ q^(1/T)
        assertThat(cold[1]).isCloseTo(0.64 / 0.68, within());
        assertThat(hot[1]).isCloseTo(Math.sqrt(0.8) / (Math.sqrt(0.8) + Math.sqrt(0.2)), within());
    }

    @Test
    void sameSeedSameDrawsAndTheFrequenciesFollowTheDistribution() {
        float[] l = logitsOf(0.5, 0.3, 0.2);
        Sampler a = new Sampler(new Sampling(1, 1, 0, 42));
        Sampler b = new Sampler(new Sampling(1, 1, 0, 42));
        Sampler c = new Sampler(new Sampling(1, 1, 0, 43));
        int[] counts = new int[3];
        boolean differs = false;
        for (int i = 0; i < 20_000; i++) {
            int x = a.next(l, 0, 3);
            assertThat(b.next(l, 0, 3)).isEqualTo(x);
            differs |= c.next(l, 0, 3) != x;
            counts[x]++;
        }
        assertThat(differs).isTrue();
        assertThat(counts[0] / 20_000.0).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.015));
        assertThat(counts[2] / 20_000.0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.015));
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> new Sampling(-1, 1, 0, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new Sampling(1, 0, 0, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new Sampling(1, 1.5, 0, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new Sampling(1, 1, -2, 0)).hasMessageContaining("top_k");
        // vLLM's ranges, and the bad value quoted
        assertThatThrownBy(() -> penalties(0, 2.5, 0, 1)).hasMessage("presence_penalty must be in [-2, 2], got 2.5");
        assertThatThrownBy(() -> penalties(0, 0, -2.01, 1)).hasMessage("frequency_penalty must be in [-2, 2], got -2.01");
        assertThatThrownBy(() -> penalties(0, 0, 0, 0)).hasMessageContaining("repetition_penalty").hasMessageEndingWith("got 0.0");
        assertThatThrownBy(() -> penalties(0, 0, 0, Double.POSITIVE_INFINITY)).hasMessageContaining("repetition_penalty");
        assertThatThrownBy(() -> penalties(1.5, 0, 0, 1)).hasMessage("min_p must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> penalties(Double.NaN, 0, 0, 1)).hasMessageContaining("min_p");
        assertThat(penalties(1, -2, 2, 0.01).penalized()).isTrue();
        assertThat(penalties(0.5, 0, 0, 1).penalized()).isFalse();
    }

    private static Sampling penalties(double minP, double presence, double frequency, double repetition) {
        return new Sampling(0, 1, 0, minP, presence, frequency, repetition, 0);
    }

    @Test
    void penaltiesFollowVllmsArithmetic() {
        // prompt {0, 1, 7}; generated 3, 3, 4; id 7 is past the vocabulary limit of 6 and left alone; row 0 starts at offset 1
        float[] logits = {9f, 2f, -1f, 0.5f, 3f, -2f, 0f, 7f};
        Sampler s = new Sampler(new Sampling(0, 1, 0, 0, 0.25, 0.5, 2, 0), new int[] {0, 1, 7});
        for (int t : new int[] {3, 3, 4}) {
            s.accept(t);
        }
        float[] l = s.penalized(logits, 1, 6);
        // repetition 2 on ids 0, 1 (prompt), 3, 4 (output): positive logits halved, negative doubled;
        // then frequency 0.5 x count and presence 0.25 once, on output ids only
        assertThat(l).containsExactly(2f / 2, -1f * 2, 0.5f, 3f / 2 - 0.5f * 2 - 0.25f, -2f * 2 - 0.5f - 0.25f, 0f);
        assertThat(logits[1]).as("the model's logits are not changed").isEqualTo(2f);
        // greedy sees the penalties: unpenalized, id 3 (logit 3) wins; penalized, id 0 (1.0) does
        assertThat(Sampler.argmax(logits, 1, 6)).isEqualTo(3);
        assertThat(s.next(logits, 1, 6)).isEqualTo(0);
        // a zero logit stays zero under repetition, and the penalty below 1 raises a seen token
        Sampler boost = new Sampler(new Sampling(0, 1, 0, 0, 0, 0, 0.5, 0), new int[] {2});
        assertThat(boost.penalized(new float[] {1f, 1f, 0.75f}, 0, 3)).containsExactly(1f, 1f, 1.5f);
        assertThat(boost.next(new float[] {1f, 1f, 0.75f}, 0, 3)).isEqualTo(2);
        // presence and frequency never touch the prompt's tokens
        Sampler outOnly = new Sampler(new Sampling(0, 1, 0, 0, 2, 2, 1, 0), new int[] {0, 1});
        assertThat(outOnly.penalized(new float[] {1f, 2f}, 0, 2)).containsExactly(1f, 2f);
        outOnly.accept(1);
        outOnly.accept(1);
        assertThat(outOnly.penalized(new float[] {1f, 2f}, 0, 2)).containsExactly(1f, 2f - 2 * 2 - 2);
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheMostLikely() {
        float[] l = logitsOf(0.5, 0.3, 0.15, 0.05);
        double[] p = Sampler.probabilities(l, 0, 4, new Sampling(1, 1, 0, 0.4, 0, 0, 1, 0));
        // threshold 0.4 x 0.5 = 0.2: 0.5 and 0.3 stay
        assertThat(p[0]).isCloseTo(0.5 / 0.8, within());
        assertThat(p[1]).isCloseTo(0.3 / 0.8, within());
        assertThat(p[2] + p[3]).isZero();
        // after temperature: at T = 0.5 the probabilities are 0.25, 0.09, 0.0225, 0.0025 (/0.365), so 0.3 x max keeps two
        p = Sampler.probabilities(l, 0, 4, new Sampling(0.5, 1, 0, 0.3, 0, 0, 1, 0));
        assertThat(p[1]).isCloseTo(0.09 / 0.34, within());
        assertThat(p[2]).isZero();
        // min_p 1 keeps only the most likely token: sampling becomes greedy
        Sampler one = new Sampler(new Sampling(1.3, 1, 0, 1, 0, 0, 1, 5));
        for (int i = 0; i < 50; i++) {
            assertThat(one.next(l, 0, 4)).isZero();
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }

    @Test
    void aPenaltyThatOverflowsTheLogitsStillPicksAToken() {
        // repetition_penalty 1e-300 is a valid request (finite, above 0) but is 0 as a float: a seen token's positive
        // logit becomes +Infinity, and Infinity - Infinity is NaN in the softmax
        float[] l = {1.5f, -0.5f, 2f, 0.25f};
        Sampler s = new Sampler(new Sampling(1, 1, 0, 0, 0, 0, 1e-300, 7), new int[] {0, 1, 3});
        for (int i = 0; i < 20; i++) {
            int t = s.next(l, 0, 4);
            assertThat(t).as("the only token with an infinite logit").isIn(0, 3);
        }
        // every logit NaN: still a token of the vocabulary, never -1
        float[] nan = {Float.NaN, Float.NaN, Float.NaN};
        assertThat(new Sampler(new Sampling(1, 0.9, 2, 0.1, 0, 0, 1, 3)).next(nan, 0, 3)).isBetween(0, 2);
    }
}
