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
                scores(qkv, q, keys, slab + lo, capacity, d, span, scores, s);
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < span; c++) {
                    max = Math.max(max, scores[s + c]);
                }
                float inv = 1f / expShifted(scores, s, span, max);
                for (int c = 0; c < span; c++) {
                    scores[s + c] *= inv;
                }
                weighted(scores, s, span, values, slab + lo * d, d, ctx, v * heads * d + (h * groups + gq) * d);
            }
        }
    }

    /**
     * s[so + c] = q · key c for c in [0, span), keys transposed from {@code k0} with a row stride of
     * {@code cap}: each dimension of 16 keys is one load, multiplied by that dimension of the query, so
     * no vector is ever summed across its lanes. Two sets of sums (even and odd dimensions) keep the
     * multiply-adds from waiting on each other.
     */
    private static void scores(float[] q, int qo, float[] keys, int k0, int cap, int d, int span, float[] s, int so) {
        int l = S.length();
        int c = 0;
        for (; c + 4 * l <= span; c += 4 * l) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
            int k = k0 + c;
            int j = 0;
            for (; j + 1 < d; j += 2, k += 2 * cap) {
                FloatVector qa = FloatVector.broadcast(S, q[qo + j]);
                FloatVector qb = FloatVector.broadcast(S, q[qo + j + 1]);
                a0 = FloatVector.fromArray(S, keys, k).fma(qa, a0);
                a1 = FloatVector.fromArray(S, keys, k + l).fma(qa, a1);
                a2 = FloatVector.fromArray(S, keys, k + 2 * l).fma(qa, a2);
                a3 = FloatVector.fromArray(S, keys, k + 3 * l).fma(qa, a3);
                b0 = FloatVector.fromArray(S, keys, k + cap).fma(qb, b0);
                b1 = FloatVector.fromArray(S, keys, k + cap + l).fma(qb, b1);
                b2 = FloatVector.fromArray(S, keys, k + cap + 2 * l).fma(qb, b2);
                b3 = FloatVector.fromArray(S, keys, k + cap + 3 * l).fma(qb, b3);
            }
            if (j < d) {
                FloatVector qa = FloatVector.broadcast(S, q[qo + j]);
                a0 = FloatVector.fromArray(S, keys, k).fma(qa, a0);
                a1 = FloatVector.fromArray(S, keys, k + l).fma(qa, a1);
                a2 = FloatVector.fromArray(S, keys, k + 2 * l).fma(qa, a2);
                a3 = FloatVector.fromArray(S, keys, k + 3 * l).fma(qa, a3);
            }
            a0.add(b0).intoArray(s, so + c);
            a1.add(b1).intoArray(s, so + c + l);
            a2.add(b2).intoArray(s, so + c + 2 * l);
            a3.add(b3).intoArray(s, so + c + 3 * l);
        }
        for (; c < span; c += l) {
            VectorMask<Float> m = S.indexInRange(c, span);
            FloatVector a = FloatVector.zero(S);
            FloatVector b = FloatVector.zero(S);
            int k = k0 + c;
            int j = 0;
            for (; j + 1 < d; j += 2, k += 2 * cap) {
                a = FloatVector.fromArray(S, keys, k, m).fma(FloatVector.broadcast(S, q[qo + j]), a);
                b = FloatVector.fromArray(S, keys, k + cap, m).fma(FloatVector.broadcast(S, q[qo + j + 1]), b);
            }
            if (j < d) {
                a = FloatVector.fromArray(S, keys, k, m).fma(FloatVector.broadcast(S, q[qo + j]), a);
            }
            a.add(b).intoArray(s, so + c, m);
        }
    }

    /**
     * ctx[out .. out + d) = sum over c of p[po + c] · values[vo + c·d .. + d), for c in [0, span): the
     * sums stay in registers across all the values, two sets (even and odd columns) so that the
     * multiply-adds do not wait on each other.
     */
    private static void weighted(float[] p, int po, int span, float[] values, int vo, int d, float[] ctx, int out) {
        int l = S.length();
        int j = 0;
        for (; j + 2 * l <= d; j += 2 * l) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
            int k = vo + j;
            int c = 0;
            for (; c + 1 < span; c += 2, k += 2 * d) {
                FloatVector pa = FloatVector.broadcast(S, p[po + c]);
                FloatVector pb = FloatVector.broadcast(S, p[po + c + 1]);
                a0 = FloatVector.fromArray(S, values, k).fma(pa, a0);
                a1 = FloatVector.fromArray(S, values, k + l).fma(pa, a1);
                b0 = FloatVector.fromArray(S, values, k + d).fma(pb, b0);
                b1 = FloatVector.fromArray(S, values, k + d + l).fma(pb, b1);
            }
            if (c < span) {
                FloatVector pa = FloatVector.broadcast(S, p[po + c]);
                a0 = FloatVector.fromArray(S, values, k).fma(pa, a0);
                a1 = FloatVector.fromArray(S, values, k + l).fma(pa, a1);
            }
            a0.add(b0).intoArray(ctx, out + j);
            a1.add(b1).intoArray(ctx, out + j + l);
        }
        for (; j < d; j += l) {
            VectorMask<Float> m = S.indexInRange(j, d);
            FloatVector a = FloatVector.zero(S);
            for (int c = 0, k = vo + j; c < span; c++, k += d) {
                a = FloatVector.fromArray(S, values, k, m).fma(FloatVector.broadcast(S, p[po + c]), a);
            }
            a.intoArray(ctx, out + j, m);
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
