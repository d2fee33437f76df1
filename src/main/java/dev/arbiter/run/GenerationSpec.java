package dev.arbiter.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything that changes what a model writes for a problem, apart from the sample index. Its
 * {@link #hash()} keys stored completions, so a completion is only ever reused for the same model,
 * prompt and sampling; n is not part of it, so raising n reuses every sample already bought.
 *
 * @param model the name requests carry (a served model's name, or an in-process folder's name and weights digest)
 * @param seed the run's base seed; sample i is requested with seed + i
 * @param modelIdentity what the name alone does not tell apart, or null: for a served model, the
 *     fingerprint its name was first seen with, or the user's --model-revision
 */
public record GenerationSpec(String model, String promptTemplate, boolean chat, double temperature, double topP,
                             int maxTokens, long seed, List<String> stop, String modelIdentity) {
    public GenerationSpec {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model is required");
        }
        if (promptTemplate == null) {
            throw new IllegalArgumentException("a prompt template is required");
        }
        if (temperature < 0 || Double.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
        stop = List.copyOf(stop);
        if (modelIdentity != null && modelIdentity.isBlank()) {
            modelIdentity = null;
        }
    }

    public GenerationSpec(String model, String promptTemplate, boolean chat, double temperature, double topP, int maxTokens, long seed,
                          List<String> stop) {
        this(model, promptTemplate, chat, temperature, topP, maxTokens, seed, stop, null);
    }

    /** This spec for the model known by {@code identity} too. */
    public GenerationSpec withIdentity(String identity) {
        return new GenerationSpec(model, promptTemplate, chat, temperature, topP, maxTokens, seed, stop, identity);
    }

    /** This spec asking for at most {@code maxTokens} tokens. */
    public GenerationSpec withMaxTokens(int maxTokens) {
        return new GenerationSpec(model, promptTemplate, chat, temperature, topP, maxTokens, seed, stop, modelIdentity);
    }

    /** The canonical JSON form: fixed field order, so equal specs give equal text; a spec without an identity has none in it. */
    public String canonicalJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("model", model).put("prompt_template", promptTemplate).put("chat", chat)
                .put("temperature", temperature).put("top_p", topP).put("max_tokens", maxTokens).put("seed", seed);
        ArrayNode stops = n.putArray("stop");
        stop.forEach(stops::add);
        if (modelIdentity != null) {
            n.put("model_identity", modelIdentity);
        }
        return Json.line(n);
    }

    /** SHA-256 of the canonical JSON, in hex. */
    public String hash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The seed sent with sample {@code index}. */
    public long seedOf(int index) {
        return seed + index;
    }
}
