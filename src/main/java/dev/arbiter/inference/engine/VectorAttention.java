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
            int v = r * t + i;
            for (int gq = 0; gq < groups; gq++) {
                int head = h * groups + gq;
                int q = v * width + head * d;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = lo; c <= col; c++) {
                    float s = dot(qkv, q, keys, base + c * d, d);
                    scores[c - lo] = s;
                    max = Math.max(max, s);
                }
                float z = expShifted(scores, col - lo + 1, max);
                int out = v * heads * d + head * d;
                weightedSum(scores, col - lo + 1, 1f / z, values, base + lo * d, d, ctx, out);
            }
        }
    }

    /** a[i] = exp(a[i] - shift) for i in [0, n); returns their sum. */
    static float expShifted(float[] a, int n, float shift) {
        int l = S.length();
        int main = n - n % l;
        FloatVector sum = FloatVector.zero(S);
        for (int i = 0; i < main; i += l) {
            FloatVector e = FloatVector.fromArray(S, a, i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(a, i);
            sum = sum.add(e);
        }
        float z = sum.reduceLanes(VectorOperators.ADD);
        for (int i = main; i < n; i++) {
            a[i] = (float) Math.exp(a[i] - shift);
            z += a[i];
        }
        return z;
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int l = S.length();
        int main = n - n % l;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < main; i += l) {
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int i = main; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** out[o .. o + d) = scale · Σ_c p[c] · values[vo + c·d .. + d) for c in [0, count). */
    private static void weightedSum(float[] p, int count, float scale, float[] values, int vo, int d, float[] out, int o) {
        int l = S.length();
        int main = d - d % l;
        for (int j = 0; j < main; j += l) {
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < count; c++) {
                acc = FloatVector.fromArray(S, values, vo + c * d + j).fma(FloatVector.broadcast(S, p[c]), acc);
            }
            acc.mul(scale).intoArray(out, o + j);
        }
        for (int j = main; j < d; j++) {
            float acc = 0;
            for (int c = 0; c < count; c++) {
                acc += values[vo + c * d + j] * p[c];
            }
            out[o + j] = acc * scale;
        }
    }
}
