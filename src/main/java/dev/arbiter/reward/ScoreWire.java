package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Our native batch API, {@code POST /v1/score}:
 * <pre>
 * {"options": {...}, "items": [{"id": "a1", "kind": "math", "response": "...", "ground_truth": "204", "options": {...}},
 *                              {"id": "c1", "kind": "code", "response": "...", "tests": {"inputs": [...], "outputs": [...]},
 *                               "language": "cpp"}]}
 * </pre>
 * answered with {@code {"results": [RewardResult, ...]}} in the items' order. Options are described
 * in {@link ItemDefaults}; an item's override the request's, which override the server's. A math
 * item may carry its {@code problem} text (shown to the LLM judge of a server started with --judge). A math
 * {@code ground_truth} may be a list of acceptable answers (as datasets store them): the response is
 * correct when it equals any, and its result is that answer's, else the first answer's. The response
 * is the model's output alone, as verl's {@code solution_str} and TRL's completions are, so nothing
 * needs to be split from a prompt. With a judge, a math result also carries {@code grader} ("rule", or "rule+judge" when
 * the judge was asked) and {@code judge} (its identity, outcome, verdict line and reason). A code item's {@code language} (optional) is the language its
 * program is graded in; without it the grader's rule decides (CodeGrader). An item the sandbox
 * could not grade comes back with {@code "verdict": "infrastructure_error"}, the sandbox's reason,
 * and {@code "reward": null} (no terms): it has no reward, which is not a reward of 0.
 */
final class ScoreWire {
    static final int MAX_ITEMS = 65_536;

    private ScoreWire() {}

    /**
     * The items to score, one per acceptable answer of a math item; {@code owner[k]} is the index in
     * the request of item {@code k}, and {@code size} the request's number of items.
     */
    record Batch(List<RewardItem> items, int[] owner, int size) {
        /** How an error message names item {@code k}. */
        String where(int k) {
            return "items[" + owner[k] + "]";
        }

        /**
         * One result per request item: the first alternative judged correct; else the first that
         * has no verdict (an answer not checked might have matched); else the first.
         */
        List<RewardResult> fold(List<RewardResult> results) {
            int[] chosen = chosen(results);
            List<RewardResult> out = new ArrayList<>(size);
            for (int c : chosen) {
                out.add(results.get(c));
            }
            return out;
        }

        /** The index among {@link #items} of each request item's folded result (see {@link #fold}). */
        int[] chosen(List<RewardResult> results) {
            int[] best = new int[size];
            java.util.Arrays.fill(best, -1);
            for (int k = 0; k < results.size(); k++) {
                int b = best[owner[k]];
                if (b < 0 || rank(results.get(k)) < rank(results.get(b))) {
                    best[owner[k]] = k;
                }
            }
            return best;
        }

        /** The reference an LLM judge is shown for item {@code k}: every acceptable answer of its request item. */
        String reference(int k) {
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                if (owner[i] == owner[k] && items.get(i).target() instanceof RewardItem.MathTarget m) {
                    answers.add(m.groundTruth());
                }
            }
            return answers.size() == 1 ? answers.getFirst() : "any one of: " + String.join(" ; ", answers);
        }

        private static int rank(RewardResult r) {
            return r.acc() ? 0 : !r.scored() ? 1 : 2;
        }
    }

    static Batch parse(JsonNode body, ItemDefaults server, long nowNanos) {
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
        List<Integer> owner = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            for (RewardItem item : item(items.get(i), "items[" + i + "]", batch, nowNanos)) {
                out.add(item);
                owner.add(i);
            }
        }
        if (out.size() > MAX_ITEMS) {
            throw new BadRequest(413, "at most " + MAX_ITEMS + " items and answers per request, got " + out.size(), "items");
        }
        return new Batch(out, owner.stream().mapToInt(Integer::intValue).toArray(), items.size());
    }

    /** The item at {@code at}: one per acceptable answer of a math item, else one. */
    private static List<RewardItem> item(JsonNode n, String at, ItemDefaults batch, long nowNanos) {
        if (!n.isObject()) {
            throw new BadRequest("'" + at + "' must be an object", at);
        }
        ItemDefaults d = batch.with(n.get("options"), at + ".options");
        JsonNode idNode = n.get("id");
        if (idNode != null && !idNode.isNull() && !idNode.isTextual() && !idNode.isNumber()) {
            throw new BadRequest("'" + at + ".id' must be a string or a number", at + ".id");
        }
        String id = idNode == null || idNode.isNull() ? null : idNode.asText();
        JsonNode response = n.get("response");
        if (response == null || !response.isTextual()) {
            throw new BadRequest("'" + at + ".response' must be a string (the model's output)", at + ".response");
        }
        JsonNode kind = n.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw new BadRequest("'" + at + ".kind' must be \"math\" or \"code\"", at + ".kind");
        }
        List<RewardItem.Target> targets = switch (kind.asText().toLowerCase(Locale.ROOT)) {
            case "math" -> answers(n.get("ground_truth"), at + ".ground_truth", problem(n, at));
            case "code" -> {
                JsonNode tests = n.has("tests") ? n.get("tests") : n.get("ground_truth");
                if (tests == null || tests.isNull()) {
                    throw new BadRequest("'" + at + ".tests' is required for a code item", at + ".tests");
                }
                yield List.of(new RewardItem.CodeTarget(TestsJson.parse(tests, at + ".tests"), d.grader(), d.timeoutS(), language(n, at)));
            }
            default -> throw new BadRequest("'" + at + ".kind' must be \"math\" or \"code\", got \"" + kind.asText() + "\"", at + ".kind");
        };
        long deadline = nowNanos + d.deadline().toNanos();
        return targets.stream().map(t -> new RewardItem(id, response.asText(), t, d.shaping(), deadline)).toList();
    }

    /** A code item's own language, or null for the grader's rule. */
    private static Language language(JsonNode item, String at) {
        JsonNode l = item.get("language");
        if (l == null || l.isNull()) {
            return null;
        }
        if (!l.isTextual()) {
            throw new BadRequest("'" + at + ".language' must be a string", at + ".language");
        }
        return Language.parse(l.asText()).orElseThrow(() -> new BadRequest("'" + at + ".language' names no language we run: '" + l.asText()
                + "' (python, cpp, java, go, rust, javascript, bash)", at + ".language"));
    }

    /** A math item's problem text, for a judge: optional. */
    private static String problem(JsonNode item, String at) {
        JsonNode p = item.get("problem");
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isTextual()) {
            throw new BadRequest("'" + at + ".problem' must be a string (the problem's text)", at + ".problem");
        }
        return p.asText();
    }

    /** A math ground truth: a string or a number, or a non-empty list of them (any one is right). */
    private static List<RewardItem.Target> answers(JsonNode gt, String at, String problem) {
        String expected = "'" + at + "' must be a string, a number, or a list of them for a math item";
        if (gt != null && gt.isTextual() && TestsJson.looksLikeTests(gt.asText())) {
            // Graded as math, tests would give up a number from their own text as "the answer".
            throw new BadRequest("'" + at + "' holds code tests (inputs and outputs), not a math answer: send the item with"
                    + " \"kind\": \"code\"", at);
        }
        if (gt != null && (gt.isTextual() || gt.isNumber())) {
            return List.of(new RewardItem.MathTarget(gt.asText(), problem));
        }
        if (gt == null || !gt.isArray() || gt.isEmpty()) {
            throw new BadRequest(expected + (gt != null && gt.isArray() ? ", not an empty list" : ""), at);
        }
        List<RewardItem.Target> out = new ArrayList<>(gt.size());
        for (JsonNode a : gt) {
            if (!a.isTextual() && !a.isNumber()) {
                throw new BadRequest(expected, at);
            }
            out.add(new RewardItem.MathTarget(a.asText(), problem));
        }
        return out;
    }

    static ObjectNode reply(List<RewardResult> results, long micros) {
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode a = o.putArray("results");
        results.forEach(r -> a.add(Json.mapper().valueToTree(r)));
        o.put("micros", micros);
        return o;
    }
}
