package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.verify.math.MathVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Python shims in integrations/ against a live server, run by the host's python3. */
class IntegrationShimsTest {
    static String python(String script) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

    @Test
    void verlComputeScoreAndTrlRewardFunctionGetTheServersVerdicts() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 on this machine");
        try (MathVerifier v = new MathVerifier();
                RewardServer s = new RewardServer(RewardServer.Config.local(0), new RewardScorer(v, null, null), null, null)) {
            String url = s.uri().toString();
            String verl = python("""
                    import json, sys
                    sys.path.insert(0, "integrations/verl")
                    from arbiter_reward import compute_score
                    out = [compute_score("lighteval/MATH", r, gt, extra_info={"index": 0}, url="%s") for r, gt in
                           [("so $\\\\boxed{\\\\frac{1}{2}}$", "0.5"), ("so $\\\\boxed{3}$", "4"), ("no box, 7", "7")]]
                    print(json.dumps(out))
                    """.formatted(url));
            JsonNode v1 = Json.mapper().readTree(verl);
            assertThat(v1).hasSize(3);
            assertThat(v1.get(0).get("score").asDouble()).isEqualTo(1.0);
            assertThat(v1.get(0).get("acc").asBoolean()).isTrue();
            assertThat(v1.get(0).get("pred").asText()).contains("frac{1}{2}");
            assertThat(v1.get(1).get("score").asDouble()).isZero();
            assertThat(v1.get(2).get("format_ok").asBoolean()).isFalse();
            for (JsonNode r : v1) {
                // verl logs every key of every sample: the key set must not vary.
                assertThat(Json.mapper().convertValue(r, java.util.Map.class).keySet())
                        .containsExactlyInAnyOrder("score", "acc", "pred", "format_ok", "r_exploration", "r_garbage");
            }
            String trl = python("""
                    import json, os, sys
                    os.environ["ARBITER_REWARD_URL"] = "%s"
                    sys.path.insert(0, "integrations/trl")
                    from arbiter_reward import arbiter_reward
                    completions = [[{"role": "assistant", "content": "It is \\\\boxed{12}."}], [{"role": "assistant", "content": "\\\\boxed{13}"}]]
                    print(json.dumps(arbiter_reward(prompts=["p", "p"], completions=completions, answer=["12", "12"], trainer_state=None)))
                    """.formatted(url));
            assertThat(Json.mapper().readTree(trl).toString()).isEqualTo("[1.0,0.0]");

            // A code item that this server (no sandbox) cannot judge is an exception with the reason, not a 0.
            String unscored = python("""
                    import os, sys
                    os.environ["ARBITER_REWARD_URL"] = "%s"
                    sys.path.insert(0, "integrations/verl")
                    from arbiter_reward import compute_score
                    import importlib.util
                    spec = importlib.util.spec_from_file_location("trl_reward", "integrations/trl/arbiter_reward.py")
                    trl = importlib.util.module_from_spec(spec)
                    spec.loader.exec_module(trl)
                    code = "```python\\nprint(1)\\n```"
                    tests = '{"inputs": ["\\\\n"], "outputs": ["1\\\\n"]}'
                    for call in (lambda: compute_score("livecodebench", code, tests, url="%s"),
                                 lambda: trl.arbiter_reward(prompts=["p", "p"], completions=["\\boxed{1}", code], answer=["1", None],
                                                            tests=[None, tests])):
                        try:
                            print("scored", call())
                        except RuntimeError as e:
                            print("refused:", e)
                    """.formatted(url, url));
            assertThat(unscored.lines().toList()).containsExactly(
                    "refused: arbiter could not score this response: no code sandbox is running on this server",
                    "refused: arbiter could not score 1 of 2 completions: no code sandbox is running on this server");
        }
    }
}
