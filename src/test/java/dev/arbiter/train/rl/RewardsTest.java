package dev.arbiter.train.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.reward.Shaping;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** In-process rewards when the sandbox fails: the step stops with the reason, it never trains on a 0. */
@Tag("docker")
@ExtendWith(DockerRequired.class)
class RewardsTest {
    @Test
    void aRolloutTheSandboxCouldNotGradeStopsTheStepWithTheReason() {
        PromptSet.Example code = new PromptSet.Example("add", "Add.", null, new CodeTests(List.of(new TestCase("1 2\n", "3\n",
                TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)), null, null, CodeTests.Coverage.PUBLIC_ONLY), null);
        PromptSet.Example math = new PromptSet.Example("two", "1+1=", "2", null);
        String right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        // A real sandbox, closed before use: it answers every job with "sandbox is closed".
        try (Rewards r = new Rewards.InProcess(Shaping.DEFAULT, () -> {
            Sandbox s = Sandbox.start(SandboxConfig.defaults());
            s.close();
            return s;
        })) {
            assertThat(r.score(List.of("\\boxed{2}"), List.of(math))).containsExactly(new Rewards.Score(1.0, true));
            assertThatThrownBy(() -> r.score(List.of("\\boxed{2}", right), List.of(math, code)))
                    .isInstanceOf(Rewards.UnscoredException.class)
                    .hasMessage("rollout 1 of 2 has no reward, the verifier could not judge it: sandbox error: sandbox is closed;"
                            + " the step stops rather than train on a made-up 0");
        }
    }
}
