package dev.arbiter.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.code.CodeGrader;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rejection sampling's check when the sandbox fails: an infrastructure error, neither kept as correct nor as wrong. */
@Tag("docker")
@ExtendWith(DockerRequired.class)
class JudgeTest {
    @Test
    void codeTheSandboxCouldNotGradeIsAnInfrastructureErrorWithTheSandboxsReason() {
        CodeTests tests = new CodeTests(List.of(new TestCase("1 2\n", "3\n", TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)), null, null,
                CodeTests.Coverage.PUBLIC_ONLY);
        String right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        String wrong = "```python\nprint(4)\n```";
        for (CodeGrader.Kind kind : CodeGrader.Kind.values()) {
            List<Candidate> cs = List.of(Candidate.of("add", "mine", "Add.", right, tests, kind, false),
                    Candidate.of("add", "mine", "Add.", wrong, tests, kind, false));
            try (Judge judge = new Judge(SandboxConfig.defaults().withContainers(1), CodeGrader.Settings.LCB_DEFAULT)) {
                assertThat(judge.judgeAll(cs, () -> { })).extracting(Judged::outcome).as(kind.name())
                        .containsExactly(Outcome.CORRECT, Outcome.WRONG);
            }
            Sandbox broken = Sandbox.start(SandboxConfig.defaults().withContainers(1));
            broken.close();
            try (Judge judge = new Judge(() -> broken, 2, CodeGrader.Settings.LCB_DEFAULT)) {
                List<Judged> js = judge.judgeAll(cs, () -> { });
                assertThat(js).extracting(Judged::outcome).as(kind.name())
                        .containsExactly(Outcome.INFRASTRUCTURE_ERROR, Outcome.INFRASTRUCTURE_ERROR);
                assertThat(js).extracting(Judged::reason).containsOnly("sandbox error: sandbox is closed");
            }
        }
    }
}
