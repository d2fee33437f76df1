package dev.arbiter.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.json.Json;

/**
 * The JSON lines curation writes. ShareGPT and Alpaca are the layouts LLaMA-Factory (and FastChat, for
 * ShareGPT) read; "id" and "source" ride along as metadata that trainers ignore unless mapped. A
 * "system" field appears only when a system prompt was given.
 */
public final class SftRecords {
    private SftRecords() {}

    /** {"id", "source", "system"?, "conversations": [{"from": "human", ...}, {"from": "gpt", ...}]} */
    public static ObjectNode shareGpt(Candidate c, String system) {
        ObjectNode n = Json.mapper().createObjectNode().put("id", c.id()).put("source", c.source());
        if (system != null) {
            n.put("system", system);
        }
        var conv = n.putArray("conversations");
        conv.addObject().put("from", "human").put("value", c.prompt());
        conv.addObject().put("from", "gpt").put("value", c.response());
        return n;
    }

    /** A prompt and the response that demonstrates it, read back from an SFT line. */
    public record Demonstration(String prompt, String response) {}

    /**
     * The first user turn and the assistant turn after it, from a ShareGPT line (either role naming),
     * an Alpaca line (instruction and input joined by a blank line), or a plain {"prompt", "response"}
     * line; null when the line holds no such pair.
     */
    public static Demonstration demonstration(JsonNode n) {
        String prompt = null;
        String response = null;
        if (n.path("conversations").isArray()) {
            for (JsonNode turn : n.get("conversations")) {
                String from = turn.path("from").asText();
                if (prompt == null && (from.equals("human") || from.equals("user"))) {
                    prompt = turn.path("value").asText();
                } else if (prompt != null && response == null && (from.equals("gpt") || from.equals("assistant"))) {
                    response = turn.path("value").asText();
                }
            }
        } else if (n.has("instruction")) {
            String input = n.path("input").asText("");
            prompt = n.path("instruction").asText() + (input.isEmpty() ? "" : "\n\n" + input);
            response = n.path("output").asText(null);
        } else {
            prompt = n.path("prompt").asText(null);
            response = n.path("response").asText(null);
        }
        return prompt == null || response == null ? null : new Demonstration(prompt, response);
    }

    /** {"instruction", "input": "", "output", "system"?, "id", "source"} */
    public static ObjectNode alpaca(Candidate c, String system) {
        ObjectNode n = Json.mapper().createObjectNode().put("instruction", c.prompt()).put("input", "").put("output", c.response());
        if (system != null) {
            n.put("system", system);
        }
        return n.put("id", c.id()).put("source", c.source());
    }

    /**
     * {"id", "source", "outcome", "reason", "extracted"?, "answer"?, "prompt"?, "response"?}: enough to build
     * the "wrong answers" set or to look at why a sample was dropped. Code tests are not repeated here.
     */
    public static ObjectNode rejected(Judged j) {
        Candidate c = j.candidate();
        ObjectNode n = Json.mapper().createObjectNode().put("id", c.id()).put("source", c.source()).put("outcome", j.outcome().label())
                .put("reason", j.reason());
        if (j.extracted() != null) {
            n.put("extracted", j.extracted());
        }
        if (c.gold() instanceof MathAnswer a) {
            n.put("answer", a.answer());
        }
        if (c.prompt() != null) {
            n.put("prompt", c.prompt());
        }
        if (c.response() != null) {
            n.put("response", c.response());
        }
        return n;
    }
}
