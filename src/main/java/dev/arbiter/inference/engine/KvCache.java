package dev.arbiter.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch of rows, as [rows, kv_heads, capacity, head_dim]. All rows
 * share one column count: shorter rows are left-padded, and the model masks each row's padding. So a
 * decode step writes one column for every row with one in-place copy per layer.
 *
 * <p>The cache lives either in libtorch arrays or, for {@link DecoderModel}'s Java path, in float
 * arrays on the Java heap ({@link #onHeap}), where that path's attention reads it without a libtorch
 * call; the array accessors ({@link #keys}, {@link #write}) are for the first kind only.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final boolean heap;
    private float[][] heapKeys;
    private float[][] heapValues;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final DataType type;
    private NDArray[] keys;
    private NDArray[] values;
    private int rows;
    private int length;
    private int capacity;

    public KvCache(NDManager parent, ModelConfig cfg, DataType type, int rows, int capacity) {
        this(parent, cfg, type, rows, capacity, false);
    }

    /** A float32 cache on the Java heap for {@link DecoderModel}'s Java path. */
    static KvCache onHeap(NDManager parent, ModelConfig cfg, int rows, int capacity) {
        return new KvCache(parent, cfg, DataType.FLOAT32, rows, capacity, true);
    }

    private KvCache(NDManager parent, ModelConfig cfg, DataType type, int rows, int capacity, boolean heap) {
        this.heap = heap;
        this.manager = parent.newSubManager();
        this.layers = cfg.layers();
        this.kvHeads = cfg.kvHeads();
        this.headDim = cfg.headDim();
        this.type = type;
        this.rows = rows;
        this.capacity = Math.max(1, capacity);
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        if (heap) {
            heapKeys = new float[layers][];
            heapValues = new float[layers][];
            for (int l = 0; l < layers; l++) {
                heapKeys[l] = new float[heapSize(rows, this.capacity)];
                heapValues[l] = new float[heapSize(rows, this.capacity)];
            }
            return;
        }
        for (int l = 0; l < layers; l++) {
            keys[l] = manager.zeros(shape(rows, this.capacity), type);
            values[l] = manager.zeros(shape(rows, this.capacity), type);
        }
    }

    private int heapSize(int r, int cap) {
        long n = (long) r * kvHeads * cap * headDim;
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelException("a KV cache of " + r + " rows x " + cap + " columns does not fit one Java array per layer");
        }
        return (int) n;
    }

    boolean onHeap() {
        return heap;
    }

    int capacity() {
        return capacity;
    }

    /**
     * One layer's keys on the heap, [rows, kv_heads, head_dim, capacity]: transposed, so that attention
     * scores many keys at once with one vector per dimension and no horizontal sums. The Java path
     * writes column {@link #length} on.
     */
    float[] heapKeys(int layer) {
        return heapKeys[layer];
    }

    /** One layer's values on the heap, [rows, kv_heads, capacity, head_dim]. */
    float[] heapValues(int layer) {
        return heapValues[layer];
    }

    private void requireTorch() {
        if (heap) {
            throw new IllegalStateException("this KV cache lives on the Java heap for the Java decode path; it has no libtorch arrays");
        }
    }

    private Shape shape(int r, int cap) {
        return new Shape(r, kvHeads, cap, headDim);
    }

    public int rows() {
        return rows;
    }

    public int length() {
        return length;
    }

    /** Grows the capacity (doubling) so that {@code extra} more columns fit. */
    public void reserve(int extra) {
        int need = length + extra;
        if (need <= capacity) {
            return;
        }
        int cap = Math.max(need, capacity * 2);
        reshape(null, 0, length, cap);
    }

    /** Keys (or values) of one layer for columns [0, upto), as a view owned by {@code step}. */
    public NDArray keys(int layer, NDManager step, int upto) {
        requireTorch();
        return keys[layer].get(step, columns(0, upto));
    }

    public NDArray values(int layer, NDManager step, int upto) {
        requireTorch();
        return values[layer].get(step, columns(0, upto));
    }

    // built through the API, not a string: DJL parses index strings on every call
    private static NDIndex columns(long from, long to) {
        return new NDIndex().addAllDim().addAllDim().addSliceDim(from, to);
    }

    /** Writes [rows, kv_heads, t, head_dim] at columns [length, length + t); {@link #advance} commits them. */
    public void write(int layer, NDArray k, NDArray v) {
        requireTorch();
        int t = (int) k.getShape().get(2);
        NDIndex at = columns(length, length + t);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    public void advance(int t) {
        length += t;
    }

    /**
     * Keeps only {@code keep} rows (in that order) and drops the first {@code dropColumns} columns,
     * which must be padding for every kept row.
     */
    public void select(int[] keep, int dropColumns) {
        reshape(keep, dropColumns, length, Math.max(1, Math.max(length - dropColumns, capacity - dropColumns)));
    }

    private void reshape(int[] keep, int from, int to, int cap) {
        int newRows = keep == null ? rows : keep.length;
        for (int l = 0; l < layers; l++) {
            if (heap) {
                heapKeys[l] = movedOnHeap(heapKeys[l], keep, from, to, newRows, cap, true);
                heapValues[l] = movedOnHeap(heapValues[l], keep, from, to, newRows, cap, false);
            } else {
                keys[l] = moved(keys[l], keep, from, to, newRows, cap);
                values[l] = moved(values[l], keep, from, to, newRows, cap);
            }
        }
        rows = newRows;
        length = to - from;
        capacity = cap;
    }

    private float[] movedOnHeap(float[] old, int[] keep, int from, int to, int newRows, int cap, boolean keys) {
        float[] fresh = new float[heapSize(newRows, cap)];
        for (int r = 0; r < newRows; r++) {
            int src = keep == null ? r : keep[r];
            for (int h = 0; h < kvHeads; h++) {
                copyColumns(old, src * kvHeads + h, capacity, from, fresh, r * kvHeads + h, cap, 0, to - from, keys);
            }
        }
        return fresh;
    }

    /**
     * Copies columns [srcCol, srcCol + n) of one (row, kv head) slab to another slab at dstCol. A slab of
     * values is [capacity, head_dim]; a slab of keys is [head_dim, capacity], so that attention reads
     * one dimension of many keys as one vector.
     */
    private void copyColumns(float[] src, int srcSlab, int srcCap, int srcCol, float[] dst, int dstSlab, int dstCap, int dstCol, int n,
                             boolean keys) {
        if (!keys) {
            System.arraycopy(src, (srcSlab * srcCap + srcCol) * headDim, dst, (dstSlab * dstCap + dstCol) * headDim, n * headDim);
            return;
        }
        for (int j = 0; j < headDim; j++) {
            System.arraycopy(src, (srcSlab * headDim + j) * srcCap + srcCol, dst, (dstSlab * headDim + j) * dstCap + dstCol, n);
        }
    }

    private NDArray moved(NDArray old, int[] keep, int from, int to, int newRows, int cap) {
        NDArray fresh = manager.zeros(shape(newRows, cap), type);
        if (to > from && newRows > 0) {
            try (NDManager tmp = manager.newSubManager()) {
                NDArray src = keep == null
                        ? old.get(tmp, columns(from, to))
                        : old.get(tmp, new NDIndex("{}, :, {}:{}", tmp.create(toLong(keep)), from, to));
                fresh.set(columns(0, to - from), src);
            }
        }
        old.close();
        return fresh;
    }

    /**
     * Appends {@code other}'s rows below this cache's, right-aligning both so that their last columns
     * meet. Returns how many padding columns were added on the left of this cache's rows and of
     * {@code other}'s rows. {@code other} is closed.
     */
    public int[] append(KvCache other, int extraCapacity) {
        int len = Math.max(length, other.length);
        int cap = len + Math.max(1, extraCapacity);
        int total = rows + other.rows;
        if (heap != other.heap) {
            throw new IllegalArgumentException("cannot append a " + (other.heap ? "heap" : "libtorch") + " KV cache to a "
                    + (heap ? "heap" : "libtorch") + " one");
        }
        for (int l = 0; l < layers && heap; l++) {
            float[] k = new float[heapSize(total, cap)];
            float[] v = new float[heapSize(total, cap)];
            placeOnHeap(k, cap, heapKeys[l], capacity, 0, rows, len - length, length, true);
            placeOnHeap(v, cap, heapValues[l], capacity, 0, rows, len - length, length, false);
            placeOnHeap(k, cap, other.heapKeys[l], other.capacity, rows, other.rows, len - other.length, other.length, true);
            placeOnHeap(v, cap, other.heapValues[l], other.capacity, rows, other.rows, len - other.length, other.length, false);
            heapKeys[l] = k;
            heapValues[l] = v;
        }
        for (int l = 0; l < layers && !heap; l++) {
            NDArray k = manager.zeros(shape(total, cap), type);
            NDArray v = manager.zeros(shape(total, cap), type);
            place(k, keys[l], 0, rows, len - length, length);
            place(v, values[l], 0, rows, len - length, length);
            place(k, other.keys[l], rows, total, len - other.length, other.length);
            place(v, other.values[l], rows, total, len - other.length, other.length);
            keys[l].close();
            values[l].close();
            keys[l] = k;
            values[l] = v;
        }
        int[] shifts = {len - length, len - other.length};
        rows = total;
        length = len;
        capacity = cap;
        other.close();
        return shifts;
    }

    /** Copies {@code n} columns of each of src's {@code count} rows to dst's rows from {@code rowFrom}, at column {@code colFrom}. */
    private void placeOnHeap(float[] dst, int dstCap, float[] src, int srcCap, int rowFrom, int count, int colFrom, int n, boolean keys) {
        for (int r = 0; r < count; r++) {
            for (int h = 0; h < kvHeads; h++) {
                copyColumns(src, r * kvHeads + h, srcCap, 0, dst, (rowFrom + r) * kvHeads + h, dstCap, colFrom, n, keys);
            }
        }
    }

    private void place(NDArray dst, NDArray src, int rowFrom, int rowTo, int colFrom, int n) {
        if (n == 0 || rowTo == rowFrom) {
            return;
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray part = src.get(tmp, columns(0, n));
            dst.set(new NDIndex("{}:{}, :, {}:{}", rowFrom, rowTo, colFrom, colFrom + n), part);
        }
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    @Override
    public void close() {
        heapKeys = null;
        heapValues = null;
        manager.close();
    }
}
