package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.json.Json;
import dev.arbiter.reward.RewardScorer;
import dev.arbiter.reward.RewardServer;
import dev.arbiter.reward.Shaping;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.train.rl.PromptSet;
import dev.arbiter.train.rl.Rewards;
import dev.arbiter.verify.math.MathVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** RL on code: rewards from the Docker sandbox, in process and through the reward service, and a run on code prompts. */
@Tag("docker")
@ExtendWith(DockerRequired.class)
class TrainCodeCliTest {
    @TempDir
    Path dir;

    private static final String TESTS = "{\"inputs\": [\"3\\n\", \"10\\n\"], \"outputs\": [\"6\\n\", \"20\\n\"]}";

    private Path prompts() throws Exception {
        Path f = dir.resolve("code.jsonl");
        Files.writeString(f, Json.line(Json.mapper().createObjectNode().put("id", "double").put("prompt", "Read n and print 2n.")
                .set("tests", Json.mapper().readTree(TESTS))) + "\n" + Json.line(Json.mapper().createObjectNode().put("prompt", "1+1=").put("answer", "2")) + "\n");
        return f;
    }

    @Test
    void codeRewardsComeFromTheSandboxInProcessAndThroughTheService() throws Exception {
        PromptSet set = PromptSet.jsonl(prompts(), 0);
        PromptSet.Example code = set.train().get(0);
        PromptSet.Example math = set.train().get(1);
        assertThat(code.code()).isTrue();
        assertThat(math.code()).isFalse();
        List<String> responses = List.of("```python\nn = int(input())\nprint(2 * n)\n```", "```python\nprint(0)\n```", "no code here",
                "so \\boxed{2}");
        List<PromptSet.Example> targets = List.of(code, code, code, math);
        Shaping s = Shaping.DEFAULT.with("format_penalty", -0.5);
        List<Rewards.Score> local;
        try (Rewards r = Rewards.inProcess(s)) {
            local = r.score(responses, targets);
        }
        assertThat(local).extracting(Rewards.Score::reward).containsExactly(1.0, 0.0, -0.5, 1.0);
        assertThat(local).extracting(Rewards.Score::correct).containsExactly(true, false, false, true);
        try (MathVerifier v = new MathVerifier(); Sandbox sandbox = Sandbox.start(SandboxConfig.defaults());
                RewardServer server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(v, sandbox, null), sandbox, null);
                Rewards remote = Rewards.remote(server.uri(), null, s)) {
            assertThat(remote.score(responses, targets)).isEqualTo(local);
        }
    }

    @Test
    void aRunOnCodePromptsTrainsAndLogs() throws Exception {
        Path model = dir.resolve("model");
        TinyModel.write(model, TinyModel.Spec.small(ModelConfig.Architecture.QWEN2));
        Path out = dir.resolve("rl");
        CliTest.Result r = CliTest.run("train", "rl", "--model", model.toString(), "--prompts", prompts().toString(), "--held-out-every", "0",
                "--out", out.toString(), "--steps", "2", "--prompts-per-step", "2", "--group", "2", "--max-new-tokens", "8", "--device", "cpu",
                "--shaping", "format_penalty=-0.5");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(rows).hasSize(3); // header and two steps; no held-out prompts, so no step-0 row
        // a random model writes no fenced code and no \boxed answer: every sample gets the format penalty
        assertThat(rows.get(1).split(",")[1]).isEqualTo("-0.500000");
    }
}
