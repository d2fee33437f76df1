package dev.arbiter.inference.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of a float32 matrix times one or many vectors with the Vector API. Only {@link CpuGemv} touches
 * this class, and only when the incubator module is present, so the JVM never loads it otherwise.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Bytes of input vectors one pass over a block of weight rows works on: about half of a core's L2. */
    private static final int TILE_BYTES = 256 * 1024;

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

    /**
     * y[v * rows + r] = w[r, :] · x[v, :] for rows [from, to) and all {@code n} vectors of x ([n, cols],
     * row-major). Four weight rows meet four vectors at a time, so each weight element loaded from memory
     * serves four vectors while it is in a register, and the rows stay in L1 for the next four vectors;
     * the vectors go in tiles that stay in L2 while every row block passes over them.
     */
    static void rowsBatched(float[] w, int rows, int cols, float[] x, int n, float[] y, int from, int to) {
        int tile = Math.max(4, TILE_BYTES / (4 * Math.max(1, cols)) & ~3);
        for (int v0 = 0; v0 < n; v0 += tile) {
            int v1 = Math.min(n, v0 + tile);
            int r = from;
            for (; r + 4 <= to; r += 4) {
                int v = v0;
                for (; v + 4 <= v1; v += 4) {
                    block4x4(w, rows, cols, x, y, r, v);
                }
                for (; v < v1; v++) {
                    block4x1(w, rows, cols, x, y, r, v);
                }
            }
            for (; r < to; r++) {
                for (int v = v0; v < v1; v++) {
                    y[v * rows + r] = dot(w, r * cols, x, v * cols, cols);
                }
            }
        }
    }

    private static void block4x4(float[] w, int rows, int cols, float[] x, float[] y, int r, int v) {
        int l = S.length();
        int main = cols - cols % l;
        int w0 = r * cols;
        int w1 = w0 + cols;
        int w2 = w1 + cols;
        int w3 = w2 + cols;
        int x0 = v * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
        for (int i = 0; i < main; i += l) {
            FloatVector b0 = FloatVector.fromArray(S, w, w0 + i);
            FloatVector b1 = FloatVector.fromArray(S, w, w1 + i);
            FloatVector b2 = FloatVector.fromArray(S, w, w2 + i);
            FloatVector b3 = FloatVector.fromArray(S, w, w3 + i);
            FloatVector c = FloatVector.fromArray(S, x, x0 + i);
            a00 = b0.fma(c, a00);
            a10 = b1.fma(c, a10);
            a20 = b2.fma(c, a20);
            a30 = b3.fma(c, a30);
            c = FloatVector.fromArray(S, x, x1 + i);
            a01 = b0.fma(c, a01);
            a11 = b1.fma(c, a11);
            a21 = b2.fma(c, a21);
            a31 = b3.fma(c, a31);
            c = FloatVector.fromArray(S, x, x2 + i);
            a02 = b0.fma(c, a02);
            a12 = b1.fma(c, a12);
            a22 = b2.fma(c, a22);
            a32 = b3.fma(c, a32);
            c = FloatVector.fromArray(S, x, x3 + i);
            a03 = b0.fma(c, a03);
            a13 = b1.fma(c, a13);
            a23 = b2.fma(c, a23);
            a33 = b3.fma(c, a33);
        }
        int y0 = v * rows + r;
        y[y0] = a00.reduceLanes(VectorOperators.ADD) + tail(w, w0, x, x0, main, cols);
        y[y0 + 1] = a10.reduceLanes(VectorOperators.ADD) + tail(w, w1, x, x0, main, cols);
        y[y0 + 2] = a20.reduceLanes(VectorOperators.ADD) + tail(w, w2, x, x0, main, cols);
        y[y0 + 3] = a30.reduceLanes(VectorOperators.ADD) + tail(w, w3, x, x0, main, cols);
        y0 += rows;
        y[y0] = a01.reduceLanes(VectorOperators.ADD) + tail(w, w0, x, x1, main, cols);
        y[y0 + 1] = a11.reduceLanes(VectorOperators.ADD) + tail(w, w1, x, x1, main, cols);
        y[y0 + 2] = a21.reduceLanes(VectorOperators.ADD) + tail(w, w2, x, x1, main, cols);
        y[y0 + 3] = a31.reduceLanes(VectorOperators.ADD) + tail(w, w3, x, x1, main, cols);
        y0 += rows;
        y[y0] = a02.reduceLanes(VectorOperators.ADD) + tail(w, w0, x, x2, main, cols);
        y[y0 + 1] = a12.reduceLanes(VectorOperators.ADD) + tail(w, w1, x, x2, main, cols);
        y[y0 + 2] = a22.reduceLanes(VectorOperators.ADD) + tail(w, w2, x, x2, main, cols);
        y[y0 + 3] = a32.reduceLanes(VectorOperators.ADD) + tail(w, w3, x, x2, main, cols);
        y0 += rows;
        y[y0] = a03.reduceLanes(VectorOperators.ADD) + tail(w, w0, x, x3, main, cols);
        y[y0 + 1] = a13.reduceLanes(VectorOperators.ADD) + tail(w, w1, x, x3, main, cols);
        y[y0 + 2] = a23.reduceLanes(VectorOperators.ADD) + tail(w, w2, x, x3, main, cols);
        y[y0 + 3] = a33.reduceLanes(VectorOperators.ADD) + tail(w, w3, x, x3, main, cols);
    }

    private static void block4x1(float[] w, int rows, int cols, float[] x, float[] y, int r, int v) {
        int l = S.length();
        int main = cols - cols % l;
        int w0 = r * cols;
        int w1 = w0 + cols;
        int w2 = w1 + cols;
        int w3 = w2 + cols;
        int x0 = v * cols;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        for (int i = 0; i < main; i += l) {
            FloatVector c = FloatVector.fromArray(S, x, x0 + i);
            a0 = FloatVector.fromArray(S, w, w0 + i).fma(c, a0);
            a1 = FloatVector.fromArray(S, w, w1 + i).fma(c, a1);
            a2 = FloatVector.fromArray(S, w, w2 + i).fma(c, a2);
            a3 = FloatVector.fromArray(S, w, w3 + i).fma(c, a3);
        }
        int y0 = v * rows + r;
        y[y0] = a0.reduceLanes(VectorOperators.ADD) + tail(w, w0, x, x0, main, cols);
        y[y0 + 1] = a1.reduceLanes(VectorOperators.ADD) + tail(w, w1, x, x0, main, cols);
        y[y0 + 2] = a2.reduceLanes(VectorOperators.ADD) + tail(w, w2, x, x0, main, cols);
        y[y0 + 3] = a3.reduceLanes(VectorOperators.ADD) + tail(w, w3, x, x0, main, cols);
    }

    /**
     * Reads rows [from, to) once, one float per 64-byte cache line into four independent sums, and
     * returns a value that depends on every load, so that none is dropped. A product working through
     * weights in memory keeps only a few loads in flight between its multiply-adds, and one core then
     * reads at a fraction of the memory's bandwidth; loads with nothing else to wait on keep many in
     * flight. Read like this first, a block of weights arrives at the speed of a plain sum, and the
     * product then runs on it from the core's L2. Scalar loads, not vectors: a Java array's elements
     * are not 64-byte aligned, so every 512-bit load would straddle two lines.
     */
    static float warm(float[] w, int cols, int from, int to) {
        int end = to * cols;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from * cols;
        for (; i + 4 * LINE_FLOATS <= end; i += 4 * LINE_FLOATS) {
            s0 += w[i];
            s1 += w[i + LINE_FLOATS];
            s2 += w[i + 2 * LINE_FLOATS];
            s3 += w[i + 3 * LINE_FLOATS];
        }
        for (; i < end; i += LINE_FLOATS) {
            s0 += w[i];
        }
        return s0 + s1 + s2 + s3;
    }

    /** Floats in a 64-byte cache line. */
    private static final int LINE_FLOATS = 16;

    static float dot(float[] w, int wo, float[] x, int xo, int cols) {
        int l = S.length();
        int main = cols - cols % l;
        FloatVector a = FloatVector.zero(S);
        for (int i = 0; i < main; i += l) {
            a = FloatVector.fromArray(S, w, wo + i).fma(FloatVector.fromArray(S, x, xo + i), a);
        }
        return a.reduceLanes(VectorOperators.ADD) + tail(w, wo, x, xo, main, cols);
    }

    /** The columns past the last whole vector, [from, cols). */
    private static float tail(float[] w, int wo, float[] x, int xo, int from, int cols) {
        float s = 0;
        for (int i = from; i < cols; i++) {
            s += w[wo + i] * x[xo + i];
        }
        return s;
    }
}
