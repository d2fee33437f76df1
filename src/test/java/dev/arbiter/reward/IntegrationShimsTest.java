package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python shims in integrations/ against a live server (no sandbox), run by the host's python3
 * with numpy values as verl's parquet data and TRL's datasets hand them over. The scripts in
 * src/test/python/shims call the shims as the trainers do and print what came back, one JSON value a
 * line. Code with a sandbox is in {@link RewardServerDockerTest}.
 */
class IntegrationShimsTest {
    static final String VERL = "src/test/python/shims/verl_shim_check.py";
    static final String TRL = "src/test/python/shims/trl_shim_check.py";
    static final String NO_SANDBOX = "no code sandbox on this server (off (--sandbox off))";

    static MathVerifier verifier;
    static RewardServer server;

    @BeforeAll
    static void start() throws IOException {
        verifier = new MathVerifier();
        server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, null, NO_SANDBOX), null, null, NO_SANDBOX);
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
    }

    /** What {@code script MODE URL} printed, a JSON value a line; python3 with numpy is required where python3 is. */
    static List<JsonNode> shim(String script, String mode, RewardServer s) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 on this machine");
        Process p = new ProcessBuilder("python3", script, mode, s.uri().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("numpy is needed: .ci/run installs python3-numpy").doesNotContain("No module named 'numpy'");
        assertThat(p.exitValue()).as(out).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            lines.add(Json.mapper().readTree(line));
        }
        return lines;
    }

    /** Requests /v1/score has answered 200, 400 and 503, so far. */
    static long scoreRequests(RewardServer s) {
        return s.metrics().requests(200) + s.metrics().requests(400) + s.metrics().requests(503);
    }

    static List<Double> scores(JsonNode verlRows) {
        List<Double> out = new ArrayList<>();
        for (JsonNode r : verlRows) {
            // verl logs every key of every sample: the key set must not vary.
            assertThat(Json.mapper().convertValue(r, Map.class).keySet())
                    .containsExactlyInAnyOrder("score", "acc", "pred", "format_ok", "r_exploration", "r_garbage");
            out.add(r.get("score").asDouble());
        }
        return out;
    }

    @Test
    void verlComputeScoreTakesNumpyGroundTruthsAsTheValuesTheyHold() throws Exception {
        JsonNode rows = shim(VERL, "single", server).get(0);
        // np.str_("0.5"); np.array(["1/2", "0.3"]), right when any is; np.array([4]) against 3; np.int64(4); np.float64(2.5); "7" without a box.
        assertThat(scores(rows)).containsExactly(1.0, 1.0, 0.0, 1.0, 1.0, 1.0);
        assertThat(rows.get(0).get("pred").asText()).contains("frac{1}{2}");
        assertThat(rows.get(2).get("acc").asBoolean()).isFalse();
        assertThat(rows.get(5).get("format_ok").asBoolean()).isFalse();
    }

    @Test
    void verlBatchComputeScoreSendsTheWholeBatchInOneRequest() throws Exception {
        long before = scoreRequests(server);
        JsonNode rows = shim(VERL, "batch", server).get(0);
        assertThat(scoreRequests(server) - before).isEqualTo(1);
        assertThat(scores(rows)).containsExactly(1.0, 0.0, 0.0, 1.0);
        assertThat(rows.get(2).get("format_ok").asBoolean()).isFalse();
        assertThat(rows.get(3).get("pred").asText()).isEqualTo("204");
    }

    @Test
    void verlRaisesTheServersOwnMessage() throws Exception {
        List<JsonNode> out = shim(VERL, "errors", server);
        assertThat(out).hasSize(3);
        JsonNode bad = out.get(0);
        assertThat(bad.get("raised").asText()).isEqualTo("ArbiterError");
        assertThat(bad.get("status").asInt()).isEqualTo(400);
        assertThat(bad.get("field").asText()).isEqualTo("items[0].ground_truth");
        assertThat(bad.get("message").asText()).isEqualTo("the reward server at " + server.uri() + "/v1/score answered 400: 'items[0].ground_truth'"
                + " must be a string, a number, or a list of them for a math item");
        // Code with no sandbox: the server's 503 and its reason, at once, for one sample and for a batch; never a 0.
        for (JsonNode code : out.subList(1, 3)) {
            assertThat(code.has("returned")).as(code.toString()).isFalse();
            assertThat(code.get("status").asInt()).isEqualTo(503);
            assertThat(code.get("message").asText()).contains("answered 503: this request holds 1 code item").contains(NO_SANDBOX);
        }
        assertThat(out.get(2).get("message").asText()).contains("(the first is items[1])");
    }

    @Test
    void trlReadsTheConfiguredAnswerColumnAndReturnsNoneForRowsItCannotScore() throws Exception {
        long before = scoreRequests(server);
        List<JsonNode> out = shim(TRL, "math", server);
        // Three calls, of which the last has no row to score: two requests.
        assertThat(scoreRequests(server) - before).isEqualTo(2);
        assertThat(out.get(0).toString()).isEqualTo("[1.0,0.0]");
        // np.str_("12"); np.array(["twelve", "12"]); None, NaN and "" (no answer: None); np.int64(13) right and np.int64(14) wrong.
        // The "answer" column, also present, is not read.
        assertThat(out.get(1).toString()).isEqualTo("[1.0,1.0,null,null,null,1.0,0.0]");
        assertThat(out.get(2).toString()).isEqualTo("[null]");
    }

    @Test
    void trlRaisesTheServersOwnMessageAndNamesAMissingColumn() throws Exception {
        List<JsonNode> out = shim(TRL, "errors", server);
        assertThat(out.get(0).get("message").asText()).startsWith("the batch has no 'solution' or 'tests' column (its keyword arguments: answer,")
                .endsWith("make_arbiter_reward(answer_column=...)");
        assertThat(out.get(1).get("status").asInt()).isEqualTo(503);
        assertThat(out.get(1).get("message").asText()).endsWith("answered 503: this request holds 1 code item (the first is items[1]), and "
                + NO_SANDBOX + ": code cannot be judged here, and an item that is not judged gets no reward, not 0; send code items to a server"
                + " with a sandbox");
        assertThat(out.get(2).get("status").asInt()).isEqualTo(400);
        assertThat(out.get(2).get("message").asText()).endsWith("answered 400: 'items[0].ground_truth' must be a string, a number, or a list of"
                + " them for a math item");
    }
}
