package dev.arbiter.inference.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's /tokenize and /detokenize. Tokenize takes a {@code prompt} string ({@code add_special_tokens}, default
 * true) or chat {@code messages} (through the chat template; {@code add_generation_prompt} default true,
 * {@code add_special_tokens} default false), and answers {@code count}, {@code max_model_len}, {@code tokens} and,
 * with {@code return_token_strs}, {@code token_strs} (each token as the vocabulary spells it). Detokenize turns
 * {@code tokens} back into {@code prompt}, special tokens included. The ids are the ones a completion with the
 * same input would be prefilled with.
 */
final class TokenizeRoutes {
    private final LocalEngine engine;

    TokenizeRoutes(LocalEngine engine) {
        this.engine = engine;
    }

    ObjectNode tokenize(JsonNode b) {
        checkModel(b);
        boolean chat = b.has("messages");
        if (chat == b.has("prompt")) {
            throw ApiError.badRequest(chat ? "give 'prompt' or 'messages', not both" : "give a 'prompt' string or chat 'messages'", chat ? "prompt" : null);
        }
        LocalEngine.Prompt prompt;
        if (chat) {
            if (flag(b, "continue_final_message", false)) {
                throw ApiError.badRequest("continue_final_message is not supported here", "continue_final_message");
            }
            prompt = new LocalEngine.Prompt.Chat(messages(b.path("messages")));
        } else {
            if (!b.path("prompt").isTextual()) {
                throw ApiError.badRequest("'prompt' must be a string, got " + kind(b.path("prompt")), "prompt");
            }
            prompt = new LocalEngine.Prompt.Raw(b.path("prompt").asText());
        }
        boolean special = flag(b, "add_special_tokens", !chat);
        boolean generation = flag(b, "add_generation_prompt", true);
        boolean strs = flag(b, "return_token_strs", false);
        ModelTokenizer.Tokens t = engine.tokenize(prompt, special, generation);
        ObjectNode o = Json.mapper().createObjectNode().put("count", t.ids().length).put("max_model_len", engine.maxModelLen());
        ArrayNode ids = o.putArray("tokens");
        for (int id : t.ids()) {
            ids.add(id);
        }
        if (strs) {
            t.strings().forEach(o.putArray("token_strs")::add);
        } else {
            o.putNull("token_strs");
        }
        return o;
    }

    ObjectNode detokenize(JsonNode b) {
        checkModel(b);
        JsonNode tokens = b.path("tokens");
        if (!tokens.isArray()) {
            throw ApiError.badRequest("'tokens' must be a list of token ids, got " + kind(tokens), "tokens");
        }
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = tokens.get(i);
            if (!t.isIntegralNumber() || !t.canConvertToInt()) {
                throw ApiError.badRequest("'tokens' must hold integer token ids; item " + i + " is " + t, "tokens");
            }
            ids[i] = t.asInt();
        }
        return Json.mapper().createObjectNode().put("prompt", engine.detokenize(ids));
    }

    /** vLLM's `model` is optional here; one that is given must be the one served. */
    private void checkModel(JsonNode b) {
        JsonNode m = b.path("model");
        if (m.isMissingNode() || m.isNull()) {
            return;
        }
        if (!m.isTextual()) {
            throw ApiError.badRequest("'model' must be a string, got " + kind(m), "model");
        }
        if (!m.asText().equals(engine.name())) {
            throw ApiError.noSuchModel(m.asText(), engine.name());
        }
    }

    private static boolean flag(JsonNode b, String key, boolean dflt) {
        JsonNode v = b.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiError.badRequest("'" + key + "' must be true or false, got " + v, key);
        }
        return v.asBoolean();
    }

    /** Chat messages: each a role and its content, a string or a list of text parts. */
    static List<ModelTokenizer.Message> messages(JsonNode msgs) {
        if (!msgs.isArray() || msgs.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty list", "messages");
        }
        List<ModelTokenizer.Message> out = new ArrayList<>();
        for (JsonNode m : msgs) {
            if (!m.path("role").isTextual()) {
                throw ApiError.badRequest("every message needs a 'role' string", "messages");
            }
            JsonNode c = m.path("content");
            String text;
            if (c.isTextual()) {
                text = c.asText();
            } else if (c.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : c) {
                    if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                        throw ApiError.badRequest("only text content parts ({\"type\": \"text\", \"text\": ...}) are supported", "messages");
                    }
                    sb.append(part.path("text").asText());
                }
                text = sb.toString();
            } else if (c.isNull() || c.isMissingNode()) {
                text = "";
            } else {
                throw ApiError.badRequest("message content must be a string or a list of text parts, got " + kind(c), "messages");
            }
            out.add(new ModelTokenizer.Message(m.path("role").asText(), text));
        }
        return out;
    }

    private static String kind(JsonNode n) {
        return n.isMissingNode() ? "nothing" : n.getNodeType().name().toLowerCase();
    }
}
