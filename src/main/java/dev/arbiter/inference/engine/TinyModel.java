package dev.arbiter.inference.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight model folder in the real Hugging Face layout (config.json, tokenizer.json,
 * tokenizer_config.json with a ChatML-style template, generation_config.json, model.safetensors) so
 * that tests and benchmarks exercise the same loading code as real checkpoints.
 */
public final class TinyModel {
    public static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>");

    // Our own ChatML-style template; it exercises loops, conditionals and string concatenation.
    static final String CHAT_TEMPLATE = "{% for message in messages %}"
            + "{% if loop.first and message['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** A named shape: none (the sizes given), or m100, about 100M parameters. */
    public enum Preset { NONE, M100 }

    /** The shape and the random draw. {@code vocab} 0 means the tokenizer's own size. */
    public record Spec(ModelConfig.Architecture arch, int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab,
                       int merges, boolean tied, double initStd, long seed, Safetensors.DType dtype, int maxPositions) {
        public static Spec small(ModelConfig.Architecture arch) {
            return new Spec(arch, 64, 128, 2, 4, 2, 0, 200, arch == ModelConfig.Architecture.QWEN2, 0.2, 7, Safetensors.DType.F32, 4096);
        }

        /**
         * The spec `arbiter model tiny` asks for: the sizes given, or the m100 preset's (hidden 768, MLP 2048, 12 layers, 12 heads,
         * 4 kv heads, vocab 32000, tied). Without {@code untied}, qwen2 ties its embeddings and llama does not.
         *
         * @throws IllegalArgumentException for a dtype not known or sizes that cannot make a model
         */
        public static Spec of(Preset preset, ModelConfig.Architecture arch, int hidden, int intermediate, int layers, int heads, int kvHeads,
                              int vocab, int merges, Boolean untied, double initStd, long seed, String dtype, int maxPositions) {
            Safetensors.DType dt = Safetensors.DType.parse(dtype);
            boolean tied = untied == null ? arch == ModelConfig.Architecture.QWEN2 : !untied;
            Spec s = preset == Preset.M100
                    ? new Spec(arch, 768, 2048, 12, 12, 4, 32000, merges, true, initStd, seed, dt, maxPositions)
                    : new Spec(arch, hidden, intermediate, layers, heads, kvHeads, vocab, merges, tied, initStd, seed, dt, maxPositions);
            if (s.hidden() < 2 || s.layers() < 1 || s.heads() < 1 || s.kvHeads() < 1 || s.intermediate() < 1 || s.heads() % s.kvHeads() != 0
                    || vocab < 0 || merges < 0 || !(initStd > 0) || maxPositions < 16) {
                throw new IllegalArgumentException("sizes must be positive, --heads a multiple of --kv-heads, --init-std > 0 and --max-positions >= 16");
            }
            return s;
        }

        public Spec with(Safetensors.DType d) {
            return new Spec(arch, hidden, intermediate, layers, heads, kvHeads, vocab, merges, tied, initStd, seed, d, maxPositions);
        }
    }

    private TinyModel() {}

    /** Writes the folder and returns the config it holds. */
    public static ModelConfig write(Path dir, Spec s) {
        if (s.hidden() % s.heads() != 0) {
            throw new ModelException("hidden size " + s.hidden() + " is not a multiple of the head count " + s.heads());
        }
        ObjectNode tok = ByteLevelBpe.build(s.merges(), SPECIALS);
        int first = ByteLevelBpe.firstSpecialId(tok);
        int tokVocab = first + SPECIALS.size();
        int vocab = s.vocab() == 0 ? tokVocab : s.vocab();
        if (vocab < tokVocab) {
            throw new ModelException("--vocab " + vocab + " is smaller than the tokenizer's " + tokVocab + " tokens");
        }
        int endOfText = first;
        int imEnd = first + 2;
        boolean qwen = s.arch() == ModelConfig.Architecture.QWEN2;
        ModelConfig cfg = new ModelConfig(s.arch(), s.hidden(), s.intermediate(), s.layers(), s.heads(), s.kvHeads(), s.hidden() / s.heads(),
                vocab, 1e-6, qwen ? 1_000_000 : 500_000, null, s.tied(), qwen, false, s.maxPositions(), List.of(qwen ? endOfText : imEnd));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), Json.pretty(cfg.toJson()));
            Files.writeString(dir.resolve("tokenizer.json"), Json.pretty(tok));
            ObjectNode tc = Json.mapper().createObjectNode();
            tc.put("chat_template", CHAT_TEMPLATE).put("eos_token", "<|im_end|>").put("pad_token", "<|endoftext|>").putNull("bos_token");
            tc.put("model_max_length", s.maxPositions()).put("tokenizer_class", "Qwen2Tokenizer");
            Files.writeString(dir.resolve("tokenizer_config.json"), Json.pretty(tc));
            ObjectNode gen = Json.mapper().createObjectNode();
            gen.putArray("eos_token_id").add(imEnd).add(endOfText);
            Files.writeString(dir.resolve("generation_config.json"), Json.pretty(gen));
        } catch (IOException e) {
            throw new ModelException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        Safetensors.write(dir.resolve("model.safetensors"), weights(cfg, s), s.dtype());
        return cfg;
    }

    static Map<String, Safetensors.Tensor> weights(ModelConfig c, Spec s) {
        SplittableRandom rnd = new SplittableRandom(s.seed());
        Map<String, Safetensors.Tensor> w = new LinkedHashMap<>();
        int h = c.hiddenSize();
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediateSize();
        double std = s.initStd();
        w.put("model.embed_tokens.weight", gaussian(rnd, std, c.vocabSize(), h));
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", around(rnd, 1, 0.1, h));
            w.put(p + "self_attn.q_proj.weight", gaussian(rnd, std, q, h));
            w.put(p + "self_attn.k_proj.weight", gaussian(rnd, std, kv, h));
            w.put(p + "self_attn.v_proj.weight", gaussian(rnd, std, kv, h));
            if (c.attentionBias()) {
                w.put(p + "self_attn.q_proj.bias", gaussian(rnd, std, q));
                w.put(p + "self_attn.k_proj.bias", gaussian(rnd, std, kv));
                w.put(p + "self_attn.v_proj.bias", gaussian(rnd, std, kv));
            }
            w.put(p + "self_attn.o_proj.weight", gaussian(rnd, std, h, q));
            w.put(p + "post_attention_layernorm.weight", around(rnd, 1, 0.1, h));
            w.put(p + "mlp.gate_proj.weight", gaussian(rnd, std, inter, h));
            w.put(p + "mlp.up_proj.weight", gaussian(rnd, std, inter, h));
            w.put(p + "mlp.down_proj.weight", gaussian(rnd, std, h, inter));
        }
        w.put("model.norm.weight", around(rnd, 1, 0.1, h));
        if (!c.tiedEmbeddings()) {
            w.put("lm_head.weight", gaussian(rnd, std, c.vocabSize(), h));
        }
        return w;
    }

    private static Safetensors.Tensor gaussian(SplittableRandom r, double std, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (nextGaussian(r) * std);
        }
        return new Safetensors.Tensor(shape, v);
    }

    private static Safetensors.Tensor around(SplittableRandom r, double mean, double std, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + nextGaussian(r) * std);
        }
        return new Safetensors.Tensor(new long[] {n}, v);
    }

    private static double nextGaussian(SplittableRandom r) {
        return r.nextGaussian();
    }
}
