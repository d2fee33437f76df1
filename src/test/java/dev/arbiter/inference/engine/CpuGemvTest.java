package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CpuGemvTest {
    @Test
    void matchesAPlainLoopOnAwkwardShapes() {
        // the build runs tests with the Vector API and a passive OpenMP, as the launcher runs the engine
        assertThat(CpuGemv.available()).isTrue();
        SplittableRandom r = new SplittableRandom(9);
        try (CpuGemv g = CpuGemv.create(1 << 20)) {
            for (int[] shape : new int[][] {{1, 1}, {3, 17}, {65, 64}, {129, 250}, {7, 1000}}) {
                CpuGemv.Matrix m = random(r, shape[0], shape[1], true);
                float[] x = gaussian(r, shape[1]);
                assertProducts(m, x, 1, g.multiply(m, x));
            }
        }
    }

    @Test
    void manyVectorsAtOnceMatchAPlainLoopOnEveryTail() {
        SplittableRandom r = new SplittableRandom(10);
        try (CpuGemv g = CpuGemv.create(1 << 20)) {
            // rows not a multiple of the four-row kernel, columns not a multiple of a vector, vectors not a multiple of four
            for (int[] shape : new int[][] {{1, 1}, {3, 17}, {5, 15}, {7, 33}, {65, 64}, {130, 250}, {9, 1000}, {301, 48}}) {
                for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 37}) {
                    for (boolean bias : new boolean[] {false, true}) {
                        CpuGemv.Matrix m = random(r, shape[0], shape[1], bias);
                        float[] x = gaussian(r, n * shape[1]);
                        assertProducts(m, x, n, g.multiply(m, x, n));
                    }
                }
            }
            // more vectors than one tile of the kernel holds, so that tiles follow one another
            CpuGemv.Matrix wide = random(r, 13, 2050, true);
            float[] x = gaussian(r, 70 * 2050);
            assertProducts(wide, x, 70, g.multiply(wide, x, 70));
            assertThatThrownBy(() -> g.multiply(wide, new float[2050], 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 vectors of 2050");
        }
    }

    @Test
    void forEachRunsEveryPartOnceAndReportsAFailure() {
        try (CpuGemv g = CpuGemv.create(1 << 20)) {
            for (int count : new int[] {0, 1, 2, 3, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, count));
                g.forEach(count, seen::incrementAndGet, () -> "counting");
                for (int i = 0; i < count; i++) {
                    assertThat(seen.get(i)).as("part " + i + " of " + count).isEqualTo(1);
                }
            }
            assertThatThrownBy(() -> g.forEach(50, i -> {
                if (i == 17) {
                    throw new IllegalArgumentException("part 17 broke");
                }
            }, () -> "the test's work")).hasMessageContaining("the test's work failed").hasMessageContaining("part 17 broke");
            // the helpers still serve the next product after a failure
            AtomicIntegerArray again = new AtomicIntegerArray(8);
            g.forEach(8, again::incrementAndGet, () -> "again");
            assertThat(again.toString()).isEqualTo("[1, 1, 1, 1, 1, 1, 1, 1]");
        }
    }

    private static void assertProducts(CpuGemv.Matrix m, float[] x, int n, float[] y) {
        int rows = m.rows();
        int cols = m.cols();
        assertThat(y).hasSize(n * rows);
        for (int v = 0; v < n; v++) {
            for (int i = 0; i < rows; i++) {
                double want = m.bias() == null ? 0 : m.bias()[i];
                for (int j = 0; j < cols; j++) {
                    want += (double) m.data()[i * cols + j] * x[v * cols + j];
                }
                assertThat((double) y[v * rows + i]).as(rows + "x" + cols + " by " + n + ": vector " + v + " row " + i)
                        .isCloseTo(want, Offset.offset(1e-4 * Math.sqrt(cols)));
            }
        }
    }

    private static CpuGemv.Matrix random(SplittableRandom r, int rows, int cols, boolean bias) {
        return new CpuGemv.Matrix(gaussian(r, rows * cols), rows, cols, bias ? gaussian(r, rows) : null);
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
