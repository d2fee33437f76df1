package dev.arbiter.perf;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.arbiter.inference.engine.DecoderModel;
import dev.arbiter.inference.engine.KvCache;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.Sampler;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.inference.engine.Torch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The engine's logits on a device and precision against the CPU fp32 engine on the same random weights: a two-row
 * prefill compared at every position, then batched decode steps fed the reference's greedy tokens, so both sides
 * see the same inputs throughout. This is the check a GPU run starts with; on the CPU it exercises the same path.
 */
public final class DeviceParity {
    /** Prompt length per row and decode steps after it. */
    static final int PROMPT = 24;
    static final int DECODE = 8;

    /**
     * One architecture's comparison. {@code maxDiff}: the largest |logit - reference logit| over every position;
     * {@code scale}: the largest |reference logit|; {@code top1}: the share of positions whose argmax agrees.
     */
    public record Result(ModelConfig.Architecture arch, String device, Torch.Precision precision, int positions, double maxDiff, double scale,
                         double top1) {
        public double relative() {
            return maxDiff / scale;
        }

        public boolean passed() {
            return relative() <= limit(precision);
        }
    }

    /**
     * How far the logits may stray, as a share of the largest reference logit. fp16 keeps 11 significant bits and the
     * residual stream stays in fp16 through every layer, so its error is far above one rounding; a wrong kernel or
     * layout is off by a share near 1, well above either limit. fp32 on another device only sums in another order.
     */
    public static double limit(Torch.Precision p) {
        return switch (p) {
            case FP32 -> 1e-4;
            case FP16 -> 5e-2;
        };
    }

    /** The model shape compared: small, with grouped-query attention (4 query heads per kv head) and several layers. */
    static TinyModel.Spec spec(ModelConfig.Architecture arch) {
        TinyModel.Spec s = TinyModel.Spec.small(arch);
        return new TinyModel.Spec(arch, 128, 256, 4, 8, 2, 0, s.merges(), s.tied(), s.initStd(), 11, s.dtype(), s.maxPositions());
    }

    private DeviceParity() {}

    /** Writes a random model of each architecture into a temporary folder, compares, prints one line each; true when all pass. */
    public static boolean run(String device, Torch.Precision precision, PrintWriter out) {
        Device d = Torch.device(device);
        Torch.Precision p = Torch.precision(d, precision);
        Path tmp;
        try {
            tmp = Files.createTempDirectory("arbiter-parity");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary folder: " + e.getMessage(), e);
        }
        try {
            boolean all = true;
            for (ModelConfig.Architecture arch : ModelConfig.Architecture.values()) {
                Path dir = tmp.resolve(arch.modelType());
                TinyModel.write(dir, spec(arch));
                Result r = compare(dir, dir, d, p);
                out.printf("parity %s on %s %s: max |logit diff| %.2e, logits up to %.2f, relative %.2e (limit %.0e), top-1 agreement %.1f%% of %d positions: %s%n",
                        r.arch().modelType(), r.device(), r.precision(), r.maxDiff(), r.scale(), r.relative(), limit(p), 100 * r.top1(), r.positions(),
                        r.passed() ? "ok" : "FAILED");
                out.flush();
                all &= r.passed();
            }
            return all;
        } finally {
            delete(tmp);
        }
    }

    /**
     * {@code candidate} on {@code device} in {@code precision} against {@code reference} on the CPU in fp32: normally the
     * same folder; two folders only to show that a difference is caught.
     */
    static Result compare(Path reference, Path candidate, Device device, Torch.Precision precision) {
        List<float[]> ref;
        try (DecoderModel m = DecoderModel.load(reference, Device.cpu(), Torch.Precision.FP32)) {
            ref = logits(m, null);
        }
        List<float[]> got;
        String where;
        try (DecoderModel m = DecoderModel.load(candidate, device, precision)) {
            where = m.device().toString();
            got = logits(m, ref);
        }
        int vocab = ref.getFirst().length;
        double maxDiff = 0;
        double scale = 0;
        int agree = 0;
        for (int i = 0; i < ref.size(); i++) {
            float[] a = ref.get(i);
            float[] b = got.get(i);
            if (b.length != vocab) {
                throw new IllegalStateException("position " + i + " has " + b.length + " logits, the reference " + vocab);
            }
            for (int k = 0; k < vocab; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
                scale = Math.max(scale, Math.abs(a[k]));
            }
            if (Sampler.argmax(a, 0, vocab) == Sampler.argmax(b, 0, vocab)) {
                agree++;
            }
        }
        return new Result(ModelConfig.read(candidate).architecture(), where, precision, ref.size(), maxDiff, scale, (double) agree / ref.size());
    }

    /**
     * The logits of every prompt position of both rows, then of each decode step's two rows. The tokens fed at decode are
     * the argmax of {@code feed} (the reference's logits at the same place) when given, else of this model's own.
     */
    private static List<float[]> logits(DecoderModel m, List<float[]> feed) {
        int vocab = m.config().vocabSize();
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] prompt = new int[2][PROMPT];
        for (int[] row : prompt) {
            for (int i = 0; i < row.length; i++) {
                row[i] = rnd.nextInt(vocab);
            }
        }
        int[] pads = {0, 0};
        List<float[]> out = new ArrayList<>();
        try (KvCache c = m.newCache(2, PROMPT + DECODE)) {
            try (NDManager step = m.newStep()) {
                float[] all = m.logits(step, prompt, pads, c, true);
                for (int pos = 0; pos < 2 * PROMPT; pos++) {
                    out.add(java.util.Arrays.copyOfRange(all, pos * vocab, (pos + 1) * vocab));
                }
            }
            for (int s = 0; s < DECODE; s++) {
                int[][] next = new int[2][1];
                for (int r = 0; r < 2; r++) {
                    // the last position of row r: its prompt's end, or its previous decode step
                    int at = s == 0 ? r * PROMPT + PROMPT - 1 : out.size() - 2 + r;
                    float[] source = feed != null ? feed.get(at) : out.get(at);
                    next[r][0] = Sampler.argmax(source, 0, vocab);
                }
                try (NDManager step = m.newStep()) {
                    float[] both = m.logits(step, next, pads, c, false);
                    out.add(java.util.Arrays.copyOfRange(both, 0, vocab));
                    out.add(java.util.Arrays.copyOfRange(both, vocab, 2 * vocab));
                }
            }
        }
        return out;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no failure of the comparison
        }
    }
}
