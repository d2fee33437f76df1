package dev.arbiter.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.concurrent.locks.LockSupport;

/**
 * The Java path's matrix products: a decode step on the CPU in float32 is a chain of products of each
 * weight matrix with the step's token vectors, and libtorch's (MKL's) reads weights at 15–22 GB/s on
 * our AMD machines where memory gives 40+. This kernel uses the Java Vector API on every core, reads
 * each weight row once per step for all vectors, and reads about twice as fast. Java 21's Vector API
 * reads only Java arrays (memory segments are a preview there), so the weights are copied to the heap:
 * used only when they fit in a quarter of it, the JVM has jdk.incubator.vector and the optimizing
 * compiler, OMP_WAIT_POLICY is PASSIVE (the launcher sees to all three for the engine's commands),
 * and ARBITER_VECTOR_GEMV is not 0; otherwise the engine stays on libtorch.
 */
final class CpuGemv implements AutoCloseable {
    /** A weight matrix [rows, cols], row-major, copied from libtorch. */
    record Matrix(float[] data, int rows, int cols, float[] bias) {}

    private final int threads;
    private final Worker[] workers;

    private CpuGemv(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            workers[i].start();
        }
    }

    /**
     * A helper thread that spins briefly between products before it parks: a decode step asks for
     * dozens of products a few hundred microseconds apart, and waking a parked thread each time
     * costs as much as the product.
     */
    private static final class Worker extends Thread {
        private static final long SPIN_NANOS = 2_000_000;
        private final java.util.concurrent.atomic.AtomicReference<Runnable> task = new java.util.concurrent.atomic.AtomicReference<>();
        private volatile boolean closed;

        Worker() {
            super("arbiter-gemv");
            setDaemon(true);
        }

        void submit(Runnable r) {
            task.set(r);
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (!closed) {
                long idleSince = System.nanoTime();
                Runnable r;
                while ((r = task.get()) == null && !closed) {
                    long idle = System.nanoTime() - idleSince;
                    if (idle < SPIN_NANOS) {
                        pause(idle);
                    } else {
                        LockSupport.park(this);
                    }
                }
                if (r != null) {
                    try {
                        r.run();
                    } finally {
                        // a newer product may have been handed over meanwhile; keep it
                        task.compareAndSet(r, null);
                    }
                }
            }
        }
    }

    /**
     * One turn of a wait: a busy spin at first, then a yield, so that on a machine shared with other
     * work a waiting thread hands its core to the one it waits for rather than spinning it away.
     */
    private static void pause(long waitedNanos) {
        if (waitedNanos < 20_000) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    static boolean available() {
        // without the optimizing compiler the Vector API is interpreted, far slower than libtorch
        boolean c1Only = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4"));
        // libtorch's OpenMP threads spin after each op unless told not to, and then starve our helper
        boolean ompPassive = "PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"));
        return !"0".equals(System.getenv("ARBITER_VECTOR_GEMV")) && !c1Only && ompPassive
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Null when the Vector API is not there or {@code weightBytes} would take over a quarter of the
     * heap; all weights under 2^31 floats also keeps every single matrix within one Java array.
     */
    static CpuGemv create(long weightBytes) {
        boolean fits = weightBytes <= Runtime.getRuntime().maxMemory() / 4 && weightBytes / 4 < Integer.MAX_VALUE;
        return fits && available() ? new CpuGemv(Math.max(1, Runtime.getRuntime().availableProcessors())) : null;
    }

    /** A heap copy of a float32 CPU weight (and its bias), or null if it is not one. */
    static Matrix view(NDArray w, NDArray bias) {
        if (w.getDataType() != DataType.FLOAT32 || w.getDevice().isGpu() || w.getShape().dimension() != 2) {
            return null;
        }
        long rows = w.getShape().get(0);
        long cols = w.getShape().get(1);
        return new Matrix(w.toFloatArray(), (int) rows, (int) cols, bias == null ? null : bias.toFloatArray());
    }

    /** The caller and its helpers. */
    int threads() {
        return threads;
    }

    /** y = m · x (+ bias). */
    float[] multiply(Matrix m, float[] x) {
        return multiply(m, x, 1);
    }

    /**
     * {@code n} products at once: y[v, :] = m · x[v, :] (+ bias) for x as [n, cols] row-major, y as
     * [n, rows]. Each weight row is read from memory once for all n vectors.
     */
    float[] multiply(Matrix m, float[] x, int n) {
        if (n < 1 || x.length < (long) n * m.cols()) {
            throw new IllegalArgumentException(n + " vectors of " + m.cols() + " need " + (long) n * m.cols() + " floats, got " + x.length);
        }
        float[] y = new float[n * m.rows()];
        int blockRows = blockRows(m, n == 1 ? BLOCK_BYTES : WARM_BLOCK_BYTES);
        int blocks = (m.rows() + blockRows - 1) / blockRows;
        forEach(blocks, i -> {
            int from = i * blockRows;
            int to = Math.min(m.rows(), from + blockRows);
            if (n == 1) {
                VectorGemv.rows(m.data(), m.cols(), x, y, from, to);
            } else {
                // several vectors: the multiply-adds are many, so the block is read in first, at full speed
                warmed = VectorGemv.warm(m.data(), m.cols(), from, to);
                VectorGemv.rowsBatched(m.data(), m.rows(), m.cols(), x, n, y, from, to);
            }
        }, () -> "matrix product of " + m.rows() + "x" + m.cols() + " by " + n + " vectors");
        if (m.bias() != null) {
            for (int v = 0; v < n; v++) {
                int o = v * m.rows();
                for (int i = 0; i < m.rows(); i++) {
                    y[o + i] += m.bias()[i];
                }
            }
        }
        return y;
    }

    /**
     * Rows per block of about {@code bytes} of weights: whole fours, so that every block runs the
     * four-row kernel, and as many blocks as a multiple of the threads, so that none waits at the end of
     * a small matrix for another's last block.
     */
    private int blockRows(Matrix m, int bytes) {
        long rowBytes = 4L * Math.max(1, m.cols());
        int blocks = (int) Math.max(1, Math.min(m.rows() / 4, (rowBytes * m.rows() + bytes - 1) / bytes));
        blocks = (blocks + threads - 1) / threads * threads;
        int rows = (m.rows() + blocks - 1) / blocks;
        return Math.max(4, (rows + 3) & ~3);
    }

    /** Weight bytes per block of a product: small enough to share out evenly, large enough that claiming costs nothing. */
    private static final int BLOCK_BYTES = 64 * 1024;
    /** Weight bytes per block of a product by several vectors, read in before it is used: well inside a core's L2. */
    private static final int WARM_BLOCK_BYTES = 256 * 1024;
    /** Where the reads of {@link VectorGemv#warm} go, so that the compiler keeps them. */
    @SuppressWarnings("unused")
    private volatile float warmed;

    /** Runs body(0) .. body(count - 1) on this thread and the helpers, in no set order; returns when all are done. */
    void forEach(int count, java.util.function.IntConsumer body, java.util.function.Supplier<String> what) {
        new Shared(count, body).run(what);
    }

    /**
     * Work cut into parts that the caller and the helpers claim one at a time. On a machine shared
     * with other work a helper may not be scheduled for milliseconds; the caller then takes its parts
     * instead of waiting for it, and a helper that wakes late finds nothing left.
     */
    private final class Shared implements Runnable {
        private final int count;
        private final java.util.function.IntConsumer body;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        private volatile RuntimeException failure;

        Shared(int count, java.util.function.IntConsumer body) {
            this.count = count;
            this.body = body;
        }

        void run(java.util.function.Supplier<String> what) {
            for (int p = 0; p < workers.length && p + 1 < count; p++) {
                workers[p].submit(this);
            }
            run();
            long since = System.nanoTime();
            while (done.get() < count) {
                pause(System.nanoTime() - since);
            }
            if (failure != null) {
                throw new IllegalStateException(what.get() + " failed: " + failure, failure);
            }
        }

        @Override
        public void run() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    body.accept(i);
                } catch (RuntimeException e) {
                    // counted as done all the same, so that the caller stops waiting and reports it
                    failure = e;
                }
                done.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.closed = true;
            LockSupport.unpark(w);
        }
    }
}
