package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.verify.math.MathConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reward service with an LLM judge, over real HTTP on both sides: a math answer the rules reject goes to the judge (a
 * test server with scripted replies), one it accepts is paid 1 and says so, and a judge that fails or cannot be read leaves
 * the item without a reward, never with the reward for a wrong answer.
 */
class RewardJudgeTest {
    static final HttpClient http = HttpClient.newHttpClient();
    static final Pattern BLOCK = Pattern.compile("(?s)\n<<<response ([0-9a-f]{16})>>>\n(.*)\n<<<end of response \\1>>>\n");

    /** Accepts what it is shown that says ACCEPT-ME or is six in words; {@code prompts} hears each prompt. */
    static FakeOpenAiServer.Model judge(List<String> prompts) {
        return (prompt, seed) -> {
            synchronized (prompts) {
                prompts.add(prompt);
            }
            Matcher m = BLOCK.matcher(prompt);
            return m.find() && (m.group(2).contains("ACCEPT-ME") || m.group(2).equals("\\text{six}")) ? new FakeOpenAiServer.Reply("Equal.\nCORRECT", "stop")
                    : new FakeOpenAiServer.Reply("Not equal.\nINCORRECT", "stop");
        };
    }

    static RewardServers.Running start(FakeOpenAiServer judge) throws Exception {
        return RewardServers.start(RewardServer.Config.local(0), MathConfig.Extraction.FLEXIBLE, RewardServers.SandboxMode.OFF, null, null,
                new LlmJudge.Settings(judge.uri(), "referee", 256, Duration.ofSeconds(30), null, 4));
    }

    static JsonNode post(RewardServers.Running s, String path, JsonNode body, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.server().uri() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.line(body))).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return Json.mapper().readTree(r.body());
    }

    static ObjectNode math(ArrayNode items, String response, String truth) {
        return items.addObject().put("kind", "math").put("response", response).put("ground_truth", truth);
    }

    @Test
    void aJudgeAcceptedAnswerIsPaidOneAndSaysSoAndTheJudgeNeverHearsAnAcceptedOne() throws Exception {
        List<String> prompts = new ArrayList<>();
        try (FakeOpenAiServer judge = new FakeOpenAiServer(judge(prompts)); RewardServers.Running s = start(judge)) {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode items = body.putArray("items");
            math(items, "So \\boxed{5}.", "5");
            math(items, "Twice three is \\boxed{\\text{six}}.", "6").put("problem", "Find twice three.");
            math(items, "It is \\boxed{7}.", "6");
            math(items, "Ten, I reckon. ACCEPT-ME", "10");
            JsonNode results = post(s, "/v1/score", body, 200).path("results");

            assertThat(judge.received.get()).as("the three the rules rejected, not the correct one").isEqualTo(3);
            assertThat(String.join("\n", prompts)).doesNotContain("So \\boxed{5}");
            assertThat(prompts).anyMatch(p -> p.contains("Problem:\nFind twice three.\n") && p.contains("Reference answer:\n6\n"));
            assertThat(prompts).anyMatch(p -> p.contains("Problem:\n(not given)\n"));

            JsonNode right = results.get(0);
            assertThat(right.path("reward").asDouble()).isEqualTo(1.0);
            assertThat(right.path("grader").asText()).isEqualTo("rule");
            assertThat(right.has("judge")).isFalse();

            JsonNode accepted = results.get(1);
            assertThat(accepted.path("reward").asDouble()).isEqualTo(1.0);
            assertThat(accepted.path("acc").asBoolean()).isTrue();
            assertThat(accepted.path("verdict").asText()).as("the rules' verdict stays").isEqualTo("wrong");
            assertThat(accepted.path("pred").asText()).isEqualTo("\\text{six}");
            assertThat(accepted.path("grader").asText()).isEqualTo("rule+judge");
            assertThat(accepted.path("judge").path("outcome").asText()).isEqualTo("correct");
            assertThat(accepted.path("judge").path("by").asText()).startsWith("referee | arbiter-judge/2 ").endsWith("| max_tokens 256");
            assertThat(accepted.path("judge").path("verdict_line").asText()).isEqualTo("CORRECT");
            assertThat(accepted.path("judge").path("reason").asText()).isEqualTo("Equal.");

            JsonNode rejected = results.get(2);
            assertThat(rejected.path("reward").asDouble()).isZero();
            assertThat(rejected.path("acc").asBoolean()).isFalse();
            assertThat(rejected.path("judge").path("outcome").asText()).isEqualTo("wrong");

            JsonNode noAnswer = results.get(3);
            assertThat(noAnswer.path("verdict").asText()).isEqualTo("no_answer");
            assertThat(noAnswer.path("terms").path("correctness").asDouble()).isEqualTo(1.0);
            assertThat(noAnswer.path("grader").asText()).isEqualTo("rule+judge");

            // several acceptable answers: one the rules accept under any of them is never judged; otherwise it is judged once,
            // against them all
            ObjectNode multi = Json.mapper().createObjectNode();
            ArrayNode mi = multi.putArray("items");
            mi.addObject().put("kind", "math").put("response", "It is \\boxed{6}.").putArray("ground_truth").add("7").add("6");
            mi.addObject().put("kind", "math").put("response", "Half a dozen. ACCEPT-ME").putArray("ground_truth").add("6").add("12/2");
            int before = judge.received.get();
            JsonNode mr = post(s, "/v1/score", multi, 200).path("results");
            assertThat(judge.received.get() - before).isEqualTo(1);
            assertThat(mr.get(0).path("verdict").asText()).isEqualTo("correct");
            assertThat(mr.get(0).path("grader").asText()).isEqualTo("rule");
            assertThat(mr.get(1).path("reward").asDouble()).isEqualTo(1.0);
            assertThat(mr.get(1).path("grader").asText()).isEqualTo("rule+judge");
            assertThat(prompts.getLast()).contains("Reference answer:\nany one of: 6 ; 12/2\n");

            // OpenRLHF's wire: the prompt is what the judge is shown, and extra_logs says which answers the judge accepted
            String prompt = "<|im_start|>user\nFind twice three.<|im_end|>\n<|im_start|>assistant\n";
            ObjectNode q = Json.mapper().createObjectNode();
            q.putArray("query").add(prompt + "It is \\boxed{\\text{six}}.<|im_end|>").add(prompt + "It is \\boxed{6}.<|im_end|>");
            q.putArray("prompts").add(prompt).add(prompt);
            q.putArray("labels").add("6").add("6");
            JsonNode o = post(s, "/get_reward", q, 200);
            assertThat(o.path("rewards").get(0).asDouble()).isEqualTo(1.0);
            assertThat(o.path("extra_logs").path("judge_accepted").get(0).asDouble()).isEqualTo(1.0);
            assertThat(o.path("extra_logs").path("judge_accepted").get(1).asDouble()).isZero();
            assertThat(o.path("extra_logs").path("acc").get(0).asDouble()).isEqualTo(1.0);
            assertThat(judge.received.get()).isEqualTo(5);
            assertThat(prompts.getLast()).contains("Find twice three.<|im_end|>");
        }
    }

    @Test
    void theVerlAndTrlShimsSendTheProblemTheJudgeIsShown() throws Exception {
        List<String> prompts = new ArrayList<>();
        try (FakeOpenAiServer judge = new FakeOpenAiServer(judge(prompts)); RewardServers.Running s = start(judge)) {
            JsonNode verl = IntegrationShimsTest.shim(IntegrationShimsTest.VERL, "judge", s.server()).get(0);
            assertThat(verl.path("score").asDouble()).isEqualTo(1.0);
            assertThat(verl.path("acc").asBoolean()).isTrue();
            JsonNode trl = IntegrationShimsTest.shim(IntegrationShimsTest.TRL, "judge", s.server()).get(0);
            assertThat(trl.get(0).asDouble()).isEqualTo(1.0);
            assertThat(trl.get(1).asDouble()).isEqualTo(1.0);
            assertThat(judge.received.get()).isEqualTo(3);
            assertThat(prompts).anyMatch(p -> p.contains("Problem:\nWhat is 5 + 7?\n") && p.contains("Twelve. ACCEPT-ME"));
            assertThat(prompts).anyMatch(p -> p.contains("Problem:\nWhat is 6 + 6?\n") && p.contains("A dozen. ACCEPT-ME"));
        }
    }

    @Test
    void aFailedJudgeLeavesNoRewardWithTheCauseNeverZeroAndAnUnreadableOneLeavesTheRulesVerdict() throws Exception {
        try (FakeOpenAiServer judge = new FakeOpenAiServer(judge(new ArrayList<>())); RewardServers.Running s = start(judge)) {
            judge.always(FakeOpenAiServer.Fault.SERVER_ERROR);
            ObjectNode body = Json.mapper().createObjectNode();
            math(body.putArray("items"), "It is \\boxed{7}.", "6");
            JsonNode r = post(s, "/v1/score", body, 200).path("results").get(0);
            assertThat(r.get("reward").isNull()).isTrue();
            assertThat(r.path("verdict").asText()).isEqualTo("infrastructure_error");
            assertThat(r.path("reason").asText()).startsWith("the rules said wrong (").contains("judge missing: judge request failed")
                    .contains("HTTP 500");
            assertThat(r.path("judge").path("outcome").isNull()).isTrue();
            assertThat(r.path("grader").asText()).isEqualTo("rule+judge");
        }
        try (FakeOpenAiServer judge = new FakeOpenAiServer((p, seed) -> new FakeOpenAiServer.Reply("Looks fine to me", "stop"));
                RewardServers.Running s = start(judge)) {
            ObjectNode body = Json.mapper().createObjectNode();
            math(body.putArray("items"), "It is \\boxed{7}.", "6");
            JsonNode r = post(s, "/v1/score", body, 200).path("results").get(0);
            // the judge answered, without a verdict, and would answer the same again: the rules' verdict stands
            assertThat(r.path("reward").asDouble()).isZero();
            assertThat(r.path("verdict").asText()).isEqualTo("wrong");
            assertThat(r.path("grader").asText()).isEqualTo("rule");
            assertThat(r.path("judge").path("outcome").isNull()).isTrue();
            assertThat(r.path("judge").path("reason").asText()).contains("unparseable judge reply: its last line is not CORRECT or INCORRECT:"
                    + " 'Looks fine to me'");
            assertThat(r.path("judge").path("verdict_line").asText()).isEqualTo("Looks fine to me");
        }
    }
}
