package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CpuGemvTest {
    @Test
    void matchesAPlainLoopOnAwkwardShapes() {
        // the build runs tests with the Vector API and a passive OpenMP, as the launcher runs the engine
        assertThat(CpuGemv.available()).isTrue();
        SplittableRandom r = new SplittableRandom(9);
        try (CpuGemv g = CpuGemv.create(1 << 20)) {
            for (int[] shape : new int[][] {{1, 1}, {3, 17}, {65, 64}, {129, 250}, {7, 1000}}) {
                int rows = shape[0];
                int cols = shape[1];
                float[] w = new float[rows * cols];
                float[] x = new float[cols];
                float[] bias = new float[rows];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < cols; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < rows; i++) {
                    bias[i] = (float) r.nextGaussian();
                }
                float[] y = g.multiply(new CpuGemv.Matrix(w, rows, cols, bias), x);
                for (int i = 0; i < rows; i++) {
                    double want = bias[i];
                    for (int j = 0; j < cols; j++) {
                        want += (double) w[i * cols + j] * x[j];
                    }
                    assertThat((double) y[i]).as(rows + "x" + cols + " row " + i).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4 * Math.sqrt(cols)));
                }
            }
        }
    }
}
