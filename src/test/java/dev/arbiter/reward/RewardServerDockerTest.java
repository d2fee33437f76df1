package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.train.rl.PromptSet;
import dev.arbiter.verify.math.MathVerifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Code rewards through a real Docker sandbox: verl's /run_code, code items, and hostile code. */
@Tag("docker")
class RewardServerDockerTest {
    static MathVerifier verifier;
    static Sandbox sandbox;
    static RewardServer server;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        DockerRequired.check();
        verifier = new MathVerifier();
        sandbox = Sandbox.start(SandboxConfig.defaults());
        server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, sandbox, null), sandbox, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            sandbox.close();
            verifier.close();
        }
    }

    static JsonNode post(String path, String body, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.mapper().readTree(r.body());
    }

    static String verlRunCode(String code, String stdin) {
        // Exactly the request verl's sandbox_fusion utilities send, one per test case.
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("compile_timeout", 10).put("run_timeout", 10).put("code", code).put("stdin", stdin).put("memory_limit_MB", 1024)
                .put("language", "python");
        b.putObject("files");
        b.putArray("fetch_files");
        return Json.line(b);
    }

    @Test
    void runCodeAnswersWithSandboxFusionsShape() throws Exception {
        JsonNode ok = post("/run_code", verlRunCode("n=int(input())\nprint(n*2)", "21\n"), 200);
        assertThat(ok.get("status").asText()).isEqualTo("Success");
        assertThat(ok.get("message").asText()).isEmpty();
        assertThat(ok.get("compile_result").isNull()).isTrue();
        JsonNode run = ok.get("run_result");
        assertThat(run.get("status").asText()).isEqualTo("Finished");
        assertThat(run.get("return_code").asInt()).isZero();
        assertThat(run.get("stdout").asText()).isEqualTo("42\n");
        assertThat(run.get("stderr").asText()).isEmpty();
        assertThat(run.get("execution_time").isNumber()).isTrue();
        assertThat(run.get("execution_time").asDouble()).isBetween(0.0, 10.0);
        assertThat(ok.get("files").isObject()).isTrue();

        JsonNode err = post("/run_code", verlRunCode("raise ValueError('boom')", ""), 200);
        assertThat(err.get("status").asText()).isEqualTo("Failed");
        assertThat(err.get("run_result").get("status").asText()).isEqualTo("Finished");
        assertThat(err.get("run_result").get("return_code").asInt()).isEqualTo(1);
        assertThat(err.get("run_result").get("stderr").asText()).contains("ValueError: boom");

        ObjectNode slow = (ObjectNode) Json.mapper().readTree(verlRunCode("while True: pass", ""));
        slow.put("run_timeout", 1);
        JsonNode tle = post("/run_code", Json.line(slow), 200);
        assertThat(tle.get("status").asText()).isEqualTo("Failed");
        assertThat(tle.get("run_result").get("status").asText()).isEqualTo("TimeLimitExceeded");
    }

    @Test
    void codeItemsAreGradedByLiveCodeBenchRulesInBothProtocols() throws Exception {
        String tests = "{\"inputs\": [\"1 2\\n\", \"40 2\\n\"], \"outputs\": [\"3\\n\", \"42\\n\"]}";
        String right = "Here:\n```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        String wrong = "```python\na, b = map(int, input().split())\nprint(a - b)\n```";
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode items = b.putArray("items");
        items.addObject().put("id", "r").put("kind", "code").put("response", right).set("tests", Json.mapper().readTree(tests));
        items.addObject().put("id", "w").put("kind", "code").put("response", wrong).put("tests", tests);
        items.addObject().put("id", "n").put("kind", "code").put("response", "I would add the numbers.").put("tests", tests);
        ObjectNode fn = items.addObject().put("id", "f").put("kind", "code")
                .put("response", "```python\nclass Solution:\n    def add(self, a, b):\n        return a + b\n```");
        fn.set("tests", Json.mapper().readTree("{\"fn_name\": \"add\", \"inputs\": [[1, 2], [5, 5]], \"outputs\": [3, 10]}"));
        JsonNode res = post("/v1/score", Json.line(b), 200).get("results");
        assertThat(res.get(0).get("verdict").asText()).isEqualTo("correct");
        assertThat(res.get(0).get("tests_passed").asInt()).isEqualTo(2);
        assertThat(res.get(0).get("reward").asDouble()).isEqualTo(1.0);
        assertThat(res.get(1).get("verdict").asText()).isEqualTo("wrong");
        assertThat(res.get(1).get("reason").asText()).contains("test 0").contains("Wrong answer");
        assertThat(res.get(2).get("verdict").asText()).isEqualTo("no_answer");
        assertThat(res.get(2).get("format_ok").asBoolean()).isFalse();
        assertThat(res.get(3).get("verdict").asText()).as(res.get(3).toString()).isEqualTo("correct");

        // OpenRLHF: a label holding tests makes a code item.
        ObjectNode o = Json.mapper().createObjectNode();
        o.putArray("query").add("<|im_start|>user\nAdd two numbers.<|im_end|>\n<|im_start|>assistant\n" + right + "<|im_end|>");
        o.putArray("labels").add(tests);
        JsonNode r = post("/get_reward", Json.line(o), 200);
        assertThat(r.get("rewards").get(0).asDouble()).isEqualTo(1.0);
        assertThat(r.get("verdicts").get(0).asText()).isEqualTo("correct");
    }

    @Test
    void hostileCodeScoresZeroWithAReasonAndTheServerKeepsServing() throws Exception {
        List<String> attacks = List.of(
                "import os\nwhile True:\n    os.fork()",
                "x = ' ' * (10 ** 10)\nprint(len(x))",
                "import shutil\nshutil.rmtree('/')\nprint(3)",
                "import socket\ns = socket.create_connection(('1.1.1.1', 80), timeout=2)\nprint(3)",
                "import sys\nsys.setrecursionlimit(10**9)\ndef f(n): return f(n + 1)\nf(0)",
                "while True:\n    print('A' * 100000)",
                "import os\nos.kill(1, 9)\nprint(3)");
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode items = b.putArray("items");
        for (int i = 0; i < attacks.size(); i++) {
            items.addObject().put("id", "a" + i).put("kind", "code").put("response", "```python\n" + attacks.get(i) + "\n```")
                    .set("tests", Json.mapper().readTree("{\"inputs\": [\"\\n\"], \"outputs\": [\"3\\n\"]}"));
        }
        b.putObject("options").put("timeout_s", 3);
        JsonNode res = post("/v1/score", Json.line(b), 200).get("results");
        assertThat(res).hasSize(attacks.size());
        for (JsonNode r : res) {
            // Contained and judged: a number, not the null of a sandbox that broke.
            assertThat(r.get("reward").isNumber()).as(r.toString()).isTrue();
            assertThat(r.get("reward").asDouble()).as(r.toString()).isZero();
            assertThat(r.get("acc").asBoolean()).isFalse();
            assertThat(r.get("reason").asText()).as(r.toString()).isNotBlank();
        }
        // verl's path too: the fork bomb through /run_code is a failed run, not a dead server.
        JsonNode bomb = post("/run_code", verlRunCode(attacks.get(0), ""), 200);
        assertThat(bomb.get("status").asText()).isIn("Failed", "SandboxError");

        JsonNode after = post("/run_code", verlRunCode("print(sum(range(10)))", ""), 200);
        assertThat(after.get("run_result").get("stdout").asText()).isEqualTo("45\n");
        JsonNode h = Json.mapper().readTree(http.send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(h.get("status").asText()).isEqualTo("ok");
        assertThat(h.get("sandbox").asText()).isEqualTo("ready");
    }

    @Test
    void aSandboxThatFailsGivesNoRewardOnAnyWire() throws Exception {
        // A real sandbox, closed: every call fails with the sandbox's own "sandbox is closed".
        Sandbox broken = Sandbox.start(SandboxConfig.defaults());
        broken.close();
        String tests = "{\"inputs\": [\"1 2\\n\"], \"outputs\": [\"3\\n\"]}";
        String right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        try (RewardServer s = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, broken, null), broken, null);
                dev.arbiter.train.rl.Rewards remote = dev.arbiter.train.rl.Rewards.remote(s.uri(), null, Shaping.DEFAULT)) {
            // Native API: each grader's code item is an error with the reason and a null reward; math is scored as ever.
            ObjectNode b = Json.mapper().createObjectNode();
            ArrayNode items = b.putArray("items");
            items.addObject().put("id", "lcb").put("kind", "code").put("response", right).put("tests", tests);
            items.addObject().put("id", "cc").put("kind", "code").put("response", right).put("tests", tests)
                    .putObject("options").put("grader", "codecontests");
            items.addObject().put("id", "m").put("kind", "math").put("response", "\\boxed{4}").put("ground_truth", "4");
            JsonNode res = post(s, "/v1/score", Json.line(b), 200).get("results");
            for (JsonNode code : List.of(res.get(0), res.get(1))) {
                assertThat(code.get("verdict").asText()).as(code.toString()).isEqualTo("infrastructure_error");
                assertThat(code.get("reason").asText()).isEqualTo("sandbox error: sandbox is closed");
                assertThat(code.has("reward")).isTrue();
                assertThat(code.get("reward").isNull()).isTrue();
                assertThat(code.get("acc").asBoolean()).isFalse();
                assertThat(code.has("terms")).isFalse();
                assertThat(code.get("tests_total").asInt()).isEqualTo(1);
            }
            assertThat(res.get(2).get("reward").asDouble()).isEqualTo(1.0);

            // OpenRLHF: no way to say "no reward" in its reply, so the request is refused with the reason.
            ObjectNode o = Json.mapper().createObjectNode();
            o.putArray("query").add("<|im_start|>assistant\n\\boxed{4}<|im_end|>").add("<|im_start|>assistant\n" + right + "<|im_end|>");
            o.putArray("labels").add("4").add(tests);
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(s.uri().resolve("/get_reward"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.line(o))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            JsonNode err = Json.mapper().readTree(refused.body()).get("error");
            assertThat(err.get("type").asText()).isEqualTo("unavailable");
            assertThat(err.get("message").asText())
                    .isEqualTo("1 of 2 queries could not be scored (query 1: sandbox error: sandbox is closed); one that cannot be judged"
                            + " gets no reward, not 0, so this request gets none: retry it");
            o.set("query", Json.mapper().createArrayNode().add("<|im_start|>assistant\n\\boxed{4}<|im_end|>"));
            o.set("labels", Json.mapper().createArrayNode().add("4"));
            assertThat(post(s, "/get_reward", Json.line(o), 200).get("rewards").get(0).asDouble()).isEqualTo(1.0);

            // SandboxFusion's API has its own word for this.
            JsonNode run = post(s, "/run_code", verlRunCode("print(1)", ""), 200);
            assertThat(run.get("status").asText()).isEqualTo("SandboxError");
            assertThat(run.get("message").asText()).isEqualTo("sandbox is closed");
            assertThat(run.get("run_result").isNull()).isTrue();

            // The trainer's client stops the step rather than train on a made-up 0.
            PromptSet.Example code = new PromptSet.Example("add", "Add.", null, new CodeTests(List.of(new TestCase("1 2\n", "3\n",
                    TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)), null, null, CodeTests.Coverage.PUBLIC_ONLY), null);
            assertThatThrownBy(() -> remote.score(List.of(right), List.of(code)))
                    .isInstanceOf(dev.arbiter.train.rl.Rewards.UnscoredException.class)
                    .hasMessageContaining("rollout 0 of 1 has no reward").hasMessageContaining("sandbox error: sandbox is closed");

            assertThat(s.metrics().render()).contains("arbiter_reward_items_total{kind=\"code\",verdict=\"infrastructure_error\"} 4");
            assertThat(s.metrics().requests(503)).isEqualTo(1);

            // The trainer shims raise the reason too: verl for one sample and for a batch, TRL for its batch.
            List<JsonNode> verl = IntegrationShimsTest.shim(IntegrationShimsTest.VERL, "unscored", s);
            assertThat(verl.get(0).get("message").asText()).isEqualTo("arbiter could not score this response: sandbox error: sandbox is closed");
            assertThat(verl.get(1).get("message").asText())
                    .isEqualTo("arbiter could not score 1 of 1 responses (response 0: sandbox error: sandbox is closed)");
            assertThat(IntegrationShimsTest.shim(IntegrationShimsTest.TRL, "unscored", s).get(0).get("message").asText())
                    .isEqualTo("arbiter could not score completion 0: sandbox error: sandbox is closed");
        }
    }

    @Test
    void theShimsSendNumpyTestsAsTheListsTheyHold() throws Exception {
        // verl's batch: codecontests and apps by data source, a third by extra_info's ability, a math row, and
        // tests as JSON text from an unknown source (graded as code: before, the math verifier read a number out of them).
        JsonNode verl = IntegrationShimsTest.shim(IntegrationShimsTest.VERL, "code", server).get(0);
        assertThat(IntegrationShimsTest.scores(verl)).containsExactly(1.0, 0.0, 1.0, 1.0, 1.0, 0.0);
        // TRL: numpy tests, tests as a JSON string (a wrong program), and a math row beside them.
        assertThat(IntegrationShimsTest.shim(IntegrationShimsTest.TRL, "code", server).get(0).toString()).isEqualTo("[1.0,0.0,1.0]");
    }

    static JsonNode post(RewardServer s, String path, String body, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.mapper().readTree(r.body());
    }
}
