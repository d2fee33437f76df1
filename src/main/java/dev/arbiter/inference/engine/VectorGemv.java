package dev.arbiter.inference.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of a float32 matrix times a vector with the Vector API. Only {@link CpuGemv} touches this
 * class, and only when the incubator module is present, so the JVM never loads it otherwise.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorGemv() {}

    /** y[r] = w[r, :] · x for rows [from, to). */
    static void rows(float[] w, int cols, float[] x, float[] y, int from, int to) {
        int l = S.length();
        int main = cols - cols % (4 * l);
        for (int r = from; r < to; r++) {
            int off = r * cols;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int i = 0;
            for (; i < main; i += 4 * l) {
                a0 = FloatVector.fromArray(S, w, off + i).fma(FloatVector.fromArray(S, x, i), a0);
                a1 = FloatVector.fromArray(S, w, off + i + l).fma(FloatVector.fromArray(S, x, i + l), a1);
                a2 = FloatVector.fromArray(S, w, off + i + 2 * l).fma(FloatVector.fromArray(S, x, i + 2 * l), a2);
                a3 = FloatVector.fromArray(S, w, off + i + 3 * l).fma(FloatVector.fromArray(S, x, i + 3 * l), a3);
            }
            float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            for (; i < cols; i++) {
                s += w[off + i] * x[i];
            }
            y[r] = s;
        }
    }
}
