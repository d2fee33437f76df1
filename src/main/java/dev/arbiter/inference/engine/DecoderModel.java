package dev.arbiter.inference.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The Qwen2 / Llama decoder on DJL NDArrays: RMSNorm, rotary embeddings, grouped-query attention
 * over a {@link KvCache}, and a SwiGLU MLP. Weights stay in Hugging Face's [out, in] layout and go
 * through libtorch's linear, which reads them transposed without a copy, or, on the CPU in float32
 * with the Vector API, through the Java path ({@link StepPath#JAVA}) over heap copies of them.
 */
public final class DecoderModel implements AutoCloseable {
    private final ModelConfig cfg;
    private final Device device;
    private final DataType type;
    private final NDManager weights;
    private final NDArray embed;
    private final NDArray finalNorm;
    private final NDArray lmHead;
    private final NDArray invFreq;
    private final NDArray rotateHalf;
    // index objects built once: DJL parses index strings on every call, which costs as much as the op
    private final NDIndex qkSlice;
    private final NDIndex qSlice;
    private final NDIndex kSlice;
    private final NDIndex vSlice;
    private final NDIndex gateSlice;
    private final NDIndex upSlice;
    private final NDArray eps;
    private final Layer[] layers;
    private final CpuGemv gemv;
    private final CpuGemv.Matrix lmHeadCpu;
    private final float[] finalNormCpu;
    private final float[] invFreqCpu;

    /**
     * One decoder layer with its projections fused to cut per-step op calls: q, k and v in one matrix
     * (q pre-scaled by 1/sqrt(head_dim)), gate and up in another.
     */
    private record Layer(NDArray inputNorm, NDArray qkv, NDArray qkvBias, NDArray o, NDArray oBias, NDArray postNorm,
                         NDArray gateUp, NDArray gateUpBias, NDArray down, NDArray downBias, CpuLayer cpu) {
        /** The same layer on the Java heap for {@link CpuGemv}; null when that path is off. */
        Layer withCpu(CpuGemv gemv) {
            CpuLayer c = gemv == null ? null : new CpuLayer(CpuGemv.view(qkv, qkvBias), CpuGemv.view(o, oBias),
                    CpuGemv.view(gateUp, gateUpBias), CpuGemv.view(down, downBias), inputNorm.toFloatArray(), postNorm.toFloatArray());
            return new Layer(inputNorm, qkv, qkvBias, o, oBias, postNorm, gateUp, gateUpBias, down, downBias, c);
        }
    }

    private record CpuLayer(CpuGemv.Matrix qkv, CpuGemv.Matrix o, CpuGemv.Matrix gateUp, CpuGemv.Matrix down, float[] inputNorm,
                            float[] postNorm) {}

    private DecoderModel(ModelConfig cfg, Checkpoint ckpt, Device device, DataType type, boolean javaPath) {
        this.cfg = cfg;
        this.device = device;
        this.type = type;
        this.weights = Torch.manager(device);
        int hq = cfg.heads();
        int hkv = cfg.kvHeads();
        int three = hq + 2 * hkv;
        qkSlice = new NDIndex().addAllDim().addAllDim().addSliceDim(0, hq + hkv);
        qSlice = new NDIndex().addAllDim().addAllDim().addSliceDim(0, hq);
        kSlice = new NDIndex().addAllDim().addAllDim().addSliceDim(hq, hq + hkv);
        vSlice = new NDIndex().addAllDim().addAllDim().addSliceDim(hq + hkv, three);
        gateSlice = new NDIndex().addAllDim().addAllDim().addSliceDim(0, cfg.intermediateSize());
        upSlice = new NDIndex().addAllDim().addAllDim().addSliceDim(cfg.intermediateSize(), 2L * cfg.intermediateSize());
        try {
            Loader ld = new Loader(ckpt, type, largest(cfg));
            embed = ld.load("model.embed_tokens.weight", cfg.vocabSize(), cfg.hiddenSize());
            finalNorm = ld.load("model.norm.weight", cfg.hiddenSize());
            lmHead = cfg.tiedEmbeddings() && !ckpt.has("lm_head.weight") ? embed : ld.load("lm_head.weight", cfg.vocabSize(), cfg.hiddenSize());
            layers = new Layer[cfg.layers()];
            int h = cfg.hiddenSize();
            int qDim = cfg.heads() * cfg.headDim();
            int kvDim = cfg.kvHeads() * cfg.headDim();
            int inter = cfg.intermediateSize();
            boolean ab = cfg.attentionBias();
            boolean mb = cfg.mlpBias();
            gemv = javaPath && !device.isGpu() && type == DataType.FLOAT32 ? CpuGemv.create(cfg.parameterCount() * 4) : null;
            float scale = (float) (1.0 / Math.sqrt(cfg.headDim()));
            for (int i = 0; i < layers.length; i++) {
                String p = "model.layers." + i + ".";
                NDArray qkv = fuse(ld.load(p + "self_attn.q_proj.weight", qDim, h).muli(scale),
                        ld.load(p + "self_attn.k_proj.weight", kvDim, h), ld.load(p + "self_attn.v_proj.weight", kvDim, h));
                NDArray qkvBias = ab ? fuse(ld.load(p + "self_attn.q_proj.bias", qDim).muli(scale),
                        ld.load(p + "self_attn.k_proj.bias", kvDim), ld.load(p + "self_attn.v_proj.bias", kvDim)) : null;
                NDArray gateUp = fuse(ld.load(p + "mlp.gate_proj.weight", inter, h), ld.load(p + "mlp.up_proj.weight", inter, h));
                NDArray gateUpBias = mb ? fuse(ld.load(p + "mlp.gate_proj.bias", inter), ld.load(p + "mlp.up_proj.bias", inter)) : null;
                layers[i] = new Layer(ld.load(p + "input_layernorm.weight", h), qkv, qkvBias,
                        ld.load(p + "self_attn.o_proj.weight", h, qDim), ld.optional(p + "self_attn.o_proj.bias", h),
                        ld.load(p + "post_attention_layernorm.weight", h), gateUp, gateUpBias,
                        ld.load(p + "mlp.down_proj.weight", h, inter), mb ? ld.load(p + "mlp.down_proj.bias", h) : null, null)
                        .withCpu(gemv);
            }
            float[] f = Rotary.inverseFrequencies(cfg);
            invFreq = Rotary.inverseFrequencies(weights, cfg);
            rotateHalf = Rotary.rotateHalf(weights, cfg.headDim()).toType(type, false);
            eps = weights.create((float) cfg.rmsNormEps());
            lmHeadCpu = gemv == null ? null : CpuGemv.view(lmHead, null);
            finalNormCpu = gemv == null ? null : finalNorm.toFloatArray();
            invFreqCpu = gemv == null ? null : f;
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** Loads a Hugging Face model folder's config and weights onto {@code device} as {@code precision}. */
    public static DecoderModel load(Path dir, Device device, Torch.Precision precision) {
        return load(dir, device, precision, true);
    }

    /** As {@link #load(Path, Device, Torch.Precision)}; {@code javaPath} false keeps every step on libtorch (tests compare the two). */
    static DecoderModel load(Path dir, Device device, Torch.Precision precision, boolean javaPath) {
        ModelConfig cfg = ModelConfig.read(dir);
        return new DecoderModel(cfg, Checkpoint.open(dir), device, precision.type(), javaPath);
    }

    public ModelConfig config() {
        return cfg;
    }

    public Device device() {
        return device;
    }

    public DataType type() {
        return type;
    }

    /** A manager for one forward step's intermediates; close it after reading the logits. */
    public NDManager newStep() {
        return weights.newSubManager();
    }

    /** A cache for {@link #forward}: on the Java heap when the Java path runs, else in libtorch arrays on the model's device. */
    public KvCache newCache(int rows, int capacity) {
        return javaPath() ? KvCache.onHeap(weights, cfg, rows, capacity) : new KvCache(weights, cfg, type, rows, capacity);
    }

    /** Where a step's work runs. */
    public enum StepPath {
        /** Residual stream in Java, every projection one Vector API pass over the weights for all token vectors; attention in libtorch. */
        JAVA("java"),
        /** libtorch ops throughout. */
        LIBTORCH("libtorch");

        private final String label;

        StepPath(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The path {@link #forward} takes for {@code rows} rows of {@code t} new tokens each: one model runs
     * every step on one path, since its caches live where that path reads them.
     */
    public StepPath stepPath(int rows, int t) {
        return javaPath() ? StepPath.JAVA : StepPath.LIBTORCH;
    }

    /** Whether any step can run the Java path: CPU, float32, the Vector API and a passive OpenMP ({@link CpuGemv#available}). */
    public boolean javaPath() {
        return lmHeadCpu != null;
    }

    /** Bytes of weights one decode step reads. */
    public long weightBytes() {
        return cfg.parameterCount() * type.getNumOfBytes();
    }

    /**
     * Runs {@code tokens} ([rows][t], every row the same length) through the model. Row r's first
     * {@code pads[r]} cache columns, and any of its new columns before that, are padding it never
     * attends to. Keys and values go into {@code cache} at its current length, which then advances by t.
     *
     * @return float32 logits, [rows, vocab] for each row's last position, or [rows, t, vocab] when {@code allPositions}
     */
    public NDArray forward(NDManager step, int[][] tokens, int[] pads, KvCache cache, boolean allPositions) {
        int b = tokens.length;
        int t = tokens[0].length;
        if (checked(tokens, pads, cache) == StepPath.JAVA) {
            float[] logits = forwardOnCpu(step, tokens, pads, cache, allPositions);
            return step.create(logits, allPositions ? new Shape(b, t, cfg.vocabSize()) : new Shape(b, cfg.vocabSize()));
        }
        return forwardOnTorch(step, tokens, pads, cache, allPositions);
    }

    /**
     * As {@link #forward}, with the logits as a float array, [rows * vocab] or [rows * t * vocab]: a
     * Java step's logits then never pass through libtorch, whose copy in and out of a batch's logits
     * costs a good part of a decode step.
     */
    public float[] logits(NDManager step, int[][] tokens, int[] pads, KvCache cache, boolean allPositions) {
        if (checked(tokens, pads, cache) == StepPath.JAVA) {
            return forwardOnCpu(step, tokens, pads, cache, allPositions);
        }
        return forwardOnTorch(step, tokens, pads, cache, allPositions).toFloatArray();
    }

    private StepPath checked(int[][] tokens, int[] pads, KvCache cache) {
        int b = tokens.length;
        int t = tokens[0].length;
        if (b != cache.rows() || pads.length != b) {
            throw new IllegalArgumentException("batch of " + b + " rows, cache of " + cache.rows() + ", pads of " + pads.length);
        }
        if (cache.onHeap() != (stepPath(b, t) == StepPath.JAVA)) {
            throw new IllegalArgumentException("a KV cache " + (cache.onHeap() ? "on the Java heap" : "in libtorch arrays")
                    + " given to a model whose steps run on " + stepPath(b, t).label() + "; make caches with this model's newCache");
        }
        return stepPath(b, t);
    }

    private NDArray forwardOnTorch(NDManager step, int[][] tokens, int[] pads, KvCache cache, boolean allPositions) {
        int b = tokens.length;
        int t = tokens[0].length;
        int start = cache.length();
        int total = start + t;
        cache.reserve(t);
        // one new column per row and no padding: every key is visible, so no mask is needed
        boolean needMask = t > 1 || java.util.Arrays.stream(pads).anyMatch(p -> p > 0);
        PaddedInputs in = PaddedInputs.of(tokens, pads, start, needMask);
        int heads = cfg.heads();
        int kvHeads = cfg.kvHeads();
        int g = cfg.groups();
        int d = cfg.headDim();
        NDArray idArr = step.create(in.ids());
        NDArray x = embed.get(step, new NDIndex("{}", idArr)).reshape(b, t, cfg.hiddenSize());
        NDArray maskArr = needMask ? step.create(in.mask(), new Shape(b, 1, 1, t, total)).toType(type, false) : null;
        // rotary tables for this step's positions, [b, t, 1, d]
        NDArray freqs = step.create(in.positions(), new Shape(b, t, 1)).mul(invFreq);
        NDArray angles = freqs.concat(freqs, -1).expandDims(2);
        NDArray cos = angles.cos().toType(type, false);
        NDArray sin = angles.sin().toType(type, false);
        for (int li = 0; li < layers.length; li++) {
            Layer l = layers[li];
            NDArray h = rmsNorm(x, l.inputNorm);
            NDArray qkv = linear(h, l.qkv, l.qkvBias).reshape(b, t, heads + 2L * kvHeads, d);
            NDArray qk = qkv.get(qkSlice);
            NDArray rotated = qk.mul(cos).add(qk.matMul(rotateHalf).mul(sin));
            NDArray q = rotated.get(qSlice);
            NDArray k = rotated.get(kSlice);
            NDArray v = qkv.get(vSlice);
            cache.write(li, k.transpose(0, 2, 1, 3), v.transpose(0, 2, 1, 3));
            NDArray keys = cache.keys(li, step, total);     // [b, kvh, total, d]
            NDArray vals = cache.values(li, step, total);
            // queries grouped by the kv head they share: [b, kvh, g*t, d]
            NDArray qg = t == 1 ? q.reshape(b, kvHeads, g, d)
                    : q.reshape(b, t, kvHeads, g, d).transpose(0, 2, 3, 1, 4).reshape(b, kvHeads, (long) g * t, d);
            NDArray scores = qg.matMul(keys.swapAxes(2, 3));
            if (needMask) {
                scores = scores.reshape(b, kvHeads, g, t, total).add(maskArr).reshape(b, kvHeads, (long) g * t, total);
            }
            NDArray ctx = softmax(scores).matMul(vals);
            ctx = t == 1 ? ctx.reshape(b, 1, (long) heads * d)
                    : ctx.reshape(b, kvHeads, g, t, d).transpose(0, 3, 1, 2, 4).reshape(b, t, (long) heads * d);
            x = x.add(linear(ctx, l.o, l.oBias));
            NDArray gu = linear(rmsNorm(x, l.postNorm), l.gateUp, l.gateUpBias);
            NDArray gate = gu.get(gateSlice);
            NDArray up = gu.get(upSlice);
            x = x.add(linear(Activation.sigmoid(gate).mul(gate).mul(up), l.down, l.downBias));
        }
        cache.advance(t);
        NDArray last = allPositions ? x : x.get(new NDIndex().addAllDim().addIndices(t - 1));
        NDArray logits = linear(rmsNorm(last, finalNorm), lmHead, null);
        return logits.toType(DataType.FLOAT32, false);
    }

    /**
     * A step in Java, for any rows and columns (decode and prefill, padded or not): norms, rotary
     * embeddings and the MLP run on float arrays; every projection, the lm head included, is one pass
     * over its weights with the Vector API kernel for all b·t token vectors at once; attention reads the
     * heap cache with the Vector API, each row's padding skipped as the libtorch path masks it. libtorch
     * only looks up the embeddings: its small ops cost more in thread hand-offs than their arithmetic.
     */
    private float[] forwardOnCpu(NDManager step, int[][] tokens, int[] pads, KvCache cache, boolean allPositions) {
        int b = tokens.length;
        int t = tokens[0].length;
        int n = b * t;
        int start = cache.length();
        int total = start + t;
        cache.reserve(t);
        PaddedInputs in = PaddedInputs.of(tokens, pads, start, false);
        int hidden = cfg.hiddenSize();
        int heads = cfg.heads();
        int kvHeads = cfg.kvHeads();
        int g = cfg.groups();
        int d = cfg.headDim();
        int half = d / 2;
        int inter = cfg.intermediateSize();
        int width = (heads + 2 * kvHeads) * d;
        float[] x;
        if (lmHead == embed) {
            // tied: the lm head's heap copy is the embedding table
            x = new float[n * hidden];
            for (int v = 0; v < n; v++) {
                long id = in.ids()[v];
                if (id < 0 || id >= cfg.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + cfg.vocabSize());
                }
                System.arraycopy(lmHeadCpu.data(), (int) id * hidden, x, v * hidden, hidden);
            }
        } else {
            x = embed.get(step, new NDIndex("{}", step.create(in.ids()))).toFloatArray();
        }
        // each token vector's rotation, as the libtorch path computes it: float position times float frequency
        float[] cos = new float[n * half];
        float[] sin = new float[n * half];
        for (int v = 0; v < n; v++) {
            for (int i = 0; i < half; i++) {
                float angle = in.positions()[v] * invFreqCpu[i];
                cos[v * half + i] = (float) Math.cos(angle);
                sin[v * half + i] = (float) Math.sin(angle);
            }
        }
        int cap = cache.capacity();
        int rotatedHeads = heads + kvHeads;
        for (int li = 0; li < layers.length; li++) {
            CpuLayer l = layers[li].cpu();
            float[] qkv = gemv.multiply(l.qkv(), rmsNorm(x, n, l.inputNorm()), n);
            for (int v = 0; v < n; v++) {
                int cs = v * half;
                for (int hd = 0; hd < rotatedHeads; hd++) {
                    int o = v * width + hd * d;
                    for (int i = 0; i < half; i++) {
                        float p = qkv[o + i];
                        float q = qkv[o + i + half];
                        qkv[o + i] = p * cos[cs + i] - q * sin[cs + i];
                        qkv[o + i + half] = q * cos[cs + i] + p * sin[cs + i];
                    }
                }
            }
            float[] keys = cache.heapKeys(li);
            float[] vals = cache.heapValues(li);
            for (int v = 0; v < n; v++) {
                int r = v / t;
                int col = start + v % t;
                for (int h = 0; h < kvHeads; h++) {
                    int slab = (r * kvHeads + h) * cap * d;
                    int k = v * width + (heads + h) * d;
                    // keys transposed: [d, capacity] per slab
                    for (int j = 0; j < d; j++) {
                        keys[slab + j * cap + col] = qkv[k + j];
                    }
                    System.arraycopy(qkv, v * width + (heads + kvHeads + h) * d, vals, slab + col * d, d);
                }
            }
            float[] ctx = new float[n * heads * d];
            float[] qkvF = qkv;
            // a few large parts: many small ones cost more in hand-offs than they save
            int jobs = b * kvHeads;
            int parts = Math.min(jobs, t == 1 ? 2 : 4 * gemv.threads());
            gemv.forEach(parts, p -> {
                float[] scores = new float[total * g];
                for (int job = p * jobs / parts; job < (p + 1) * jobs / parts; job++) {
                    VectorAttention.attend(qkvF, width, keys, vals, cap, job / kvHeads, job % kvHeads, t, start, pads[job / kvHeads], kvHeads, g, d,
                            ctx, scores);
                }
            }, () -> "attention over " + total + " columns");
            float[] attn = gemv.multiply(l.o(), ctx, n);
            for (int i = 0; i < x.length; i++) {
                x[i] += attn[i];
            }
            float[] gu = gemv.multiply(l.gateUp(), rmsNorm(x, n, l.postNorm()), n);
            float[] act = new float[n * inter];
            VectorMlp.swiglu(gu, inter, 0, n, act);
            float[] down = gemv.multiply(l.down(), act, n);
            for (int i = 0; i < x.length; i++) {
                x[i] += down[i];
            }
        }
        cache.advance(t);
        float[] last = x;
        int m = n;
        if (!allPositions && t > 1) {
            m = b;
            last = new float[b * hidden];
            for (int r = 0; r < b; r++) {
                System.arraycopy(x, (r * t + t - 1) * hidden, last, r * hidden, hidden);
            }
        }
        return gemv.multiply(lmHeadCpu, rmsNorm(last, m, finalNormCpu), m);
    }

    /** RMSNorm of each of the {@code n} vectors in {@code x} ([n, hidden]). */
    private float[] rmsNorm(float[] x, int n, float[] w) {
        int h = w.length;
        float[] y = new float[x.length];
        for (int v = 0; v < n; v++) {
            int o = v * h;
            double ss = 0;
            for (int i = 0; i < h; i++) {
                ss += (double) x[o + i] * x[o + i];
            }
            float r = (float) (1.0 / Math.sqrt(ss / h + cfg.rmsNormEps()));
            for (int i = 0; i < h; i++) {
                y[o + i] = x[o + i] * r * w[i];
            }
        }
        return y;
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        NDList out = Linear.linear(x, w, bias);
        return out.singletonOrThrow();
    }

    private NDArray rmsNorm(NDArray x, NDArray w) {
        NDArray xf = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray var = xf.square().mean(new int[] {-1}, true);
        NDArray normed = xf.div(var.add(eps).sqrt());
        return (type == DataType.FLOAT32 ? normed : normed.toType(type, false)).mul(w);
    }

    private NDArray softmax(NDArray scores) {
        if (type == DataType.FLOAT32) {
            return scores.softmax(-1);
        }
        return scores.toType(DataType.FLOAT32, false).softmax(-1).toType(type, false);
    }

    private NDArray fuse(NDArray... parts) {
        NDArray out = parts[0].concat(parts[1], 0);
        for (int i = 2; i < parts.length; i++) {
            NDArray next = out.concat(parts[i], 0);
            out.close();
            out = next;
        }
        for (NDArray p : parts) {
            p.close();
        }
        return out;
    }

    @Override
    public void close() {
        if (gemv != null) {
            gemv.close();
        }
        weights.close();
    }

    private static long largest(ModelConfig c) {
        long h = c.hiddenSize();
        return Math.max(Math.max((long) c.vocabSize() * h, (long) c.intermediateSize() * h),
                Math.max((long) c.heads() * c.headDim() * h, h));
    }

    /** Reads tensors through one reused staging buffer and copies each into memory libtorch owns. */
    private final class Loader {
        private final Checkpoint ckpt;
        private final Safetensors.DType target;
        private final ByteBuffer staging;

        Loader(Checkpoint ckpt, DataType type, long maxElements) {
            this.ckpt = ckpt;
            this.target = type == DataType.FLOAT16 ? Safetensors.DType.F16 : Safetensors.DType.F32;
            long bytes = maxElements * target.bytes;
            if (bytes > Integer.MAX_VALUE) {
                throw new ModelException("a single tensor over 2 GiB is not supported yet");
            }
            this.staging = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        }

        NDArray optional(String name, long... shape) {
            return ckpt.has(name) ? load(name, shape) : null;
        }

        NDArray load(String name, long... shape) {
            Safetensors.Entry e = ckpt.entry(name);
            if (!java.util.Arrays.equals(e.shape(), shape)) {
                throw new ModelException(name + " has shape " + java.util.Arrays.toString(e.shape()) + " but config.json implies "
                        + java.util.Arrays.toString(shape));
            }
            Safetensors.read(ckpt.header(name), e, target, staging);
            try (NDManager tmp = NDManager.newBaseManager(Device.cpu(), weights.getEngine().getEngineName())) {
                NDArray view = tmp.create(staging, new Shape(shape), type);
                NDArray owned = device.isGpu() ? view.toDevice(device, true) : view.duplicate();
                owned.attach(weights);
                return owned;
            }
        }
    }
}
