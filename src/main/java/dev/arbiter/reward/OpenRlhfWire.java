package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.json.Json;
import dev.arbiter.verify.Outcome;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * OpenRLHF's remote reward model, {@code POST /get_reward}. Every version sends {@code query} (the
 * templated prompt plus the response, special tokens kept), as a whole rollout batch or, since
 * 2026-01, one sample per request; {@code prompts} and {@code labels} came in 2025. The reply always
 * carries {@code rewards}, {@code scores} and {@code extra_logs}, since clients from 2025-06 crash
 * without the last two. A label that is a JSON object or list of tests makes a code item; any other
 * label is a math answer. Without labels, the server's {@link AnswerIndex} supplies them. An empty
 * {@code query} is answered with empty lists: given several URLs, OpenRLHF cuts a batch into one
 * even slice per URL and sends every slice, so the URLs past the end of a small batch get empty ones.
 *
 * <p>A query whose response cannot be told apart from its prompt (see {@link ChatText#response}) is
 * never graded whole, since its prompt may hold the answer: the request is refused (400) naming the
 * fix, or, under {@link RewardServer.Unseparated#SCORE_ZERO}, the query scores exactly 0 and is
 * flagged in {@code extra_logs.unseparated}. A batch holding an item that the infrastructure could not
 * judge (the sandbox failed) is answered 503, with the sandbox's reason: there is no reward to give
 * it, and 0 would be a lie.
 */
final class OpenRlhfWire {
    private OpenRlhfWire() {}

    /**
     * One request: the items to score, in query order, and {@code zeroed[i]}, the result of query
     * {@code i} when its response could not be found and it scores 0 (else null).
     */
    record Batch(List<RewardItem> items, RewardResult[] zeroed) {
        /** Every query's result, in order: the scored items' and the zeroed queries'. */
        List<RewardResult> merge(List<RewardResult> scored) {
            List<RewardResult> out = new ArrayList<>(zeroed.length);
            int k = 0;
            for (RewardResult z : zeroed) {
                out.add(z != null ? z : scored.get(k++));
            }
            return out;
        }

        BitSet unseparated() {
            BitSet b = new BitSet();
            for (int i = 0; i < zeroed.length; i++) {
                b.set(i, zeroed[i] != null);
            }
            return b;
        }
    }

    private static final RewardResult.Terms ZERO = new RewardResult.Terms(0, 0, 0, 0);

    static Batch parse(JsonNode body, ItemDefaults d, RewardServer.Unseparated policy, AnswerIndex answers, long nowNanos) {
        List<String> query = strings(body.get("query"), "query", -1, true);
        List<String> prompts = strings(body.get("prompts"), "prompts", query.size(), false);
        List<String> labels = strings(body.get("labels"), "labels", query.size(), false);
        if (query.isEmpty()) {
            return new Batch(List.of(), new RewardResult[0]);
        }
        if (labels == null && answers == null) {
            throw new BadRequest("no 'labels' in the request and no answer index on the server: start OpenRLHF with"
                    + " --label_key (or --data.label_key) naming the answer column, or start the server with --answers BENCHMARK", "labels");
        }
        long deadline = nowNanos + d.deadline().toNanos();
        List<RewardItem> items = new ArrayList<>(query.size());
        BitSet unseparated = new BitSet();
        RewardResult[] zeroed = new RewardResult[query.size()];
        for (int i = 0; i < query.size(); i++) {
            String prompt = prompts == null ? null : prompts.get(i);
            String label = labels == null ? null : labels.get(i);
            String response = ChatText.response(query.get(i), prompt);
            if (response == null) {
                unseparated.set(i);
                if (policy == RewardServer.Unseparated.SCORE_ZERO) {
                    // No response was found, so none is scored: the query gets exactly 0, whatever the shaping.
                    Kind kind = label != null && !label.isEmpty() ? target(label, d, "labels[" + i + "]").kind() : Kind.MATH;
                    String why = "the response cannot be told apart from the prompt (" + noSplit(i, prompts != null)
                            + "), so it is scored 0 (--unseparated score-zero)";
                    zeroed[i] = RewardResult.scored(Integer.toString(i), kind, Outcome.NO_ANSWER, null, why, ZERO, false, null, null, null, 0);
                }
                continue;
            }
            RewardItem.Target target;
            if (label != null && !label.isEmpty()) {
                target = target(label, d, "labels[" + i + "]");
            } else {
                target = answers == null ? null : answers.find(prompt != null ? prompt : query.get(i));
                if (target == null) {
                    // No gold, so no verdict: a request that retrying cannot fix is refused as the caller's to mend, never scored 0.
                    throw new BadRequest("query " + i + " has nothing to be checked against: " + (answers == null
                            ? "its label is empty and this server has no answer index; send 'labels', or start the server with --answers BENCHMARK"
                            : "no label, and the answer index has no problem matching this query; send 'labels'"), "labels");
                }
            }
            if (target instanceof RewardItem.MathTarget m && m.problem() == null && prompt != null) {
                target = new RewardItem.MathTarget(m.groundTruth(), prompt); // what an LLM judge is shown as the problem
            }
            items.add(new RewardItem(Integer.toString(i), response, target, d.shaping(), deadline));
        }
        if (policy == RewardServer.Unseparated.REFUSE && !unseparated.isEmpty()) {
            int first = unseparated.nextSetBit(0);
            throw new BadRequest(unseparated.cardinality() + " of " + query.size() + " queries cannot be split into prompt and response (query "
                    + first + ": " + noSplit(first, prompts != null) + "), and graded whole a query would be paid for an answer that its prompt"
                    + " holds: send 'prompts' as they appear in 'query', or apply the chat template (OpenRLHF's --apply_chat_template), or"
                    + " start the server with --unseparated score-zero to score such queries 0", prompts == null ? "prompts" : "query");
        }
        return new Batch(items, zeroed);
    }

    private static String noSplit(int i, boolean promptsSent) {
        return (promptsSent ? "it does not contain prompts[" + i + "]" : "no 'prompts' were sent") + " and it holds no assistant header of a"
                + " chat template this server knows: " + ChatText.KNOWN_TEMPLATES;
    }

    private static RewardItem.Target target(String label, ItemDefaults d, String field) {
        String t = label.strip();
        if (TestsJson.looksLikeTests(t)) {
            return new RewardItem.CodeTarget(TestsJson.parse(Json.mapper().getNodeFactory().textNode(t), field), d.grader(), d.timeoutS());
        }
        return new RewardItem.MathTarget(label);
    }

    /** A list of strings (a single string counts as a list of one), or null when absent and optional. */
    private static List<String> strings(JsonNode n, String field, int expected, boolean required) {
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRequest("'" + field + "' is required: a list of strings", field);
            }
            return null;
        }
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            for (JsonNode x : n) {
                if (!x.isTextual() && !x.isNumber()) {
                    throw new BadRequest("'" + field + "' must be a list of strings", field);
                }
                out.add(x.asText());
            }
        } else {
            throw new BadRequest("'" + field + "' must be a list of strings", field);
        }
        if (out.size() > ScoreWire.MAX_ITEMS) {
            throw new BadRequest(413, "at most " + ScoreWire.MAX_ITEMS + " queries per request, got " + out.size(), field);
        }
        if (expected >= 0 && out.size() != expected) {
            throw new BadRequest("'" + field + "' has " + out.size() + " entries but 'query' has " + expected, field);
        }
        return out;
    }

    /**
     * Why this batch cannot be answered, or null when every item has a reward. OpenRLHF's reply has
     * a number for every query and no way to say "none"; an item that could not be judged must not
     * pass for a reward of 0, so the whole request is refused: 400 naming the label when asking again
     * cannot help (its gold has no answer), else 503 and the trainer retries.
     */
    static BadRequest unscored(List<RewardResult> results) {
        List<RewardResult> missing = results.stream().filter(r -> !r.scored()).toList();
        if (missing.isEmpty()) {
            return null;
        }
        RewardResult lasting = missing.stream().filter(RewardResult::lasting).findFirst().orElse(null);
        if (lasting != null) {
            return new BadRequest("query " + lasting.id() + " cannot be judged (" + lasting.reason() + "), and asking again will not change"
                    + " that: mend labels[" + lasting.id() + "]", "labels[" + lasting.id() + "]");
        }
        RewardResult first = missing.get(0);
        return new BadRequest(503, missing.size() + " of " + results.size() + " queries could not be scored (query " + first.id() + ": "
                + first.reason() + "); one that cannot be judged gets no reward, not 0, so this request gets none: retry it", null);
    }

    static ObjectNode reply(List<RewardResult> results, BitSet unseparated) {
        BadRequest unscored = unscored(results);
        if (unscored != null) {
            throw new IllegalStateException(unscored.getMessage());
        }
        ObjectNode o = Json.mapper().createObjectNode();
        numbers(o.putArray("rewards"), results, RewardResult::reward);
        numbers(o.putArray("scores"), results, r -> r.acc() ? 1.0 : 0.0);
        ObjectNode logs = o.putObject("extra_logs");
        numbers(logs.putArray("acc"), results, r -> r.acc() ? 1.0 : 0.0);
        numbers(logs.putArray("format_ok"), results, r -> r.formatOk() ? 1.0 : 0.0);
        numbers(logs.putArray("garbage"), results, r -> r.garbage() == null ? 0.0 : 1.0);
        numbers(logs.putArray("timed_out"), results, r -> r.timedOut() ? 1.0 : 0.0);
        if (results.stream().anyMatch(r -> r.grader() != null)) { // a server with an LLM judge: which answers it accepted
            numbers(logs.putArray("judge_accepted"), results, r -> r.judge() != null && r.judge().outcome() == Outcome.CORRECT ? 1.0 : 0.0);
        }
        ArrayNode split = logs.putArray("unseparated");
        for (int i = 0; i < results.size(); i++) {
            split.add(unseparated.get(i) ? 1.0 : 0.0);
        }
        numbers(logs.putArray("r_correctness"), results, r -> r.terms().correctness());
        numbers(logs.putArray("r_format"), results, r -> r.terms().format());
        numbers(logs.putArray("r_exploration"), results, r -> r.terms().exploration());
        numbers(logs.putArray("r_garbage"), results, r -> r.terms().garbage());
        ArrayNode v = o.putArray("verdicts");
        ArrayNode why = o.putArray("reasons");
        ArrayNode pred = o.putArray("preds");
        for (RewardResult r : results) {
            v.add(r.verdict().label());
            why.add(r.reason());
            pred.add(r.pred());
        }
        return o;
    }

    private static void numbers(ArrayNode a, List<RewardResult> results, ToDoubleFunction<RewardResult> f) {
        results.forEach(r -> a.add(f.applyAsDouble(r)));
    }
}
