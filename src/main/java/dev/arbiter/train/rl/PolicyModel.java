package dev.arbiter.train.rl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.arbiter.inference.engine.Checkpoint;
import dev.arbiter.inference.engine.KvCache;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.ModelException;
import dev.arbiter.inference.engine.PaddedInputs;
import dev.arbiter.inference.engine.Rotary;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.Torch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Qwen2 / Llama decoder whose weights are trainable fp32 tensors under their Hugging Face names.
 * Unlike the inference engine's DecoderModel, nothing is fused or pre-scaled, so each weight's
 * gradient is the gradient of the tensor a checkpoint stores. The same forward serves training
 * (whole sequences, autograd on) and sampling (a KV cache, autograd off).
 */
public final class PolicyModel implements AutoCloseable {
    /** Files of a model folder that a saved checkpoint carries over unchanged. */
    private static final List<String> SIDE_FILES = List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
            "special_tokens_map.json", "vocab.json", "merges.txt");

    private final ModelConfig cfg;
    // read at load: a checkpoint this model came from may be pruned before the next save
    private final Map<String, byte[]> sideFiles;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final NDArray invFreq;
    private final NDArray rotateHalf;

    private PolicyModel(ModelConfig cfg, Map<String, byte[]> sideFiles, NDManager manager, Map<String, NDArray> params) {
        this.cfg = cfg;
        this.sideFiles = sideFiles;
        this.manager = manager;
        this.params = params;
        invFreq = Rotary.inverseFrequencies(manager, cfg);
        rotateHalf = Rotary.rotateHalf(manager, cfg.headDim());
    }

    /** Loads a model folder's weights as fp32 on {@code device}; {@code trainable} turns gradients on. */
    public static PolicyModel load(Path dir, Device device, boolean trainable) {
        ModelConfig cfg = ModelConfig.read(dir);
        Checkpoint ckpt = Checkpoint.open(dir);
        NDManager m = Torch.manager(device);
        try {
            Map<String, NDArray> p = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : expectedShapes(cfg, ckpt).entrySet()) {
                Safetensors.Entry entry = ckpt.entry(e.getKey());
                if (!java.util.Arrays.equals(entry.shape(), e.getValue())) {
                    throw new ModelException(e.getKey() + " has shape " + java.util.Arrays.toString(entry.shape()) + " but config.json implies "
                            + java.util.Arrays.toString(e.getValue()));
                }
                ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(entry.elements() * 4)).order(ByteOrder.nativeOrder());
                Safetensors.read(ckpt.header(e.getKey()), entry, Safetensors.DType.F32, buf);
                p.put(e.getKey(), owned(m, buf, new Shape(e.getValue()), device));
            }
            Map<String, byte[]> side = new LinkedHashMap<>();
            for (String f : SIDE_FILES) {
                Path src = dir.resolve(f);
                if (Files.isRegularFile(src)) {
                    side.put(f, Files.readAllBytes(src));
                }
            }
            PolicyModel model = new PolicyModel(cfg, side, m, p);
            p.values().forEach(a -> a.setRequiresGradient(trainable));
            return model;
        } catch (IOException e) {
            m.close();
            throw new ModelException("cannot read " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static NDArray owned(NDManager m, ByteBuffer buf, Shape shape, Device device) {
        try (NDManager tmp = NDManager.newBaseManager(Device.cpu(), m.getEngine().getEngineName())) {
            NDArray view = tmp.create(buf, shape, DataType.FLOAT32);
            NDArray owned = device.isGpu() ? view.toDevice(device, true) : view.duplicate();
            owned.attach(m);
            return owned;
        }
    }

    /** Every tensor the architecture needs, in checkpoint order, with its shape. */
    static Map<String, long[]> expectedShapes(ModelConfig c, Checkpoint ckpt) {
        Map<String, long[]> s = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long inter = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            s.put(p + "input_layernorm.weight", new long[] {h});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (c.attentionBias()) {
                s.put(p + "self_attn.q_proj.bias", new long[] {q});
                s.put(p + "self_attn.k_proj.bias", new long[] {kv});
                s.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            s.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (ckpt != null && ckpt.has(p + "self_attn.o_proj.bias")) {
                s.put(p + "self_attn.o_proj.bias", new long[] {h});
            }
            s.put(p + "post_attention_layernorm.weight", new long[] {h});
            s.put(p + "mlp.gate_proj.weight", new long[] {inter, h});
            s.put(p + "mlp.up_proj.weight", new long[] {inter, h});
            s.put(p + "mlp.down_proj.weight", new long[] {h, inter});
            if (c.mlpBias()) {
                s.put(p + "mlp.gate_proj.bias", new long[] {inter});
                s.put(p + "mlp.up_proj.bias", new long[] {inter});
                s.put(p + "mlp.down_proj.bias", new long[] {h});
            }
        }
        s.put("model.norm.weight", new long[] {h});
        if (!c.tiedEmbeddings() || (ckpt != null && ckpt.has("lm_head.weight"))) {
            s.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return s;
    }

    public ModelConfig config() {
        return cfg;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The weights by name, in checkpoint order; the same tensors the forward reads. */
    public Map<String, NDArray> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    public NDManager newStep() {
        return manager.newSubManager();
    }

    public KvCache newCache(int rows, int capacity) {
        return new KvCache(manager, cfg, DataType.FLOAT32, rows, capacity);
    }

    /**
     * Logits for every position of {@code tokens} ([rows][t], equal lengths). Row r's first
     * {@code pads[r]} columns (counting the cache's columns first) are left padding that nothing
     * attends to. With a cache, keys and values are appended to it (sampling); without one, the
     * sequence attends only to itself (training).
     *
     * @return float32 [rows, t, vocab]
     */
    public NDArray forward(NDManager step, int[][] tokens, int[] pads, KvCache cache) {
        int b = tokens.length;
        int t = tokens[0].length;
        int start = cache == null ? 0 : cache.length();
        int total = start + t;
        if (cache != null) {
            if (cache.rows() != b) {
                throw new IllegalArgumentException("batch of " + b + " rows, cache of " + cache.rows());
            }
            cache.reserve(t);
        }
        PaddedInputs in = PaddedInputs.of(tokens, pads, start, true);
        int heads = cfg.heads();
        int kvHeads = cfg.kvHeads();
        int g = cfg.groups();
        int d = cfg.headDim();
        int h = cfg.hiddenSize();
        NDArray x = params.get("model.embed_tokens.weight").get(step, new NDIndex("{}", step.create(in.ids()))).reshape(b, t, h);
        NDArray maskArr = step.create(in.mask(), new Shape(b, 1, 1, t, total));
        NDArray freqs = step.create(in.positions(), new Shape(b, t, 1)).mul(invFreq);
        NDArray angles = freqs.concat(freqs, -1).expandDims(2);
        NDArray cos = angles.cos();
        NDArray sin = angles.sin();
        double scale = 1.0 / Math.sqrt(d);
        for (int li = 0; li < cfg.layers(); li++) {
            String p = "model.layers." + li + ".";
            NDArray hn = rmsNorm(x, params.get(p + "input_layernorm.weight"));
            NDArray q = rotate(linear(hn, p + "self_attn.q_proj").reshape(b, t, heads, d), cos, sin);
            NDArray k = rotate(linear(hn, p + "self_attn.k_proj").reshape(b, t, kvHeads, d), cos, sin);
            NDArray v = linear(hn, p + "self_attn.v_proj").reshape(b, t, kvHeads, d);
            NDArray keys;
            NDArray vals;
            if (cache == null) {
                keys = k.transpose(0, 2, 1, 3);
                vals = v.transpose(0, 2, 1, 3);
            } else {
                cache.write(li, k.transpose(0, 2, 1, 3), v.transpose(0, 2, 1, 3));
                keys = cache.keys(li, step, total);
                vals = cache.values(li, step, total);
            }
            NDArray qg = q.reshape(b, t, kvHeads, g, d).transpose(0, 2, 3, 1, 4).reshape(b, kvHeads, (long) g * t, d);
            NDArray scores = qg.matMul(keys.swapAxes(2, 3)).mul(scale)
                    .reshape(b, kvHeads, g, t, total).add(maskArr).reshape(b, kvHeads, (long) g * t, total);
            NDArray ctx = scores.softmax(-1).matMul(vals)
                    .reshape(b, kvHeads, g, t, d).transpose(0, 3, 1, 2, 4).reshape(b, t, (long) heads * d);
            x = x.add(linear(ctx, p + "self_attn.o_proj"));
            NDArray hn2 = rmsNorm(x, params.get(p + "post_attention_layernorm.weight"));
            NDArray gate = linear(hn2, p + "mlp.gate_proj");
            NDArray up = linear(hn2, p + "mlp.up_proj");
            x = x.add(linear(Activation.sigmoid(gate).mul(gate).mul(up), p + "mlp.down_proj"));
        }
        if (cache != null) {
            cache.advance(t);
        }
        NDArray head = params.getOrDefault("lm_head.weight", params.get("model.embed_tokens.weight"));
        return Linear.linear(rmsNorm(x, params.get("model.norm.weight")), head, null).singletonOrThrow();
    }

    private NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }

    private NDArray linear(NDArray x, String prefix) {
        NDList out = Linear.linear(x, params.get(prefix + ".weight"), params.get(prefix + ".bias"));
        return out.singletonOrThrow();
    }

    private NDArray rmsNorm(NDArray x, NDArray w) {
        NDArray var = x.square().mean(new int[] {-1}, true);
        return x.div(var.add(cfg.rmsNormEps()).sqrt()).mul(w);
    }

    /** The weights as host arrays, for checkpoints and for copying into another model. */
    public Map<String, Safetensors.Tensor> snapshot() {
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        params.forEach((n, a) -> out.put(n, new Safetensors.Tensor(a.getShape().getShape(), a.toFloatArray())));
        return out;
    }

    /** Overwrites every weight in place from {@code tensors} (names and shapes must match). */
    public void restore(Map<String, Safetensors.Tensor> tensors) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            Safetensors.Tensor t = tensors.get(e.getKey());
            if (t == null || !java.util.Arrays.equals(t.shape(), e.getValue().getShape().getShape())) {
                throw new ModelException("the saved state has no tensor " + e.getKey() + " of shape " + e.getValue().getShape());
            }
            try (NDManager tmp = manager.newSubManager()) {
                e.getValue().set(tmp.create(t.values(), e.getValue().getShape()).toByteBuffer());
            }
        }
    }

    /**
     * Writes a model folder that the inference engine loads ({@code arbiter serve}, {@code arbiter eval}):
     * config, tokenizer and generation files as the loaded folder had them, weights as {@code dtype}.
     */
    public void save(Path dir, Safetensors.DType dtype) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> f : sideFiles.entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
        } catch (IOException e) {
            throw new ModelException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        Safetensors.write(dir.resolve("model.safetensors"), snapshot(), dtype);
    }

    @Override
    public void close() {
        manager.close();
    }
}
