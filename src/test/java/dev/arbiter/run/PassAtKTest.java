package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PassAtKTest {
    @Test
    void handComputedValues() {
        // 1 - C(3,2)/C(5,2) = 1 - 3/10
        assertThat(PassAtK.estimate(5, 2, 2)).isCloseTo(0.7, within(1e-12));
        // k = 1 is c/n
        assertThat(PassAtK.estimate(64, 17, 1)).isCloseTo(17 / 64.0, within(1e-12));
        // 1 - C(6,3)/C(10,3) = 1 - 20/120
        assertThat(PassAtK.estimate(10, 4, 3)).isCloseTo(5 / 6.0, within(1e-12));
    }

    @Test
    void edgeCases() {
        assertThat(PassAtK.estimate(4, 0, 4)).isEqualTo(0.0); // c = 0
        assertThat(PassAtK.estimate(4, 4, 1)).isEqualTo(1.0); // c = n
        assertThat(PassAtK.estimate(4, 1, 4)).isEqualTo(1.0); // n = k: any correct sample is drawn
        assertThat(PassAtK.estimate(4, 0, 1)).isEqualTo(0.0);
        assertThat(PassAtK.estimate(8, 6, 3)).isEqualTo(1.0); // n - c < k
    }

    @Test
    void agreesWithCountingEverySubset() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(10);
            int c = r.nextInt(n + 1);
            int k = 1 + r.nextInt(n);
            int hit = 0;
            int all = 0;
            for (int mask = 0; mask < 1 << n; mask++) {
                if (Integer.bitCount(mask) != k) {
                    continue;
                }
                all++;
                if ((mask & ((1 << c) - 1)) != 0) { // the first c samples are the correct ones
                    hit++;
                }
            }
            assertThat(PassAtK.estimate(n, c, k)).as("n=%d c=%d k=%d", n, c, k).isCloseTo((double) hit / all, within(1e-12));
        }
    }

    @Test
    void refusesKBeyondN() {
        assertThatThrownBy(() -> PassAtK.estimate(3, 1, 4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k <= n");
        assertThatThrownBy(() -> PassAtK.estimate(3, 4, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
