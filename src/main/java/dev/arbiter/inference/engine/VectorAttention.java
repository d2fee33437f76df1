package dev.arbiter.inference.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Grouped-query attention of one step's queries over a {@link KvCache} on the heap, with the Vector API.
 * Row r's query at column c sees columns [pads[r], c], or only itself when it is padding, as
 * {@link PaddedInputs}' mask says. Only {@link DecoderModel}'s Java path calls this, and only when the
 * incubator module is present.
 */
final class VectorAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorAttention() {}

    /**
     * The context of every query head of row r and kv head h, for each of the step's t columns.
     *
     * @param qkv [b * t, width] projections; queries first (already scaled by 1/sqrt(head_dim)), [heads, d] each
     * @param ctx [b * t, heads * d], written for the query heads of kv head h in row r
     */
    static void attend(float[] qkv, int width, float[] keys, float[] values, int capacity, int r, int h, int t, int start, int pad,
                       int kvHeads, int groups, int d, float[] ctx, float[] scores) {
        int heads = kvHeads * groups;
        int base = (r * kvHeads + h) * capacity * d;
        for (int i = 0; i < t; i++) {
            int col = start + i;
            int lo = col < pad ? col : pad;
            int span = col - lo + 1;
            int v = r * t + i;
            int q0 = v * width + h * groups * d;
            // scores of the group's query heads, [groups][span]: each key is read once for all of them
            for (int c = lo; c <= col; c++) {
                int k = base + c * d;
                for (int gq = 0; gq < groups; gq++) {
                    scores[gq * span + c - lo] = VectorGemv.dot(qkv, q0 + gq * d, keys, k, d);
                }
            }
            int out = v * heads * d + h * groups * d;
            java.util.Arrays.fill(ctx, out, out + groups * d, 0f);
            for (int gq = 0; gq < groups; gq++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < span; c++) {
                    max = Math.max(max, scores[gq * span + c]);
                }
                float z = expShifted(scores, gq * span, span, max);
                float inv = 1f / z;
                for (int c = 0; c < span; c++) {
                    scores[gq * span + c] *= inv;
                }
            }
            // the weighted sum of values, each value read once for the group
            for (int c = 0; c < span; c++) {
                int vo = base + (lo + c) * d;
                for (int gq = 0; gq < groups; gq++) {
                    axpy(scores[gq * span + c], values, vo, ctx, out + gq * d, d);
                }
            }
        }
    }

    /** y[yo .. yo + n) += a · x[xo .. xo + n). */
    private static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int l = S.length();
        int main = n - n % l;
        FloatVector av = FloatVector.broadcast(S, a);
        for (int j = 0; j < main; j += l) {
            FloatVector.fromArray(S, x, xo + j).fma(av, FloatVector.fromArray(S, y, yo + j)).intoArray(y, yo + j);
        }
        for (int j = main; j < n; j++) {
            y[yo + j] += a * x[xo + j];
        }
    }

    /** a[i] = exp(a[i] - shift) for i in [from, from + n); returns their sum. */
    static float expShifted(float[] a, int from, int n, float shift) {
        int l = S.length();
        int main = n - n % l;
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < main; i += l) {
            FloatVector e = FloatVector.fromArray(S, a, from + i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(a, from + i);
            sum = sum.add(e);
        }
        float z = sum.reduceLanes(VectorOperators.ADD);
        for (int i = main; i < n; i++) {
            a[from + i] = (float) Math.exp(a[from + i] - shift);
            z += a[from + i];
        }
        return z;
    }
}
