package dev.arbiter.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.arbiter.inference.engine.DecoderModel;
import dev.arbiter.inference.engine.KvCache;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.inference.engine.Torch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The in-process engine on a model folder: prefill and decode tokens/s at several batch sizes, which path
 * each ran ({@link DecoderModel#stepPath}), and decode at each batch as a share of its memory-bandwidth
 * roofline: b tokens per step that reads the weights and the rows' KV cache once, at the bandwidth
 * measured in the same run by streaming a large array through libtorch.
 */
public final class EngineThroughput {
    private final String model;
    private final String device;
    private final Torch.Precision precision;
    private final List<Integer> batches;
    private final int promptTokens;
    private final int decodeSteps;

    /** {@code model}: a folder or Hugging Face id; {@code precision} null: the device's default. */
    public EngineThroughput(String model, String device, Torch.Precision precision, List<Integer> batches, int promptTokens, int decodeSteps) {
        this.model = model;
        this.device = device;
        this.precision = precision;
        this.batches = List.copyOf(batches);
        this.promptTokens = promptTokens;
        this.decodeSteps = decodeSteps;
    }

    /** Loads the model, measures the bandwidth and every batch size, and prints the table. */
    public void run(PrintWriter out) {
        Path dir = ModelHub.fromEnvironment().resolve(model);
        var d = Torch.device(device);
        Torch.Precision p = Torch.precision(d, precision);
        long t0 = System.nanoTime();
        try (DecoderModel m = DecoderModel.load(dir, d, p)) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            var cfg = m.config();
            out.printf("model %s: %s, %,d parameters, %s on %s, %.1f MB of weights read per decode step (loaded in %.1f s)%n", dir,
                    cfg.architecture().modelType(), cfg.parameterCount(), p, d, m.weightBytes() / 1e6, loadS);
            // measured again after the decode runs and the higher figure kept: on a shared machine the
            // bandwidth drifts, and the roofline must not be understated
            double before = bandwidth(m);
            out.printf("memory bandwidth (libtorch sum over a %d MiB array, best of 7): %.2f GB/s%n", BANDWIDTH_BYTES >> 20, before / 1e9);
            out.flush();
            warmUp(m);
            List<double[]> rows = new ArrayList<>();
            for (int b : batches) {
                rows.add(run(m, b));
            }
            double after = bandwidth(m);
            double bandwidth = Math.max(before, after);
            out.printf("memory bandwidth again after the runs: %.2f GB/s; the roofline uses %.2f GB/s%n", after / 1e9, bandwidth / 1e9);
            double gemv = gemvBandwidth(m);
            out.printf("libtorch's own matrix-vector product (%d x %d, %s): %.2f GB/s; a decoder on it alone stays under %.1f tokens/s at batch 1%n",
                    cfg.vocabSize(), cfg.hiddenSize(), p, gemv / 1e9, gemv / m.weightBytes());
            out.printf("paths: java = the whole step in Java, every projection one Vector API pass over the weights for all rows, attention over a heap KV cache;"
                    + " libtorch = libtorch ops throughout%s%n", m.javaPath() ? ""
                    : " (java needs CPU fp32, jdk.incubator.vector and OMP_WAIT_POLICY=PASSIVE; the launcher sets them)");
            out.printf("roofline: one read of the weights and of the rows' mean KV cache per decode step, at %.2f GB/s%n", bandwidth / 1e9);
            out.printf("%-6s %-17s %12s %12s %15s %14s %10s%n", "batch", "path pre/decode", "prefill t/s", "decode t/s", "median ms/step",
                    "roofline t/s", "% roofline");
            for (int i = 0; i < batches.size(); i++) {
                int b = batches.get(i);
                double[] r = rows.get(i);
                long cacheBytes = 2L * cfg.layers() * cfg.kvHeads() * cfg.headDim() * (promptTokens + decodeSteps / 2) * b * m.type().getNumOfBytes();
                double roofTok = bandwidth / (m.weightBytes() + cacheBytes) * b;
                String path = m.stepPath(b, promptTokens).label() + "/" + m.stepPath(b, 1).label();
                out.printf("%-6d %-17s %12.1f %12.1f %15.2f %14.1f %9.1f%%%n", b, path, r[0], r[1], 1000.0 * b / r[1], roofTok, 100 * r[1] / roofTok);
                out.flush();
            }
            if (rows.size() > 1) {
                out.printf("decode throughput at batch %d is %.1fx batch %d%n", batches.getLast(), rows.getLast()[1] / rows.getFirst()[1], batches.getFirst());
            }
        }
        out.flush();
    }

    static final long BANDWIDTH_BYTES = 1L << 30;

    /** Bytes per second that libtorch reads when it sums a 1 GiB array, best of 7. */
    static double bandwidth(DecoderModel m) {
        try (NDManager mgr = Torch.manager(m.device())) {
            NDArray a = mgr.ones(new Shape(BANDWIDTH_BYTES / 4), DataType.FLOAT32);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 7; i++) {
                long t = System.nanoTime();
                try (NDArray s = a.sum()) {
                    s.getFloat(); // waits for the device
                }
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
            return BANDWIDTH_BYTES / best;
        }
    }

    /** Bytes per second libtorch reads in one vocabulary-sized matrix-vector product, best of 7: the kernel every decode step leans on. */
    static double gemvBandwidth(DecoderModel m) {
        var cfg = m.config();
        try (NDManager mgr = Torch.manager(m.device())) {
            NDArray w = mgr.randomNormal(new Shape(cfg.vocabSize(), cfg.hiddenSize())).toType(m.type(), false);
            NDArray x = mgr.randomNormal(new Shape(1, cfg.hiddenSize())).toType(m.type(), false);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 8; i++) {
                long t = System.nanoTime();
                try (NDArray y = ai.djl.nn.core.Linear.linear(x, w, null).singletonOrThrow()) {
                    y.toType(DataType.FLOAT32, false).toFloatArray();
                }
                if (i > 0) {
                    best = Math.min(best, (System.nanoTime() - t) / 1e9);
                }
            }
            return (double) cfg.vocabSize() * cfg.hiddenSize() * m.type().getNumOfBytes() / best;
        }
    }

    private void warmUp(DecoderModel m) {
        // long enough for the JIT to compile the CPU kernels (one vector, four at a time, and the odd ones), as in any
        // server's first seconds; prompts longer than attention's widest block of keys, so that its main loop is compiled too
        for (int b : new int[] {1, 5}) {
            try (KvCache c = m.newCache(b, WARM_PROMPT + 32)) {
                int[][] next = new int[b][1];
                try (NDManager step = m.newStep()) {
                    m.logits(step, new int[b][WARM_PROMPT], new int[b], c, false);
                }
                for (int i = 0; i < 24 / b; i++) {
                    try (NDManager step = m.newStep()) {
                        m.logits(step, next, new int[b], c, false);
                    }
                }
            }
        }
    }

    private static final int WARM_PROMPT = 96;

    /** {prefill tokens/s, decode tokens/s} for {@code b} rows of random prompts. */
    private double[] run(DecoderModel m, int b) {
        SplittableRandom rnd = new SplittableRandom(b);
        int vocab = m.config().vocabSize();
        int[][] prompt = new int[b][promptTokens];
        for (int[] row : prompt) {
            for (int i = 0; i < row.length; i++) {
                row[i] = rnd.nextInt(vocab);
            }
        }
        int[] pads = new int[b];
        try (KvCache c = m.newCache(b, promptTokens + decodeSteps + 1)) {
            long t = System.nanoTime();
            try (NDManager step = m.newStep()) {
                m.logits(step, prompt, pads, c, false);
            }
            double prefill = (System.nanoTime() - t) / 1e9;
            int[][] next = new int[b][1];
            double[] stepS = new double[decodeSteps];
            for (int s = 0; s < decodeSteps; s++) {
                long ts = System.nanoTime();
                try (NDManager step = m.newStep()) {
                    float[] logits = m.logits(step, next, pads, c, false);
                    for (int r = 0; r < b; r++) {
                        next[r][0] = dev.arbiter.inference.engine.Sampler.argmax(logits, r * vocab, vocab);
                    }
                }
                stepS[s] = (System.nanoTime() - ts) / 1e9;
            }
            // the median step: one descheduled step on a shared machine should not move the figure
            java.util.Arrays.sort(stepS);
            double decode = stepS[decodeSteps / 2] * decodeSteps;
            return new double[] {(double) b * promptTokens / prefill, (double) b * decodeSteps / decode};
        }
    }
}
