package dev.arbiter.inference.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder's shape, read from a Hugging Face config.json. Only what the forward pass uses is kept,
 * and a config this engine would run wrongly (sliding windows, unknown RoPE scaling) is refused.
 */
public record ModelConfig(Architecture architecture, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                          int headDim, int vocabSize, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          boolean tiedEmbeddings, boolean attentionBias, boolean mlpBias, int maxPositions, List<Integer> eosTokenIds) {

    public enum Architecture {
        QWEN2("qwen2", "Qwen2ForCausalLM"), LLAMA("llama", "LlamaForCausalLM");

        final String modelType;
        final String hfClass;

        Architecture(String modelType, String hfClass) {
            this.modelType = modelType;
            this.hfClass = hfClass;
        }

        public String modelType() {
            return modelType;
        }

        static Architecture of(String modelType) {
            for (Architecture a : values()) {
                if (a.modelType.equals(modelType)) {
                    return a;
                }
            }
            throw new ModelException("model_type '" + modelType + "' is not supported; this engine runs qwen2 and llama");
        }
    }

    /** Llama 3's frequency-dependent RoPE scaling; {@code null} in a config means none. */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (hiddenSize < 1 || intermediateSize < 1 || layers < 1 || heads < 1 || kvHeads < 1 || vocabSize < 1 || headDim < 2) {
            throw new ModelException("config sizes must be positive (hidden_size, intermediate_size, num_hidden_layers, heads, vocab_size)");
        }
        if (heads % kvHeads != 0) {
            throw new ModelException("num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new ModelException("head_dim must be even for rotary embeddings, got " + headDim);
        }
    }

    public int groups() {
        return heads / kvHeads;
    }

    /** Parameters the forward pass reads per decode step (all of them, the embedding row aside when tied). */
    public long parameterCount() {
        long attn = (long) hiddenSize * heads * headDim * 2 + (long) hiddenSize * kvHeads * headDim * 2;
        long mlp = 3L * hiddenSize * intermediateSize;
        long perLayer = attn + mlp + 2L * hiddenSize + (attentionBias ? (long) (heads + 2 * kvHeads) * headDim : 0);
        long embed = (long) vocabSize * hiddenSize;
        return layers * perLayer + hiddenSize + embed * (tiedEmbeddings ? 1 : 2);
    }

    /** What `arbiter model info` says of a model folder: its architecture and size, its weights, and its tokenizer files. */
    public static List<String> describe(Path dir) throws IOException {
        ModelConfig c = read(dir);
        Checkpoint ck = Checkpoint.open(dir);
        Path tokenizerConfig = dir.resolve("tokenizer_config.json");
        return List.of(String.format("%s: %s, %,d parameters (%d tensors), hidden %d, MLP %d, %d layers, %d heads / %d kv heads of %d, vocab %d, "
                        + "rope theta %.0f%s, %s embeddings, context %d", dir, c.architecture().modelType(), c.parameterCount(), ck.names().size(),
                c.hiddenSize(), c.intermediateSize(), c.layers(), c.heads(), c.kvHeads(), c.headDim(), c.vocabSize(), c.ropeTheta(),
                c.ropeScaling() == null ? "" : " (llama3 scaling)", c.tiedEmbeddings() ? "tied" : "untied", c.maxPositions()),
                String.format("tokenizer.json %s, chat template %s", Files.isRegularFile(dir.resolve("tokenizer.json")) ? "present" : "MISSING",
                        Files.exists(tokenizerConfig) && Files.readString(tokenizerConfig).contains("chat_template") ? "present" : "absent"));
    }

    public static ModelConfig read(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        JsonNode n;
        try {
            n = Json.mapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelException(modelDir + " has no config.json; a model folder in Hugging Face format is expected");
        } catch (IOException e) {
            throw new ModelException(file + ": not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return parse(n, file.toString());
    }

    static ModelConfig parse(JsonNode n, String where) {
        String type = n.path("model_type").asText("");
        Architecture arch = Architecture.of(type);
        int hidden = need(n, "hidden_size", where);
        int heads = need(n, "num_attention_heads", where);
        if (n.path("use_sliding_window").asBoolean(false)) {
            throw new ModelException(where + ": use_sliding_window is true; sliding-window attention is not implemented");
        }
        RopeScaling scaling = null;
        JsonNode rs = n.path("rope_scaling");
        if (rs.isObject()) {
            String kind = rs.path("rope_type").asText(rs.path("type").asText(""));
            if (!kind.equals("llama3")) {
                throw new ModelException(where + ": rope_scaling type '" + kind + "' is not supported (only llama3)");
            }
            scaling = new RopeScaling(rs.path("factor").asDouble(8), rs.path("low_freq_factor").asDouble(1),
                    rs.path("high_freq_factor").asDouble(4), rs.path("original_max_position_embeddings").asInt(8192));
        }
        List<Integer> eos = new ArrayList<>();
        JsonNode e = n.path("eos_token_id");
        if (e.isArray()) {
            e.forEach(x -> eos.add(x.asInt()));
        } else if (e.isInt()) {
            eos.add(e.asInt());
        }
        boolean qwen = arch == Architecture.QWEN2;
        return new ModelConfig(arch, hidden, need(n, "intermediate_size", where), need(n, "num_hidden_layers", where), heads,
                n.path("num_key_value_heads").asInt(heads), n.path("head_dim").asInt(hidden / heads), need(n, "vocab_size", where),
                n.path("rms_norm_eps").asDouble(1e-6), n.path("rope_theta").asDouble(10000), scaling,
                n.path("tie_word_embeddings").asBoolean(false), qwen || n.path("attention_bias").asBoolean(false),
                !qwen && n.path("mlp_bias").asBoolean(false), n.path("max_position_embeddings").asInt(32768), eos);
    }

    private static int need(JsonNode n, String key, String where) {
        if (!n.path(key).canConvertToInt()) {
            throw new ModelException(where + ": '" + key + "' is missing or not an integer");
        }
        return n.path(key).asInt();
    }

    /** The config.json a Hugging Face loader would accept for this shape. */
    public ObjectNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.putArray("architectures").add(architecture.hfClass);
        o.put("model_type", architecture.modelType).put("hidden_size", hiddenSize).put("intermediate_size", intermediateSize)
                .put("num_hidden_layers", layers).put("num_attention_heads", heads).put("num_key_value_heads", kvHeads)
                .put("head_dim", headDim).put("vocab_size", vocabSize).put("rms_norm_eps", rmsNormEps).put("rope_theta", ropeTheta)
                .put("tie_word_embeddings", tiedEmbeddings).put("max_position_embeddings", maxPositions)
                .put("hidden_act", "silu").put("torch_dtype", "bfloat16");
        if (architecture == Architecture.LLAMA) {
            o.put("attention_bias", attentionBias).put("mlp_bias", mlpBias);
        } else {
            o.put("use_sliding_window", false);
        }
        if (ropeScaling != null) {
            o.putObject("rope_scaling").put("rope_type", "llama3").put("factor", ropeScaling.factor())
                    .put("low_freq_factor", ropeScaling.lowFreqFactor()).put("high_freq_factor", ropeScaling.highFreqFactor())
                    .put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
        }
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.getFirst());
        } else {
            eosTokenIds.forEach(o.putArray("eos_token_id")::add);
        }
        return o;
    }

    /** Rotary inverse frequencies, one per pair of head dimensions, with Llama 3 scaling applied when configured. */
    public double[] inverseFrequencies() {
        int half = headDim / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(ropeTheta, (2.0 * i) / headDim);
        }
        if (ropeScaling != null) {
            RopeScaling s = ropeScaling;
            double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
            double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
            for (int i = 0; i < half; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > lowWavelen) {
                    inv[i] = inv[i] / s.factor();
                } else if (wavelen >= highWavelen) {
                    double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                    inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
                }
            }
        }
        return inv;
    }
}
