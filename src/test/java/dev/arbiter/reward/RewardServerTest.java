package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.json.Json;
import dev.arbiter.train.rl.PromptSet;
import dev.arbiter.train.rl.Rewards;
import dev.arbiter.verify.math.MathVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reward server over real HTTP on loopback, math items only (the Docker tests cover code). */
class RewardServerTest {
    static MathVerifier verifier;
    static RewardServer server;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static final String PROMPT = "<|im_start|>system\nPlease reason step by step.<|im_end|>\n<|im_start|>user\nProblem: Find x if 2x+5=15.<|im_end|>\n"
            + "<|im_start|>assistant\n";

    @BeforeAll
    static void start() throws Exception {
        verifier = new MathVerifier();
        AnswerIndex index = new AnswerIndex(List.of(
                new Problem("p1", "math500", "Find x if 2x+5=15.", new MathAnswer("5", null), null),
                new Problem("p2", "math500", "What is $\\frac{1}{2}+\\frac{1}{3}$?", new MathAnswer("\\frac{5}{6}", null), null)), 6);
        server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, null, null), null, index);
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    static ObjectNode obj() {
        return Json.mapper().createObjectNode();
    }

    @Test
    void openRlhfSingleSampleWithPromptsAndLabels() throws Exception {
        ObjectNode b = obj();
        b.putArray("query").add(PROMPT + "2x = 10, so x = \\boxed{5}.<|im_end|><|endoftext|>");
        b.putArray("prompts").add(PROMPT);
        b.putArray("labels").add("5");
        HttpResponse<String> r = post("/get_reward", Json.line(b));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode j = json(r);
        assertThat(j.get("rewards")).hasSize(1);
        assertThat(j.get("rewards").get(0).asDouble()).isEqualTo(1.0);
        assertThat(j.get("scores").get(0).asDouble()).isEqualTo(1.0);
        JsonNode logs = j.get("extra_logs");
        assertThat(Json.mapper().convertValue(logs, java.util.Map.class).keySet()).containsExactlyInAnyOrder("acc", "format_ok", "garbage",
                "timed_out", "unseparated", "r_correctness", "r_format", "r_exploration", "r_garbage");
        logs.fields().forEachRemaining(e -> {
            assertThat(e.getValue().isArray()).isTrue();
            assertThat(e.getValue()).hasSize(1);
            assertThat(e.getValue().get(0).isNumber()).as(e.getKey()).isTrue();
        });
        assertThat(logs.get("acc").get(0).asDouble()).isEqualTo(1.0);
        assertThat(logs.get("format_ok").get(0).asDouble()).isEqualTo(1.0);
        assertThat(logs.get("r_correctness").get(0).asDouble()).isEqualTo(1.0);
        assertThat(j.get("verdicts").get(0).asText()).isEqualTo("correct");
        assertThat(j.get("preds").get(0).asText()).isEqualTo("5");
    }

    @Test
    void openRlhfBatchOfTheOldProtocolFindsAnswersByProblem() throws Exception {
        // Before 2025-02 OpenRLHF sent only the queries of a micro-batch, some left-padded.
        ObjectNode b = obj();
        ArrayNode q = b.putArray("query");
        q.add("<|endoftext|><|endoftext|>" + PROMPT + "x = \\boxed{5}<|im_end|>");
        q.add(PROMPT + "x = \\boxed{6}<|im_end|>");
        q.add("<|im_start|>user\nProblem: What is $\\frac{1}{2}+\\frac{1}{3}$?<|im_end|>\n<|im_start|>assistant\nIt is \\boxed{\\dfrac{5}{6}}<|im_end|>");
        q.add(PROMPT + "I am not sure.<|im_end|>");
        JsonNode j = json(post("/get_reward", Json.line(b)));
        assertThat(doubles(j.get("rewards"))).containsExactly(1.0, 0.0, 1.0, 0.0);
        assertThat(doubles(j.get("scores"))).containsExactly(1.0, 0.0, 1.0, 0.0);
        assertThat(doubles(j.get("extra_logs").get("format_ok"))).containsExactly(1.0, 1.0, 1.0, 0.0);
        assertThat(texts(j.get("verdicts"))).containsExactly("correct", "wrong", "correct", "no_answer");
        for (String key : List.of("rewards", "scores", "verdicts", "reasons", "preds")) {
            assertThat(j.get(key)).as(key).hasSize(4);
        }
        j.get("extra_logs").fields().forEachRemaining(e -> assertThat(e.getValue()).as(e.getKey()).hasSize(4));

        // A problem the index does not know has no gold: the request is refused as the caller's to fix, never scored 0.
        q.add("<|im_start|>user\nProblem: An unknown problem.<|im_end|>\n<|im_start|>assistant\n\\boxed{1}<|im_end|>");
        HttpResponse<String> unknown = post("/get_reward", Json.line(b));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
        JsonNode err = json(unknown).get("error");
        assertThat(err.get("field").asText()).isEqualTo("labels");
        assertThat(err.get("message").asText()).isEqualTo("query 4 has nothing to be checked against: no label, and the answer index has"
                + " no problem matching this query; send 'labels'");

        // A label with no answer in it: no verdict, and asking again cannot give one, so 400 naming the label, not 503 "retry it".
        ObjectNode empty = obj();
        empty.putArray("query").add(PROMPT + "x = \\boxed{5}<|im_end|>");
        empty.putArray("labels").add("$$");
        HttpResponse<String> noGold = post("/get_reward", Json.line(empty));
        assertThat(noGold.statusCode()).as(noGold.body()).isEqualTo(400);
        assertThat(noGold.headers().firstValue("Retry-After")).isEmpty();
        assertThat(json(noGold).get("error").get("field").asText()).isEqualTo("labels[0]");
        assertThat(json(noGold).get("error").get("message").asText()).isEqualTo("query 0 cannot be judged (no answer found in the gold), and"
                + " asking again will not change that: mend labels[0]");
    }

    @Test
    void openRlhfBatchWithLabelsAndServerShaping() throws Exception {
        ObjectNode b = obj();
        ArrayNode q = b.putArray("query");
        ArrayNode p = b.putArray("prompts");
        ArrayNode l = b.putArray("labels");
        for (int i = 0; i < 40; i++) {
            p.add(PROMPT);
            q.add(PROMPT + "some reasoning " + i + " gives \\boxed{" + (i % 4 == 0 ? "\\frac{10}{2}" : Integer.toString(i)) + "}<|im_end|>");
            l.add("5");
        }
        JsonNode j = json(post("/get_reward", Json.line(b)));
        List<Double> rewards = doubles(j.get("rewards"));
        assertThat(rewards).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(rewards.get(i)).as("item " + i).isEqualTo(i % 4 == 0 || i == 5 ? 1.0 : 0.0);
        }
    }

    @Test
    void nativeScoreReportsEveryTermAndPerItemOptions() throws Exception {
        String body = """
                {"options": {"shaping": {"format_penalty": -0.5, "exploration_weight": 1.0, "garbage_penalty": -1.0}},
                 "items": [
                   {"id": "a", "kind": "math", "response": "%s\\\\boxed{204}", "ground_truth": "204"},
                   {"id": "b", "kind": "math", "response": "the answer is 204", "ground_truth": 204},
                   {"id": "c", "kind": "math", "response": "%s", "ground_truth": "7"},
                   {"id": "d", "kind": "math", "response": "\\\\boxed{3}", "ground_truth": "3", "options": {"shaping": {"correct": 2.0, "exploration_weight": 0}}}
                 ]}""".formatted("r".repeat(4000), "loop ".repeat(100));
        HttpResponse<String> r = post("/v1/score", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode res = json(r).get("results");
        assertThat(res).hasSize(4);
        JsonNode a = res.get(0);
        assertThat(a.get("id").asText()).isEqualTo("a");
        assertThat(a.get("kind").asText()).isEqualTo("math");
        assertThat(a.get("verdict").asText()).isEqualTo("correct");
        assertThat(a.get("acc").asBoolean()).isTrue();
        assertThat(a.get("pred").asText()).isEqualTo("204");
        assertThat(a.get("format_ok").asBoolean()).isTrue();
        assertThat(a.get("terms").get("correctness").asDouble()).isEqualTo(1.0);
        assertThat(a.get("terms").get("format").asDouble()).isZero();
        assertThat(a.get("terms").get("exploration").asDouble()).isCloseTo(-1.0, within(1e-9));
        assertThat(a.get("terms").get("garbage").asDouble()).isZero();
        assertThat(a.get("reward").asDouble()).isCloseTo(0.0, within(1e-9));
        assertThat(a.get("reason").asText()).isNotBlank();
        assertThat(a.get("micros").asLong()).isPositive();
        assertThat(a.has("timed_out")).isTrue();

        JsonNode b = res.get(1);
        assertThat(b.get("verdict").asText()).as("right answer, no box").isEqualTo("correct");
        assertThat(b.get("format_ok").asBoolean()).isFalse();
        assertThat(b.get("terms").get("format").asDouble()).isEqualTo(-0.5);

        JsonNode c = res.get(2);
        assertThat(c.get("garbage").asText()).startsWith("ends in a loop");
        assertThat(c.get("terms").get("garbage").asDouble()).isEqualTo(-1.0);
        assertThat(c.get("acc").asBoolean()).isFalse();

        JsonNode d = res.get(3);
        assertThat(d.get("reward").asDouble()).isEqualTo(2.0);
        assertThat(d.get("terms").get("exploration").asDouble()).isZero();
    }

    @Test
    void aMathGroundTruthListIsRightWhenAnyOfItsAnswersIs() throws Exception {
        String body = """
                {"items": [
                   {"id": "any", "kind": "math", "response": "so \\\\boxed{\\\\frac{1}{2}}", "ground_truth": ["0.3", 0.5, "1/3"]},
                   {"id": "none", "kind": "math", "response": "so \\\\boxed{\\\\frac{1}{2}}", "ground_truth": ["0.3", "1/3"]},
                   {"id": "one", "kind": "math", "response": "so \\\\boxed{7}", "ground_truth": ["7"]},
                   {"id": "plain", "kind": "math", "response": "so \\\\boxed{7}", "ground_truth": "7"}
                 ]}""";
        HttpResponse<String> r = post("/v1/score", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode res = json(r).get("results");
        assertThat(res.findValuesAsText("id")).containsExactly("any", "none", "one", "plain");
        assertThat(res.findValues("reward").stream().map(JsonNode::asDouble)).containsExactly(1.0, 0.0, 1.0, 1.0);
        assertThat(res.get(1).get("verdict").asText()).isEqualTo("wrong");
        assertThat(res.get(1).get("pred").asText()).contains("frac{1}{2}");
        for (String bad : List.of("[]", "[{\"a\": 1}]", "{\"answer\": \"7\"}", "null")) {
            HttpResponse<String> refused = post("/v1/score", "{\"items\": [{\"kind\": \"math\", \"response\": \"7\", \"ground_truth\": " + bad + "}]}");
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(refused).get("error").get("message").asText()).as(bad)
                    .startsWith("'items[0].ground_truth' must be a string, a number, or a list of them for a math item");
        }
        // Tests sent as a math answer would be graded by a number in their own text: refused, naming the fix.
        HttpResponse<String> tests = post("/v1/score", "{\"items\": [{\"kind\": \"math\", \"response\": \"\\\\boxed{12}\", \"ground_truth\":"
                + " \"{\\\"inputs\\\": [\\\"5 7\\\"], \\\"outputs\\\": [\\\"12\\\"]}\"}]}");
        assertThat(tests.statusCode()).as(tests.body()).isEqualTo(400);
        assertThat(json(tests).get("error").get("message").asText()).isEqualTo("'items[0].ground_truth' holds code tests (inputs and outputs),"
                + " not a math answer: send the item with \"kind\": \"code\"");
    }

    /** The case: the prompt holds the answer, the response does not. */
    static final String PAID_FOR_THE_PROMPT = "Question: What is 2+3? Put the answer in a box, like this: write \\boxed{5}\nAnswer: no idea";

    @Test
    void aQueryWhoseResponseCannotBeToldFromItsPromptIsRefusedNamingTheFix() throws Exception {
        ObjectNode b = obj();
        b.putArray("query").add(PAID_FOR_THE_PROMPT);
        b.putArray("labels").add("5");
        HttpResponse<String> r = post("/get_reward", Json.line(b));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode err = json(r).get("error");
        assertThat(err.get("field").asText()).isEqualTo("prompts");
        assertThat(err.get("message").asText())
                .startsWith("1 of 1 queries cannot be split into prompt and response (query 0: no 'prompts' were sent and it holds no assistant"
                        + " header of a chat template this server knows: ChatML (Qwen), Llama 3")
                .contains("send 'prompts'").contains("--apply_chat_template").contains("--unseparated score-zero");
        assertThat(json(r).has("rewards")).isFalse();

        // One such query in a batch refuses the batch: no reward is answered for any of it.
        ObjectNode batch = obj();
        batch.putArray("query").add(PROMPT + "x = \\boxed{5}<|im_end|>").add(PAID_FOR_THE_PROMPT).add(PAID_FOR_THE_PROMPT);
        batch.putArray("labels").add("5").add("5").add("5");
        HttpResponse<String> refused = post("/get_reward", Json.line(batch));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("error").get("message").asText()).startsWith("2 of 3 queries cannot be split into prompt and response (query 1:");

        // Prompts that are not in their queries are no help either.
        batch.putArray("prompts").add(PROMPT).add("Question: What is 2+2?").add("Question: What is 2+3?");
        HttpResponse<String> wrongPrompt = post("/get_reward", Json.line(batch));
        assertThat(wrongPrompt.statusCode()).isEqualTo(400);
        assertThat(json(wrongPrompt).get("error").get("field").asText()).isEqualTo("query");
        assertThat(json(wrongPrompt).get("error").get("message").asText())
                .startsWith("1 of 3 queries cannot be split into prompt and response (query 1: it does not contain prompts[1] and");

        // With its prompt, the same query is split and its response, "no idea", earns nothing.
        b.putArray("prompts").add("Question: What is 2+3? Put the answer in a box, like this: write \\boxed{5}\n");
        HttpResponse<String> split = post("/get_reward", Json.line(b));
        assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
        assertThat(json(split).get("rewards").get(0).asDouble()).isZero();
        assertThat(json(split).get("extra_logs").get("unseparated").get(0).asDouble()).isZero();
        assertThat(json(split).get("verdicts").get(0).asText()).isEqualTo("no_answer");
    }

    @Test
    void scoreZeroScoresAnUnseparatedQueryExactlyZeroAndFlagsIt() throws Exception {
        Shaping harsh = Shaping.DEFAULT.with("format_penalty", -0.5).with("incorrect", -1.0).with("garbage_penalty", -1.0);
        ItemDefaults d = new ItemDefaults(harsh, ItemDefaults.STANDARD.deadline(), ItemDefaults.STANDARD.grader(), ItemDefaults.STANDARD.timeoutS());
        RewardServer.Config c = RewardServer.Config.local(0).withUnseparated(RewardServer.Unseparated.SCORE_ZERO);
        c = new RewardServer.Config(c.host(), 0, null, c.maxBodyBytes(), c.bodyBudgetBytes(), c.queueItems(), d, 5, c.unseparated());
        try (RewardServer lenient = new RewardServer(c, new RewardScorer(verifier, null, null), null, null)) {
            ObjectNode b = obj();
            b.putArray("query").add(PAID_FOR_THE_PROMPT).add(PROMPT + "x = \\boxed{5}<|im_end|>").add(PROMPT + "x = \\boxed{6}<|im_end|>")
                    .add(PAID_FOR_THE_PROMPT.replace("no idea", "loop ".repeat(100)));
            b.putArray("labels").add("5").add("5").add("5").add("{\"inputs\": [\"\\n\"], \"outputs\": [\"5\\n\"]}");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(lenient.uri().resolve("/get_reward")).POST(HttpRequest.BodyPublishers.ofString(
                    Json.line(b))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode j = json(r);
            // Exactly 0, whatever the server's shaping would make of a wrong or unformatted answer; never 1.
            assertThat(doubles(j.get("rewards"))).containsExactly(0.0, 1.0, -1.0, 0.0);
            assertThat(doubles(j.get("scores"))).containsExactly(0.0, 1.0, 0.0, 0.0);
            assertThat(doubles(j.get("extra_logs").get("unseparated"))).containsExactly(1.0, 0.0, 0.0, 1.0);
            assertThat(texts(j.get("verdicts"))).containsExactly("no_answer", "correct", "wrong", "no_answer");
            assertThat(doubles(j.get("extra_logs").get("r_format"))).containsExactly(0.0, 0.0, 0.0, 0.0);
            assertThat(doubles(j.get("extra_logs").get("r_garbage"))).containsExactly(0.0, 0.0, 0.0, 0.0);
            assertThat(j.get("reasons").get(0).asText()).startsWith("the response cannot be told apart from the prompt (no 'prompts' were sent")
                    .endsWith("so it is scored 0 (--unseparated score-zero)");
            j.get("extra_logs").fields().forEachRemaining(e -> assertThat(e.getValue()).as(e.getKey()).hasSize(4));
        }
    }

    @Test
    void withoutASandboxEveryWireRefusesCode503WithTheReason() throws Exception {
        String why = "no code sandbox on this server (off (--sandbox off))";
        try (RewardServer mathOnly = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, null, why), null, null, why)) {
            String code = "```python\nprint(1)\n```";
            String tests = "{\"inputs\": [\"\\n\"], \"outputs\": [\"1\\n\"]}";
            ObjectNode o = obj();
            o.putArray("query").add(PROMPT + "x = \\boxed{5}<|im_end|>").add(PROMPT + code + "<|im_end|>");
            o.putArray("prompts").add(PROMPT).add(PROMPT);
            o.putArray("labels").add("5").add(tests);
            ObjectNode v = obj();
            ArrayNode items = v.putArray("items");
            items.addObject().put("id", "m").put("kind", "math").put("response", "\\boxed{5}").put("ground_truth", "5");
            items.addObject().put("id", "m2").put("kind", "math").put("response", "\\boxed{5}").put("ground_truth", "5");
            items.addObject().put("id", "c").put("kind", "code").put("response", code).put("tests", tests);
            // A code item with no code block would be wrong anyway, but the request holds code all the same.
            items.addObject().put("id", "c2").put("kind", "code").put("response", "no code").put("tests", tests);
            record Wire(String path, String body, String says) {}
            for (Wire w : List.of(new Wire("/get_reward", Json.line(o), "this request holds 1 code item (the first is query 1), and " + why),
                    new Wire("/v1/score", Json.line(v), "this request holds 2 code items (the first is items[2]), and " + why),
                    new Wire("/run_code", "{\"code\": \"print(1)\", \"language\": \"python\"}", why + ": this server cannot run code"))) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(mathOnly.uri().resolve(w.path)).POST(HttpRequest.BodyPublishers.ofString(w.body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(w.path + " " + r.body()).isEqualTo(503);
                // Asking again will not help: no Retry-After, so clients raise the reason at once.
                assertThat(r.headers().firstValue("Retry-After")).as(w.path).isEmpty();
                JsonNode err = json(r).get("error");
                assertThat(err.get("type").asText()).isEqualTo("unavailable");
                assertThat(err.get("message").asText()).as(w.path).startsWith(w.says);
                assertThat(json(r).has("rewards")).isFalse();
                assertThat(json(r).has("results")).isFalse();
            }
            assertThat(mathOnly.metrics().render()).contains("arbiter_reward_rejected_total{reason=\"no_sandbox\"} 3")
                    .doesNotContain("kind=\"code\"");
            // arbiter train's client reports the reason too, rather than "overloaded".
            PromptSet.Example add = new PromptSet.Example("add", "Add.", null, new CodeTests(List.of(new TestCase("\n", "1\n",
                    TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)), null, null, CodeTests.Coverage.PUBLIC_ONLY), null);
            try (Rewards remote = Rewards.remote(mathOnly.uri(), null, Shaping.DEFAULT)) {
                assertThatThrownBy(() -> remote.score(List.of(code), List.of(add))).hasMessageContaining("answered HTTP 503")
                        .hasMessageContaining("this request holds 1 code item (the first is items[0]), and " + why);
            }
            // The math alone is answered.
            o.set("query", obj().arrayNode().add(PROMPT + "x = \\boxed{5}<|im_end|>"));
            o.set("prompts", obj().arrayNode().add(PROMPT));
            o.set("labels", obj().arrayNode().add("5"));
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(mathOnly.uri().resolve("/get_reward")).POST(HttpRequest.BodyPublishers.ofString(
                    Json.line(o))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(json(ok).get("rewards").get(0).asDouble()).isEqualTo(1.0);
        }
    }

    @Test
    void badInputGetsAClearClientErrorAndTheServerKeepsServing() throws Exception {
        record Case(String path, String body, int status, String says) {}
        List<Case> cases = List.of(
                new Case("/get_reward", "{\"query\": [\"unterminated", 400, "not valid JSON"),
                new Case("/get_reward", "[1, 2]", 400, "must be a JSON object"),
                new Case("/get_reward", "{\"prompts\": [\"p\"]}", 400, "'query' is required"),
                new Case("/get_reward", "{\"query\": 5}", 400, "'query' must be a list of strings"),
                new Case("/get_reward", "{\"query\": [\"a\", \"b\"], \"labels\": [\"1\"]}", 400, "'labels' has 1 entries but 'query' has 2"),
                new Case("/get_reward", "{\"query\": [{\"x\": 1}]}", 400, "must be a list of strings"),
                new Case("/v1/score", "{}", 400, "'items' must be a list"),
                new Case("/v1/score", "{\"items\": []}", 400, "'items' is empty"),
                new Case("/v1/score", "{\"items\": [{\"kind\": \"math\", \"ground_truth\": \"1\"}]}", 400, "items[0].response"),
                new Case("/v1/score", "{\"items\": [{\"kind\": \"poetry\", \"response\": \"r\"}]}", 400, "\"math\" or \"code\""),
                new Case("/v1/score", "{\"items\": [{\"kind\": \"math\", \"response\": 3, \"ground_truth\": \"3\"}]}", 400, "must be a string"),
                new Case("/v1/score", "{\"items\": [{\"kind\": \"math\", \"response\": \"r\"}]}", 400, "ground_truth"),
                new Case("/v1/score", "{\"items\": [{\"kind\": \"code\", \"response\": \"r\", \"tests\": {\"inputs\": [\"1\"]}}]}", 400,
                        "needs 'inputs' and 'outputs'"),
                new Case("/v1/score", "{\"items\": [{\"kind\": \"code\", \"response\": \"r\", \"tests\": {\"inputs\": [\"1\"], \"outputs\": []}}]}", 400,
                        "1 inputs but 0 outputs"),
                new Case("/v1/score", "{\"options\": {\"shaping\": {\"bonus\": 1}}, \"items\": [{\"kind\": \"math\", \"response\": \"r\", \"ground_truth\": \"1\"}]}",
                        400, "unknown shaping field 'bonus'"),
                new Case("/v1/score", "{\"options\": {\"deadline_ms\": -5}, \"items\": [{\"kind\": \"math\", \"response\": \"r\", \"ground_truth\": \"1\"}]}",
                        400, "deadline"),
                new Case("/run_code", "{\"code\": \"print(1)\", \"language\": \"cobol\"}", 400, "language 'cobol' is not supported"),
                new Case("/run_code", "{\"stdin\": \"\"}", 400, "'code' must be a string"),
                new Case("/nowhere", "{}", 404, "no route"));
        for (Case c : cases) {
            HttpResponse<String> r = post(c.path, c.body);
            assertThat(r.statusCode()).as(c.path + " " + c.body + " -> " + r.body()).isEqualTo(c.status);
            JsonNode err = json(r).get("error");
            assertThat(err.get("message").asText()).as(c.body).contains(c.says);
            assertThat(err.get("type").asText()).isNotBlank();
        }
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.uri().resolve("/get_reward")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);

        // 50 MB: refused by its declared length, read and dropped so that the client sees the answer.
        byte[] big = new byte[50 << 20];
        java.util.Arrays.fill(big, (byte) 'a');
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/get_reward"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("error").get("message").asText()).contains("52428800 bytes").contains("limit");
        // The same without a declared length (chunked): counted while read.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(server.uri().resolve("/v1/score"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);

        // Still serving, and its metrics counted the refusals.
        ObjectNode ok = obj();
        ok.putArray("query").add(PROMPT + "\\boxed{5}");
        ok.putArray("labels").add("5");
        assertThat(json(post("/get_reward", Json.line(ok))).get("rewards").get(0).asDouble()).isEqualTo(1.0);
        String metrics = http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("arbiter_reward_rejected_total{reason=\"body_too_large\"}");
        assertThat(metrics).containsPattern("arbiter_reward_requests_total\\{endpoint=\"/v1/score\",code=\"400\"} [1-9]");
    }

    @Test
    void metricsAreValidPrometheusText() throws Exception {
        ObjectNode ok = obj();
        ok.putArray("items").addObject().put("kind", "math").put("response", "\\boxed{2}").put("ground_truth", "3");
        post("/v1/score", Json.line(ok));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        String m = r.body();
        assertThat(m).contains("# TYPE arbiter_reward_request_duration_seconds histogram");
        assertThat(m).containsPattern("arbiter_reward_request_duration_seconds_bucket\\{endpoint=\"/v1/score\",le=\"\\+Inf\"} [1-9]");
        assertThat(m).containsPattern("arbiter_reward_items_total\\{kind=\"math\",verdict=\"wrong\"} [1-9]");
        assertThat(m).contains("arbiter_reward_queue_depth ").contains("arbiter_reward_queue_capacity 65536");
        for (String line : m.split("\n")) {
            assertThat(line).as("each line is a comment or 'name{labels} value'")
                    .matches("# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*})? -?[0-9.E+-]+(Infinity)?");
        }
        JsonNode h = json(http.send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("sandbox").asText()).isEqualTo("unavailable");
    }

    @Test
    void bearerTokenGuardsEverythingButHealth() throws Exception {
        RewardServer.Config c = RewardServer.Config.local(0);
        c = new RewardServer.Config(c.host(), 0, "s3cret", c.maxBodyBytes(), c.bodyBudgetBytes(), c.queueItems(), c.defaults(), 5, c.unseparated());
        try (RewardServer guarded = new RewardServer(c, new RewardScorer(verifier, null, null), null, null)) {
            String body = "{\"items\": [{\"kind\": \"math\", \"response\": \"\\\\boxed{1}\", \"ground_truth\": \"1\"}]}";
            HttpRequest.Builder req = HttpRequest.newBuilder(guarded.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> none = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            HttpResponse<String> wrong = http.send(req.copy().header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(json(wrong).get("error").get("message").asText()).contains("wrong");
            HttpResponse<String> right = http.send(req.copy().header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(guarded.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(guarded.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndABatchLargerThanTheQueue413() throws Exception {
        RewardServer.Config c = RewardServer.Config.local(0);
        c = new RewardServer.Config(c.host(), 0, null, c.maxBodyBytes(), c.bodyBudgetBytes(), 8, c.defaults(), 5, c.unseparated());
        try (RewardServer small = new RewardServer(c, new RewardScorer(verifier, null, null), null, null)) {
            ObjectNode tooBig = obj();
            ArrayNode items = tooBig.putArray("items");
            for (int i = 0; i < 9; i++) {
                items.addObject().put("kind", "math").put("response", "\\boxed{1}").put("ground_truth", "1");
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(small.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(Json.line(tooBig)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(json(r).get("error").get("message").asText()).contains("larger than this server's queue of 8");

            // Many 8-item batches at once: the first fills the queue; those arriving meanwhile are refused.
            ObjectNode full = obj();
            ArrayNode fi = full.putArray("items");
            for (int i = 0; i < 8; i++) {
                fi.addObject().put("kind", "math").put("response", "step ".repeat(20_000) + "\\boxed{" + i + "}").put("ground_truth", "3");
            }
            String body = Json.line(full);
            List<CompletableFuture<HttpResponse<String>>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                fs.add(http.sendAsync(HttpRequest.newBuilder(small.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int refused = 0;
            for (var f : fs) {
                HttpResponse<String> x = f.get(120, java.util.concurrent.TimeUnit.SECONDS);
                if (x.statusCode() == 200) {
                    ok++;
                    assertThat(json(x).get("results")).hasSize(8);
                } else {
                    assertThat(x.statusCode()).isEqualTo(429);
                    assertThat(x.headers().firstValue("Retry-After")).contains("1");
                    assertThat(json(x).get("error").get("type").asText()).isEqualTo("overloaded");
                    refused++;
                }
            }
            assertThat(ok).isPositive();
            assertThat(refused).isPositive();
            assertThat(small.metrics().requests(429)).isEqualTo(refused);
        }
    }

    @Test
    void closeFinishesTheRequestsInFlightAndRefusesNewOnes() throws Exception {
        RewardServer.Config c = RewardServer.Config.local(0);
        c = new RewardServer.Config(c.host(), 0, null, c.maxBodyBytes(), c.bodyBudgetBytes(), c.queueItems(), c.defaults(), 60, c.unseparated());
        RewardServer s = new RewardServer(c, new RewardScorer(verifier, null, null), null, null);
        ObjectNode big = obj();
        ArrayNode items = big.putArray("items");
        for (int i = 0; i < 4000; i++) {
            items.addObject().put("kind", "math").put("response", "We find " + "x".repeat(3000) + " \\boxed{\\frac{" + i + "}{2}}")
                    .put("ground_truth", "\\frac{" + i + "}{2}");
        }
        CompletableFuture<HttpResponse<String>> inflight = http.sendAsync(
                HttpRequest.newBuilder(s.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(Json.line(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        while (s.metrics().render().contains("arbiter_reward_queue_depth 0")) {
            Thread.sleep(5);
        }
        URI where = s.uri();
        Thread closer = Thread.ofVirtual().start(s::close);
        HttpResponse<String> r = inflight.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode res = json(r).get("results");
        assertThat(res).hasSize(4000);
        res.forEach(x -> assertThat(x.get("acc").asBoolean()).as(x.toString()).isTrue());
        closer.join();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(where.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void liveAndReadyNeedNoTokenAndReadyFollowsTheSandboxCheckWhileLiveStays200() throws Exception {
        RewardServer.Config c = RewardServer.Config.local(0);
        c = new RewardServer.Config(c.host(), 0, "s3cret", c.maxBodyBytes(), c.bodyBudgetBytes(), c.queueItems(), c.defaults(), 5, c.unseparated());
        java.util.concurrent.atomic.AtomicReference<java.util.Optional<String>> docker = new java.util.concurrent.atomic.AtomicReference<>(
                java.util.Optional.empty());
        Readiness sandbox = new SandboxReadiness(docker::get, Duration.ZERO);
        try (RewardServer s = new RewardServer(c, new RewardScorer(verifier, null, null), null, null, null, sandbox)) {
            HttpResponse<String> ready = get(s, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(json(ready).get("status").asText()).isEqualTo("ready");
            assertThat(json(ready).has("reason")).isFalse();
            docker.set(java.util.Optional.of("Docker is not reachable at unix:///nowhere.sock"));
            // The check runs beside the probe, never in it: a later probe reports what it found.
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while ((ready = get(s, "/health/ready")).statusCode() == 200 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(json(ready).get("status").asText()).isEqualTo("not_ready");
            assertThat(json(ready).get("reason").asText()).isEqualTo("sandbox unavailable: Docker is not reachable at unix:///nowhere.sock");
            HttpResponse<String> live = get(s, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(json(live).get("status").asText()).isEqualTo("live");
            // The old /health is as it was: 200 while serving.
            assertThat(get(s, "/health").statusCode()).isEqualTo(200);
            docker.set(java.util.Optional.empty());
            until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while ((ready = get(s, "/health/ready")).statusCode() == 503 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(ready.statusCode()).as("ready again once Docker answers: " + ready.body()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(s.uri().resolve("/health/ready")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
            assertThat(get(s, "/metrics").statusCode()).as("everything else still needs the token").isEqualTo(401);
        }
    }

    @Test
    void aRunningSandboxsReadinessCarriesDockersOwnMessage() throws Exception {
        // Docker down here, or up without this image: either way the daemon's client says why, and readiness says it too.
        dev.arbiter.sandbox.SandboxConfig missing = new dev.arbiter.sandbox.SandboxConfig("arbiter/no-such-image:0", 1, 1536, 128, 1.0, 64, false,
                java.util.List.of(dev.arbiter.sandbox.DockerHost.local()));
        String why = dev.arbiter.sandbox.Sandbox.unavailable(missing).orElseThrow();
        Readiness r = RewardServers.sandboxReadiness(missing, Duration.ZERO);
        assertThat(r.problem()).as("a sandbox that just started is taken as ready until checked").isEmpty();
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (r.problem().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(r.problem()).contains("sandbox unavailable: " + why);
    }

    @Test
    void anEmptyQueryGetsEmptyListsAsOpenRlhfSendsThemToTheUrlsPastASmallBatch() throws Exception {
        HttpResponse<String> r = post("/get_reward", "{\"query\": [], \"prompts\": [], \"labels\": []}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode j = json(r);
        assertThat(j.get("rewards")).isEmpty();
        assertThat(j.get("scores")).isEmpty();
        assertThat(j.get("extra_logs").get("acc")).isEmpty();
        // Still checked: the lists must agree, and 'query' must be there.
        assertThat(post("/get_reward", "{\"query\": [], \"labels\": [\"5\"]}").statusCode()).isEqualTo(400);
        assertThat(post("/get_reward", "{\"labels\": []}").statusCode()).isEqualTo(400);
    }

    static HttpResponse<String> get(RewardServer s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(s.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<Double> doubles(JsonNode a) {
        List<Double> out = new java.util.ArrayList<>();
        a.forEach(x -> out.add(x.asDouble()));
        return out;
    }

    static List<String> texts(JsonNode a) {
        List<String> out = new java.util.ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }
}
