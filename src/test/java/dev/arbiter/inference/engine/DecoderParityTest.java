package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine's logits against two others on the same random weights: a full recompute of the whole
 * sequence, and a plain-Java double-precision forward pass written here from the architecture's
 * definition. Also left-padded batches against the same rows run alone.
 */
class DecoderParityTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void cachedDecodeMatchesFullRecomputeAndAReference(ModelConfig.Architecture arch) {
        // Llama untied without bias, Qwen2 tied with q/k/v bias; both with 2 query heads per kv head
        TinyModel.Spec spec = TinyModel.Spec.small(arch);
        ModelConfig cfg = TinyModel.write(dir, spec);
        int[] seq = randomTokens(cfg.vocabSize(), 13, 3);
        int v = cfg.vocabSize();
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32)) {
            float[] full;
            try (NDManager step = m.newStep(); KvCache c = m.newCache(1, 4)) {
                full = m.forward(step, new int[][] {seq}, new int[] {0}, c, true).toFloatArray();
            }
            assertThat(full).hasSize(seq.length * v);
            // prefill 5 tokens, then one at a time; the cache starts small so it must grow
            float[][] incremental = new float[seq.length][];
            try (KvCache c = m.newCache(1, 2)) {
                try (NDManager step = m.newStep()) {
                    float[] all = m.forward(step, new int[][] {java.util.Arrays.copyOf(seq, 5)}, new int[] {0}, c, true).toFloatArray();
                    for (int t = 0; t < 5; t++) {
                        incremental[t] = java.util.Arrays.copyOfRange(all, t * v, (t + 1) * v);
                    }
                }
                for (int t = 5; t < seq.length; t++) {
                    try (NDManager step = m.newStep()) {
                        incremental[t] = m.forward(step, new int[][] {{seq[t]}}, new int[] {0}, c, false).toFloatArray();
                    }
                }
                assertThat(c.length()).isEqualTo(seq.length);
            }
            double[][] ref = new Reference(cfg, dir).logits(seq);
            double maxCacheDiff = 0;
            double maxRefDiff = 0;
            double spread = 0;
            for (int t = 0; t < seq.length; t++) {
                for (int i = 0; i < v; i++) {
                    maxCacheDiff = Math.max(maxCacheDiff, Math.abs(incremental[t][i] - full[t * v + i]));
                    maxRefDiff = Math.max(maxRefDiff, Math.abs(full[t * v + i] - ref[t][i]));
                    spread = Math.max(spread, Math.abs(ref[t][i]));
                }
            }
            System.out.printf("parity %s: cached vs full %.2e, engine vs double reference %.2e (logits up to %.2f)%n", arch, maxCacheDiff,
                    maxRefDiff, spread);
            assertThat(spread).as("random weights give logits far from zero").isGreaterThan(0.5);
            assertThat(maxCacheDiff).isLessThanOrEqualTo(1e-4);
            assertThat(maxRefDiff).isLessThanOrEqualTo(1e-4);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void leftPaddedBatchMatchesEachRowAlone(ModelConfig.Architecture arch) {
        ModelConfig cfg = TinyModel.write(dir, TinyModel.Spec.small(arch));
        int v = cfg.vocabSize();
        int[] a = randomTokens(v, 9, 1);
        int[] b = randomTokens(v, 4, 2);
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32)) {
            float[][] alone = {decodeAlone(m, a, 3), decodeAlone(m, b, 3)};
            // b is left-padded by 5 columns; then three decode steps together
            float[] together;
            try (KvCache c = m.newCache(2, 8)) {
                int[][] prompt = {a, new int[9]};
                System.arraycopy(b, 0, prompt[1], 5, 4);
                int[] pads = {0, 5};
                try (NDManager step = m.newStep()) {
                    m.forward(step, prompt, pads, c, false);
                }
                int[][] next = {{11}, {12}};
                float[] last = null;
                for (int s = 0; s < 3; s++) {
                    try (NDManager step = m.newStep()) {
                        last = m.forward(step, next, pads, c, false).toFloatArray();
                    }
                    next = new int[][] {{13 + s}, {20 + s}};
                }
                together = last;
            }
            double diff = 0;
            for (int i = 0; i < v; i++) {
                diff = Math.max(diff, Math.abs(together[i] - alone[0][i]));
                diff = Math.max(diff, Math.abs(together[v + i] - alone[1][i]));
            }
            assertThat(diff).isLessThanOrEqualTo(1e-4);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void javaPathMatchesLibtorchAndTheReferenceOnPaddedBatches(ModelConfig.Architecture arch) {
        // Qwen2 with q/k/v bias, Llama without; both grouped-query (4 heads on 2 kv heads)
        ModelConfig cfg = TinyModel.write(dir, TinyModel.Spec.small(arch));
        assertThat(cfg.groups()).isGreaterThan(1);
        int v = cfg.vocabSize();
        // one long row, so that attention runs over more columns than its widest block of keys (and a ragged last block)
        int[][] rows = {randomTokens(v, 9, 4), randomTokens(v, 4, 5), randomTokens(v, 1, 6), randomTokens(v, 7, 7), randomTokens(v, 9, 8),
                randomTokens(v, 150, 9)};
        int steps = 4;
        int[][] fed = new int[rows.length][steps];
        for (int r = 0; r < rows.length; r++) {
            fed[r] = randomTokens(v, steps, 100 + r);
        }
        try (DecoderModel onJava = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32, true);
             DecoderModel torch = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32, false)) {
            assertThat(onJava.stepPath(rows.length, 1)).isEqualTo(DecoderModel.StepPath.JAVA);
            assertThat(onJava.stepPath(rows.length, 9)).isEqualTo(DecoderModel.StepPath.JAVA);
            assertThat(torch.stepPath(rows.length, 1)).isEqualTo(DecoderModel.StepPath.LIBTORCH);
            // every row's logits at every prefill position, then after each decode step
            float[][] j = paddedRun(onJava, rows, fed);
            float[][] t = paddedRun(torch, rows, fed);
            double diff = 0;
            for (int s = 0; s < j.length; s++) {
                assertThat(j[s]).hasSameSizeAs(t[s]);
                for (int i = 0; i < j[s].length; i++) {
                    diff = Math.max(diff, Math.abs(j[s][i] - t[s][i]));
                }
            }
            // each row alone, unpadded, through the double-precision reference: its last prefill position and every decode step
            Reference ref = new Reference(cfg, dir);
            int width = java.util.Arrays.stream(rows).mapToInt(r -> r.length).max().orElseThrow();
            double refDiff = 0;
            double spread = 0;
            for (int r = 0; r < rows.length; r++) {
                int[] whole = java.util.Arrays.copyOf(rows[r], rows[r].length + steps);
                System.arraycopy(fed[r], 0, whole, rows[r].length, steps);
                double[][] want = ref.logits(whole);
                for (int s = 0; s <= steps; s++) {
                    int off = s == 0 ? (r * width + width - 1) * v : r * v;
                    double[] w = want[rows[r].length - 1 + s];
                    for (int i = 0; i < v; i++) {
                        refDiff = Math.max(refDiff, Math.abs(j[s][off + i] - w[i]));
                        spread = Math.max(spread, Math.abs(w[i]));
                    }
                }
            }
            System.out.printf("padded batch %s: java vs libtorch %.2e, java vs double reference %.2e (logits up to %.2f)%n", arch, diff, refDiff, spread);
            assertThat(spread).isGreaterThan(0.5);
            assertThat(diff).isLessThanOrEqualTo(1e-4);
            assertThat(refDiff).isLessThanOrEqualTo(1e-4);
        }
    }

    /** Left-pads {@code rows}, prefills them with all positions' logits, then decodes {@code fed}'s columns; [prefill, step 1, ...]. */
    private static float[][] paddedRun(DecoderModel m, int[][] rows, int[][] fed) {
        int width = java.util.Arrays.stream(rows).mapToInt(r -> r.length).max().orElseThrow();
        int[][] prompt = new int[rows.length][width];
        int[] pads = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            pads[r] = width - rows[r].length;
            System.arraycopy(rows[r], 0, prompt[r], pads[r], rows[r].length);
        }
        int steps = fed[0].length;
        float[][] out = new float[steps + 1][];
        try (KvCache c = m.newCache(rows.length, 3)) {
            try (NDManager step = m.newStep()) {
                out[0] = m.forward(step, prompt, pads, c, true).toFloatArray();
            }
            for (int s = 0; s < steps; s++) {
                int[][] next = new int[rows.length][1];
                for (int r = 0; r < rows.length; r++) {
                    next[r][0] = fed[r][s];
                }
                try (NDManager step = m.newStep()) {
                    out[s + 1] = m.forward(step, next, pads, c, false).toFloatArray();
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void heapCacheRowsSurviveAppendAndSelect(ModelConfig.Architecture arch) {
        ModelConfig cfg = TinyModel.write(dir, TinyModel.Spec.small(arch));
        int v = cfg.vocabSize();
        int[] a = randomTokens(v, 8, 11);
        int[] b = randomTokens(v, 3, 12);
        try (DecoderModel onJava = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32, true);
             DecoderModel torch = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32, false)) {
            float[][] joined = joinThenKeepSecond(onJava, a, b);
            float[][] reference = joinThenKeepSecond(torch, a, b);
            // b alone on libtorch: its logits after the same tokens
            float[] bAlone;
            try (KvCache c = torch.newCache(1, 2)) {
                try (NDManager step = torch.newStep()) {
                    torch.forward(step, new int[][] {b}, new int[] {0}, c, false);
                }
                for (int tok : new int[] {21, 31}) {
                    try (NDManager step = torch.newStep()) {
                        torch.forward(step, new int[][] {{tok}}, new int[] {0}, c, false);
                    }
                }
                try (NDManager step = torch.newStep()) {
                    bAlone = torch.forward(step, new int[][] {{41}}, new int[] {0}, c, false).toFloatArray();
                }
            }
            for (int s = 0; s < joined.length; s++) {
                assertThat(maxDiff(joined[s], reference[s])).as("step " + s).isLessThanOrEqualTo(1e-4);
            }
            assertThat(maxDiff(joined[joined.length - 1], bAlone)).isLessThanOrEqualTo(1e-4);
            try (KvCache heap = onJava.newCache(1, 4); KvCache arrays = torch.newCache(1, 4); NDManager step = onJava.newStep()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> onJava.forward(step, new int[][] {{1}}, new int[] {0}, arrays, false))
                        .hasMessageContaining("make caches with this model's newCache");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> heap.append(torch.newCache(1, 4), 4))
                        .hasMessageContaining("cannot append");
            }
        }
    }

    /**
     * a and b prefilled apart, b's cache appended to a's (right-aligned, so b is padded), two steps
     * together, then only b kept with a's extra columns dropped, and one more step: the logits of each step.
     */
    private static float[][] joinThenKeepSecond(DecoderModel m, int[] a, int[] b) {
        try (KvCache ca = m.newCache(1, 2)) {
            KvCache cb = m.newCache(1, 2);
            try (NDManager step = m.newStep()) {
                m.forward(step, new int[][] {a}, new int[] {0}, ca, false);
                m.forward(step, new int[][] {b}, new int[] {0}, cb, false);
            }
            int[] shifts = ca.append(cb, 1);
            int[] pads = {shifts[0], shifts[1]};
            assertThat(pads).containsExactly(0, a.length - b.length);
            float[][] out = new float[3][];
            int[][][] feed = {{{20}, {21}}, {{30}, {31}}};
            for (int s = 0; s < 2; s++) {
                try (NDManager step = m.newStep()) {
                    out[s] = m.forward(step, feed[s], pads, ca, false).toFloatArray();
                }
            }
            ca.select(new int[] {1}, pads[1]);
            try (NDManager step = m.newStep()) {
                out[2] = m.forward(step, new int[][] {{41}}, new int[] {0}, ca, false).toFloatArray();
            }
            return out;
        }
    }

    private static double maxDiff(float[] x, float[] y) {
        assertThat(x).hasSameSizeAs(y);
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }

    /** Prefills {@code prompt}, then feeds the same tokens the batched run feeds that row. */
    private static float[] decodeAlone(DecoderModel m, int[] prompt, int steps) {
        int row = prompt.length == 9 ? 0 : 1;
        try (KvCache c = m.newCache(1, 4)) {
            try (NDManager step = m.newStep()) {
                m.forward(step, new int[][] {prompt}, new int[] {0}, c, false);
            }
            float[] last = null;
            for (int s = 0; s < steps; s++) {
                int tok = row == 0 ? (s == 0 ? 11 : 12 + s) : (s == 0 ? 12 : 19 + s);
                try (NDManager step = m.newStep()) {
                    last = m.forward(step, new int[][] {{tok}}, new int[] {0}, c, false).toFloatArray();
                }
            }
            return last;
        }
    }

    static int[] randomTokens(int vocab, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(vocab);
        }
        return out;
    }

    /** A straightforward forward pass in double precision, one position at a time, no batching, no cache object. */
    static final class Reference {
        final ModelConfig c;
        final Map<String, double[]> w = new HashMap<>();

        Reference(ModelConfig c, Path dir) {
            this.c = c;
            Checkpoint ck = Checkpoint.open(dir);
            for (String name : ck.names()) {
                Safetensors.Entry e = ck.entry(name);
                ByteBuffer buf = ByteBuffer.allocateDirect((int) e.elements() * 4).order(ByteOrder.nativeOrder());
                Safetensors.read(ck.header(name), e, Safetensors.DType.F32, buf);
                double[] d = new double[(int) e.elements()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = buf.getFloat();
                }
                w.put(name, d);
            }
        }

        double[][] logits(int[] ids) {
            int n = ids.length;
            int h = c.hiddenSize();
            int hd = c.headDim();
            double[][] x = new double[n][];
            for (int t = 0; t < n; t++) {
                x[t] = java.util.Arrays.copyOfRange(w.get("model.embed_tokens.weight"), ids[t] * h, (ids[t] + 1) * h);
            }
            for (int l = 0; l < c.layers(); l++) {
                String p = "model.layers." + l + ".";
                double[][] k = new double[n][];
                double[][] v = new double[n][];
                double[][] q = new double[n][];
                for (int t = 0; t < n; t++) {
                    double[] hn = norm(x[t], w.get(p + "input_layernorm.weight"));
                    q[t] = rope(lin(hn, p + "self_attn.q_proj"), t, c.heads());
                    k[t] = rope(lin(hn, p + "self_attn.k_proj"), t, c.kvHeads());
                    v[t] = lin(hn, p + "self_attn.v_proj");
                }
                for (int t = 0; t < n; t++) {
                    double[] ctx = new double[c.heads() * hd];
                    for (int head = 0; head < c.heads(); head++) {
                        int kvh = head / c.groups();
                        double[] s = new double[t + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j <= t; j++) {
                            double dot = 0;
                            for (int i = 0; i < hd; i++) {
                                dot += q[t][head * hd + i] * k[j][kvh * hd + i];
                            }
                            s[j] = dot / Math.sqrt(hd);
                            max = Math.max(max, s[j]);
                        }
                        double z = 0;
                        for (int j = 0; j <= t; j++) {
                            s[j] = Math.exp(s[j] - max);
                            z += s[j];
                        }
                        for (int j = 0; j <= t; j++) {
                            for (int i = 0; i < hd; i++) {
                                ctx[head * hd + i] += s[j] / z * v[j][kvh * hd + i];
                            }
                        }
                    }
                    double[] o = lin(ctx, p + "self_attn.o_proj");
                    for (int i = 0; i < h; i++) {
                        x[t][i] += o[i];
                    }
                    double[] m = norm(x[t], w.get(p + "post_attention_layernorm.weight"));
                    double[] g = lin(m, p + "mlp.gate_proj");
                    double[] u = lin(m, p + "mlp.up_proj");
                    for (int i = 0; i < g.length; i++) {
                        g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                    }
                    double[] d = lin(g, p + "mlp.down_proj");
                    for (int i = 0; i < h; i++) {
                        x[t][i] += d[i];
                    }
                }
            }
            String head = w.containsKey("lm_head.weight") ? "lm_head" : "model.embed_tokens";
            double[][] out = new double[n][];
            for (int t = 0; t < n; t++) {
                out[t] = lin(norm(x[t], w.get("model.norm.weight")), head);
            }
            return out;
        }

        double[] lin(double[] in, String name) {
            double[] wt = w.get(name + ".weight");
            double[] b = w.get(name + ".bias");
            int outDim = wt.length / in.length;
            double[] y = new double[outDim];
            for (int o = 0; o < outDim; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in.length; i++) {
                    s += wt[o * in.length + i] * in[i];
                }
                y[o] = s;
            }
            return y;
        }

        double[] norm(double[] in, double[] weight) {
            double ms = 0;
            for (double a : in) {
                ms += a * a;
            }
            ms /= in.length;
            double r = 1 / Math.sqrt(ms + c.rmsNormEps());
            double[] y = new double[in.length];
            for (int i = 0; i < in.length; i++) {
                y[i] = in[i] * r * weight[i];
            }
            return y;
        }

        /** Rotates each head's pairs (i, i + d/2) by position × θ^(−2i/d). */
        double[] rope(double[] vec, int pos, int heads) {
            int hd = c.headDim();
            int half = hd / 2;
            double[] y = vec.clone();
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < half; i++) {
                    double angle = pos * Math.pow(c.ropeTheta(), -2.0 * i / hd);
                    double a = vec[head * hd + i];
                    double b = vec[head * hd + i + half];
                    y[head * hd + i] = a * Math.cos(angle) - b * Math.sin(angle);
                    y[head * hd + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
                }
            }
            return y;
        }
    }
}
