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
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }
}
