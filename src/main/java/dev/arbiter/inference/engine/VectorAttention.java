package dev.arbiter.inference.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
     * @param keys [rows, kv_heads, d, capacity], as {@link KvCache#heapKeys} lays them out
     * @param values [rows, kv_heads, capacity, d]
     * @param ctx [b * t, heads * d], written for the query heads of kv head h in row r
     * @param scores scratch of at least groups times the longest span of columns
     */
    static void attend(float[] qkv, int width, float[] keys, float[] values, int capacity, int r, int h, int t, int start, int pad,
                       int kvHeads, int groups, int d, float[] ctx, float[] scores) {
        int heads = kvHeads * groups;
        // one (row, kv head) slab has the same offset in both: keys [d, capacity], values [capacity, d]
        int slab = (r * kvHeads + h) * capacity * d;
        for (int i = 0; i < t; i++) {
            int col = start + i;
            int lo = col < pad ? col : pad;
            int span = col - lo + 1;
            int v = r * t + i;
            for (int gq = 0; gq < groups; gq++) {
                int q = v * width + (h * groups + gq) * d;
                int s = gq * span;
                // scores: the query times the keys' d rows [d, capacity]
                combine(qkv, q, d, keys, slab + lo, capacity, span, scores, s);
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < span; c++) {
                    max = Math.max(max, scores[s + c]);
                }
                float inv = 1f / expShifted(scores, s, span, max);
                for (int c = 0; c < span; c++) {
                    scores[s + c] *= inv;
                }
                // context: the weights times the values' span rows [capacity, d]
                combine(scores, s, span, values, slab + lo * d, d, d, ctx, v * heads * d + (h * groups + gq) * d);
            }
        }
    }

    /**
     * out[oo + x] = sum over r in [0, n) of a[ao + r] · m[m0 + r·stride + x], for x in [0, width): a
     * vector times the n rows of a matrix, the scores of a query over keys laid out [d, capacity] and
     * the weighted sum of values laid out [capacity, d] alike. Each row's part of 16 outputs is one
     * load times one broadcast, so no vector is ever summed across its lanes; two sets of sums (even
     * and odd rows) keep the multiply-adds from waiting on each other.
     */
    private static void combine(float[] a, int ao, int n, float[] m, int m0, int stride, int width, float[] out, int oo) {
        int l = S.length();
        int x = 0;
        for (; x + 4 * l <= width; x += 4 * l) {
            FloatVector e0 = FloatVector.zero(S), e1 = FloatVector.zero(S), e2 = FloatVector.zero(S), e3 = FloatVector.zero(S);
            FloatVector o0 = FloatVector.zero(S), o1 = FloatVector.zero(S), o2 = FloatVector.zero(S), o3 = FloatVector.zero(S);
            int k = m0 + x;
            int r = 0;
            for (; r + 1 < n; r += 2, k += 2 * stride) {
                FloatVector ae = FloatVector.broadcast(S, a[ao + r]);
                FloatVector an = FloatVector.broadcast(S, a[ao + r + 1]);
                e0 = FloatVector.fromArray(S, m, k).fma(ae, e0);
                e1 = FloatVector.fromArray(S, m, k + l).fma(ae, e1);
                e2 = FloatVector.fromArray(S, m, k + 2 * l).fma(ae, e2);
                e3 = FloatVector.fromArray(S, m, k + 3 * l).fma(ae, e3);
                o0 = FloatVector.fromArray(S, m, k + stride).fma(an, o0);
                o1 = FloatVector.fromArray(S, m, k + stride + l).fma(an, o1);
                o2 = FloatVector.fromArray(S, m, k + stride + 2 * l).fma(an, o2);
                o3 = FloatVector.fromArray(S, m, k + stride + 3 * l).fma(an, o3);
            }
            if (r < n) {
                FloatVector ae = FloatVector.broadcast(S, a[ao + r]);
                e0 = FloatVector.fromArray(S, m, k).fma(ae, e0);
                e1 = FloatVector.fromArray(S, m, k + l).fma(ae, e1);
                e2 = FloatVector.fromArray(S, m, k + 2 * l).fma(ae, e2);
                e3 = FloatVector.fromArray(S, m, k + 3 * l).fma(ae, e3);
            }
            e0.add(o0).intoArray(out, oo + x);
            e1.add(o1).intoArray(out, oo + x + l);
            e2.add(o2).intoArray(out, oo + x + 2 * l);
            e3.add(o3).intoArray(out, oo + x + 3 * l);
        }
        for (; x < width; x += l) {
            VectorMask<Float> mask = S.indexInRange(x, width);
            FloatVector e = FloatVector.zero(S);
            FloatVector o = FloatVector.zero(S);
            int k = m0 + x;
            int r = 0;
            for (; r + 1 < n; r += 2, k += 2 * stride) {
                e = FloatVector.fromArray(S, m, k, mask).fma(FloatVector.broadcast(S, a[ao + r]), e);
                o = FloatVector.fromArray(S, m, k + stride, mask).fma(FloatVector.broadcast(S, a[ao + r + 1]), o);
            }
            if (r < n) {
                e = FloatVector.fromArray(S, m, k, mask).fma(FloatVector.broadcast(S, a[ao + r]), e);
            }
            e.add(o).intoArray(out, oo + x, mask);
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
