package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An interactive problem ("guess the number" in at most ceil(log2 n) + 1 questions, our own): the
 * program and its judge connected by pipes, both limited, the judge as a uid of its own. The judge
 * and the programs are under src/test/resources/dev/arbiter/sandbox/interactive/.
 */
@Tag("docker")
@Tag("slow")
class InteractiveTest {
    static Sandbox pool;
    static final Limits LIMITS = new Limits(3_000, 2_000, 256, 8L << 20, 16L << 20);
    static final List<String> INPUTS = List.of("1000 777\n", "1 1\n", "1000000000 123456789\n");
    static final List<String> SECRETS = List.of("777\n", "1\n", "123456789\n");

    @BeforeAll
    static void start() {
        DockerRequired.check();
        pool = Sandbox.start(SandboxConfig.defaults().polyglot().withContainers(1));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
    }

    static String source(String name) {
        try (InputStream in = InteractiveTest.class.getResourceAsStream("interactive/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<ProgramRun> interact(Language language, String program) {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(language, source(program), INPUTS, SECRETS,
                new OutputChecker.Interactive(source("guess_interactor.cpp")), LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        assertThat(ex.sandboxError()).isNull();
        assertThat(ex.compiled()).isTrue();
        assertThat(ex.runs()).hasSize(INPUTS.size());
        return ex.runs();
    }

    @Test
    void aBinarySearchIsAcceptedInCppAndInPython() {
        assertThat(interact(Language.CPP, "guess.cpp")).allSatisfy(r -> assertThat(r.accepted()).as("%s %s", r.wrong(), r.result()).isTrue());
        assertThat(interact(Language.PYTHON, "guess.py")).allSatisfy(r -> assertThat(r.accepted()).as("%s %s", r.wrong(), r.result()).isTrue());
    }

    @Test
    void tooManyQuestionsAreAWrongAnswerWithTheJudgesReason() {
        ProgramRun first = interact(Language.CPP, "guess_linear.cpp").get(0);
        assertThat(first.accepted()).isFalse();
        assertThat(first.wrong()).contains("one too many");
    }

    @Test
    void aProgramThatWaitsOnItsJudgeRunsOutOfTime() {
        ProgramRun first = interact(Language.CPP, "guess_silent.cpp").get(0);
        assertThat(first.result().status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(first.accepted()).isFalse();
    }

    @Test
    void aProgramCannotKillItsJudge() {
        List<ProgramRun> runs = interact(Language.CPP, "guess_kill_judge.cpp");
        assertThat(runs.get(0).wrong()).contains("answered 1, the secret was 777");
        assertThat(runs.get(1).accepted()).as("the secret of the second test is 1").isTrue();
    }

    @Test
    void aProgramCannotReadItsJudgesFiles() {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(Language.CPP, source("../hostile-cpp/judge_files.cpp"), INPUTS, SECRETS,
                new OutputChecker.Interactive(source("guess_interactor.cpp")), LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        assertThat(ex.runs()).hasSize(INPUTS.size()).allSatisfy(r -> assertThat(r.result().stderr()).isEqualTo("searched\n"));
        assertThat(ex.runs().get(0).wrong()).contains("answered 1, the secret was 777");
    }

    @Test
    void whatAProgramLeavesRunningEndsWithIt() {
        // The main process exits at once; its child would search after seconds of unmeasured CPU.
        ProgramRun first = interact(Language.CPP, "guess_early_exit.cpp").get(0);
        assertThat(first.accepted()).isFalse();
        assertThat(first.wrong()).contains("stopped talking");
    }

    @Test
    void aJudgeWithoutAVerdictIsNoVerdictOnTheProgram() {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(Language.CPP, source("guess.cpp"), List.of("not numbers\n"), List.of("x\n"),
                new OutputChecker.Interactive(source("guess_interactor.cpp")), LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        assertThat(ex.sandboxError()).contains("the interactor", "exit 3");
    }
}
