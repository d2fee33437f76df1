package dev.arbiter.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.reward.Shaping;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.Sample;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.sandbox.SandboxException;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.math.MathVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every outcome the seam can give, from real verifiers and a real sandbox, and the one mapping to rewards and metrics. */
@Tag("docker")
class VerifierSeamTest {
    static MathVerifier engine;
    static Sandbox sandbox;

    static final CodeTests ADD = new CodeTests(List.of(new TestCase("1 2\n", "3\n", TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)),
            null, null, CodeTests.Coverage.PUBLIC_ONLY);
    static final CodeGrader.Settings ONE_SECOND = new CodeGrader.Settings(1, CodeGrader.Settings.LCB_DEFAULT.clock(),
            CodeGrader.Settings.LCB_DEFAULT.limits());

    @BeforeAll
    static void start() {
        engine = new MathVerifier();
    }

    @AfterAll
    static void stop() {
        engine.close();
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static Check math(String gold, String response, boolean truncated) {
        return new Check("m", new MathAnswer(gold, null), null, response, truncated, null, null);
    }

    static Check code(String response, CodeGrader.Kind kind) {
        return Check.of("c", ADD, kind, response, false);
    }

    @Test
    void mathOutcomes() {
        MathAnswerVerifier v = new MathAnswerVerifier(engine);
        assertThat(v.verify(math("4", "so \\boxed{4}", false)).outcome()).isEqualTo(Outcome.CORRECT);
        Verdict wrong = v.verify(math("4", "so \\boxed{5}", false));
        assertThat(wrong.outcome()).isEqualTo(Outcome.WRONG);
        assertThat(wrong.answer()).isEqualTo("5");
        assertThat(v.verify(math("4", "I do not know", false)).outcome()).isEqualTo(Outcome.NO_ANSWER);
        assertThat(v.verify(math("4", "Let me think about", true)).outcome()).isEqualTo(Outcome.TRUNCATED);
        // Cut off after an answer was written: graded as it stands.
        assertThat(v.verify(math("4", "so \\boxed{4} and then", true)).outcome()).isEqualTo(Outcome.CORRECT);
        // A gold with nothing to compare against says nothing about the response: no verdict.
        Verdict noGold = v.verify(math("$$", "\\boxed{4}", false));
        assertThat(noGold.outcome()).as(noGold.reason()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
        assertThat(noGold.reason()).contains("gold");
    }

    @Test
    void aVerifierOutOfTimeIsAVerifierTimeoutNotCorrect() {
        MathAnswerVerifier v = new MathAnswerVerifier(engine);
        String slow = "\\boxed{" + "(x+1)*".repeat(4000) + "1}";
        Verdict t = v.verify(new Check("m", new MathAnswer("x^{2}+1", null), null, slow, false, Duration.ofMillis(1), null));
        assertThat(t.outcome()).as(t.reason()).isIn(Outcome.VERIFIER_TIMEOUT);
    }

    @Test
    void codeOutcomesInARealSandbox() {
        DockerRequired.check();
        sandbox = Sandbox.start(SandboxConfig.defaults().withContainers(1));
        CodeTestVerifier v = CodeTestVerifier.over(sandbox, ONE_SECOND);
        for (CodeGrader.Kind kind : CodeGrader.Kind.values()) {
            assertThat(v.verify(code("```python\na, b = map(int, input().split())\nprint(a + b)\n```", kind)).outcome()).as(kind.name())
                    .isEqualTo(Outcome.CORRECT);
            Verdict wrong = v.verify(code("```python\nprint(4)\n```", kind));
            assertThat(wrong.outcome()).as(kind.name()).isEqualTo(Outcome.WRONG);
            assertThat(wrong.reason()).startsWith("test 0: ");
            Verdict slow = v.verify(code("```python\nwhile True:\n    pass\n```", kind));
            assertThat(slow.outcome()).as(kind + " " + slow.reason()).isEqualTo(Outcome.PROGRAM_TIMEOUT);
            assertThat(v.verify(code("no program here", kind)).outcome()).isEqualTo(Outcome.NO_ANSWER);
            // Cut off inside its code block: no program was ever finished.
            assertThat(v.verify(Check.of("c", ADD, kind, "```python\nprint(", true)).outcome()).isEqualTo(Outcome.TRUNCATED);
            assertThat(v.verify(Check.of("c", ADD, kind, "Let me write", true)).outcome()).isEqualTo(Outcome.TRUNCATED);
        }
    }

    @Test
    void aSandboxThatFailsOrIsMissingIsAnInfrastructureErrorWithItsReason() {
        DockerRequired.check();
        Sandbox broken = Sandbox.start(SandboxConfig.defaults().withContainers(1));
        broken.close();
        String right = "```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        for (CodeGrader.Kind kind : CodeGrader.Kind.values()) {
            Verdict v = CodeTestVerifier.over(broken, ONE_SECOND).verify(code(right, kind));
            assertThat(v.outcome()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
            assertThat(v.reason()).isEqualTo("sandbox error: sandbox is closed");
        }
        Verdict none = CodeTestVerifier.unavailable("no code sandbox is running on this server", ONE_SECOND)
                .verify(code(right, CodeGrader.Kind.LIVECODEBENCH));
        assertThat(none.outcome()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
        assertThat(none.reason()).isEqualTo("no code sandbox is running on this server");
        int[] starts = {0};
        try (CodeTestVerifier failing = CodeTestVerifier.starting(() -> {
            starts[0]++;
            throw new SandboxException("image arbiter/sandbox-python:1 is not built");
        }, ONE_SECOND, 2)) {
            for (int i = 0; i < 3; i++) {
                Verdict v = failing.verify(code(right, CodeGrader.Kind.LIVECODEBENCH));
                assertThat(v.outcome()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
                assertThat(v.reason()).isEqualTo("the sandbox did not start: image arbiter/sandbox-python:1 is not built");
            }
            // No program needs the sandbox, none starts it.
            assertThat(failing.verify(code("no code", CodeGrader.Kind.LIVECODEBENCH)).outcome()).isEqualTo(Outcome.NO_ANSWER);
        }
        assertThat(starts[0]).as("a sandbox that cannot start is tried once, not once per program").isEqualTo(1);
    }

    @Test
    void aBatchMixesMathAndCodeAndKeepsInputOrder() {
        CodeTestVerifier none = CodeTestVerifier.unavailable("no sandbox", ONE_SECOND);
        GoldVerifier v = new GoldVerifier(new MathAnswerVerifier(engine), none);
        List<Check> checks = List.of(math("1", "\\boxed{1}", false), code("```python\nprint(3)\n```", CodeGrader.Kind.LIVECODEBENCH),
                math("1", "\\boxed{2}", false), code("nothing", CodeGrader.Kind.CODECONTESTS));
        List<Integer> heard = Collections.synchronizedList(new ArrayList<>());
        List<Verdict> vs = v.verifyAll(checks, (i, verdict) -> heard.add(i));
        assertThat(vs).extracting(Verdict::outcome).containsExactly(Outcome.CORRECT, Outcome.INFRASTRUCTURE_ERROR, Outcome.WRONG,
                Outcome.NO_ANSWER);
        assertThat(heard).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void oneMappingToRewardsAndMetrics() {
        Shaping s = Shaping.DEFAULT.with("correct", 2).with("incorrect", -1);
        for (Outcome o : Outcome.values()) {
            Double r = s.correctness(o);
            switch (o) {
                case CORRECT -> assertThat(r).isEqualTo(2.0);
                case INFRASTRUCTURE_ERROR -> assertThat(r).as("no verdict, no reward").isNull();
                default -> assertThat(r).as(o.name()).isEqualTo(-1.0);
            }
            assertThat(Outcome.parse(o.label())).isEqualTo(o);
            assertThat(Outcome.parse(o.name())).isEqualTo(o);
        }
        assertThatThrownBy(() -> new Sample(0, Outcome.INFRASTRUCTURE_ERROR, false, null)).hasMessageContaining("no verdict");
        assertThatThrownBy(() -> new CompletionStore.VerdictRow(0, Outcome.INFRASTRUCTURE_ERROR, null, "sandbox error: x"))
                .hasMessageContaining("never stored");
        assertThat(new Sample(0, Outcome.PROGRAM_TIMEOUT, false, 0).outcome().votes()).isTrue();
        assertThat(new Sample(0, Outcome.VERIFIER_TIMEOUT, false, null).outcome().correct()).isFalse();
    }
}
