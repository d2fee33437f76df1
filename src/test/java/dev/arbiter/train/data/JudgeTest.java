package dev.arbiter.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.code.CodeGrader;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rejection sampling's check when the sandbox fails: an error, neither kept as correct nor as wrong. */
class JudgeTest {
    @BeforeAll
    static void docker() {
        DockerRequired.check();
    }

    @Test
    void codeTheSandboxCouldNotGradeIsAnErrorWithTheSandboxsReason() {
        CodeTests tests = new CodeTests(List.of(new TestCase("1 2\n", "3\n", TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)), null, null,
                CodeTests.Coverage.PUBLIC_ONLY);
        String right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        try (Judge judge = new Judge(SandboxConfig.defaults(), CodeGrader.Settings.LCB_DEFAULT);
                Sandbox working = Sandbox.start(SandboxConfig.defaults().withContainers(1))) {
            for (CodeGrader.Kind kind : CodeGrader.Kind.values()) {
                Candidate c = Candidate.of("add", "mine", "Add.", right, tests, kind, false);
                assertThat(judge.judge(c, new CodeGrader(working, CodeGrader.Settings.LCB_DEFAULT)).judgement())
                        .isEqualTo(Judged.Judgement.CORRECT);
                Sandbox broken = Sandbox.start(SandboxConfig.defaults().withContainers(1));
                broken.close();
                Judged j = judge.judge(c, new CodeGrader(broken, CodeGrader.Settings.LCB_DEFAULT));
                assertThat(j.judgement()).as(kind.name()).isEqualTo(Judged.Judgement.ERROR);
                assertThat(j.reason()).isEqualTo("sandbox error: sandbox is closed");
            }
        }
    }
}
