package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Our native batch API, {@code POST /v1/score}:
 * <pre>
 * {"options": {...}, "items": [{"id": "a1", "kind": "math", "response": "...", "ground_truth": "204", "options": {...}},
 *                              {"id": "c1", "kind": "code", "response": "...", "tests": {"inputs": [...], "outputs": [...]}}]}
 * </pre>
 * answered with {@code {"results": [RewardResult, ...]}} in the items' order. Options are described
 * in {@link ItemDefaults}; an item's override the request's, which override the server's. An item
 * the sandbox could not grade comes back with {@code "verdict": "infrastructure_error"}, the sandbox's reason, and
 * {@code "reward": null} (no terms): it has no reward, which is not a reward of 0.
 */
final class ScoreWire {
    static final int MAX_ITEMS = 65_536;

    private ScoreWire() {}

    static List<RewardItem> parse(JsonNode body, ItemDefaults server, long nowNanos) {
        ItemDefaults batch = server.with(body.get("options"), "options");
        JsonNode items = body.get("items");
        if (items == null || !items.isArray()) {
            throw new BadRequest("'items' must be a list of items, each with kind, response and ground_truth or tests", "items");
        }
        if (items.isEmpty()) {
            throw new BadRequest("'items' is empty", "items");
        }
        if (items.size() > MAX_ITEMS) {
            throw new BadRequest(413, "at most " + MAX_ITEMS + " items per request, got " + items.size(), "items");
        }
        List<RewardItem> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(item(items.get(i), "items[" + i + "]", batch, nowNanos));
        }
        return out;
    }

    private static RewardItem item(JsonNode n, String at, ItemDefaults batch, long nowNanos) {
        if (!n.isObject()) {
            throw new BadRequest("'" + at + "' must be an object", at);
        }
        ItemDefaults d = batch.with(n.get("options"), at + ".options");
        String id = null;
        JsonNode idNode = n.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() && !idNode.isNumber()) {
                throw new BadRequest("'" + at + ".id' must be a string or a number", at + ".id");
            }
            id = idNode.asText();
        }
        JsonNode response = n.get("response");
        if (response == null || !response.isTextual()) {
            throw new BadRequest("'" + at + ".response' must be a string (the model's output)", at + ".response");
        }
        JsonNode kind = n.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw new BadRequest("'" + at + ".kind' must be \"math\" or \"code\"", at + ".kind");
        }
        RewardItem.Target target = switch (kind.asText().toLowerCase(Locale.ROOT)) {
            case "math" -> {
                JsonNode gt = n.get("ground_truth");
                if (gt == null || !(gt.isTextual() || gt.isNumber())) {
                    throw new BadRequest("'" + at + ".ground_truth' must be a string or a number for a math item", at + ".ground_truth");
                }
                yield new RewardItem.MathTarget(gt.asText());
            }
            case "code" -> {
                JsonNode tests = n.has("tests") ? n.get("tests") : n.get("ground_truth");
                if (tests == null || tests.isNull()) {
                    throw new BadRequest("'" + at + ".tests' is required for a code item", at + ".tests");
                }
                yield new RewardItem.CodeTarget(TestsJson.parse(tests, at + ".tests"), d.grader(), d.timeoutS());
            }
            default -> throw new BadRequest("'" + at + ".kind' must be \"math\" or \"code\", got \"" + kind.asText() + "\"", at + ".kind");
        };
        return new RewardItem(id, response.asText(), target, d.shaping(), nowNanos + d.deadline().toNanos());
    }

    static ObjectNode reply(List<RewardResult> results, long micros) {
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode a = o.putArray("results");
        results.forEach(r -> a.add(Json.mapper().valueToTree(r)));
        o.put("micros", micros);
        return o;
    }
}
