package dev.arbiter.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The rotary-embedding tables that the inference decoder and the trainable one both build. */
public final class Rotary {
    private Rotary() {}

    /** The config's inverse frequencies as floats (the CPU decode path reads them in Java). */
    public static float[] inverseFrequencies(ModelConfig cfg) {
        double[] inv = cfg.inverseFrequencies();
        float[] f = new float[inv.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) inv[i];
        }
        return f;
    }

    /** The inverse frequencies as an fp32 [1, 1, head_dim/2] array, to multiply positions by. */
    public static NDArray inverseFrequencies(NDManager m, ModelConfig cfg) {
        float[] f = inverseFrequencies(cfg);
        return m.create(f, new Shape(1, 1, f.length));
    }

    /** rotate_half as an fp32 [d, d] matrix: x·R = (−x₂, x₁), so a rotation costs one matmul instead of four ops. */
    public static NDArray rotateHalf(NDManager m, int d) {
        float[] r = new float[d * d];
        for (int j = 0; j < d / 2; j++) {
            r[(j + d / 2) * d + j] = -1;
            r[j * d + j + d / 2] = 1;
        }
        return m.create(r, new Shape(d, d));
    }
}
