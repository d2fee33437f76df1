package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.TestCase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkers on real LiveCodeBench problems that exact matching grades wrong (both are on its errata
 * list or ask for a tolerance), in the driver, outside the job: ABC375 B (an answer within 1e-6)
 * with the tolerance checker, and ARC185 C (any valid triple) with a testlib special judge
 * (sandbox/checkers/arc185_c.cpp) compiled against our own testlib.h. The solutions are ours, under
 * src/test/resources/dev/arbiter/sandbox/checked/.
 */
@Tag("docker")
@Tag("data")
@Tag("slow")
class CheckersTest {
    @TempDir
    static Path cache;

    static Sandbox pool;
    static Problem abc375b;
    static Problem arc185c;
    static final Limits LIMITS = new Limits(4_000, 2_000, 256, 8L << 20, 16L << 20);

    @BeforeAll
    static void start() {
        DockerRequired.check();
        abc375b = RealProblems.find(cache, "livecodebench", "abc375_b");
        arc185c = RealProblems.find(cache, "livecodebench", "arc185_c");
        pool = Sandbox.start(SandboxConfig.defaults().polyglot().withContainers(1));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
    }

    static String solution(String name) {
        try (InputStream in = CheckersTest.class.getResourceAsStream("checked/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String arc185Checker() throws IOException {
        return Files.readString(Path.of("sandbox/checkers/arc185_c.cpp"));
    }

    static List<ProgramRun> graded(String solution, List<TestCase> tests, OutputChecker checker) {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(Language.CPP, solution(solution), tests.stream().map(TestCase::input).toList(),
                tests.stream().map(TestCase::output).toList(), checker, LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        assertThat(ex.sandboxError()).isNull();
        assertThat(ex.compiled()).as(ex.compile().map(CompileResult::message).orElse("")).isTrue();
        assertThat(ex.runs()).hasSameSizeAs(tests).allSatisfy(r -> assertThat(r.result().status()).isEqualTo(RunStatus.OK));
        return ex.runs();
    }

    static List<TestCase> tests(Problem p) {
        return RealProblems.tests(p);
    }

    @Test
    void anAnswerWithinTheToleranceIsRightWhereExactMatchingSaysWrong() {
        OutputChecker tolerance = new OutputChecker.Tolerance(1e-6, 1e-6);
        assertThat(graded("abc375_b.cpp", tests(abc375b), tolerance)).allSatisfy(r -> assertThat(r.accepted()).as(r.wrong()).isTrue());
        // LiveCodeBench compares the digits as decimals: ten places are not the expected twenty.
        assertThat(graded("abc375_b.cpp", tests(abc375b), OutputChecker.LCB)).allSatisfy(r -> assertThat(r.accepted()).isFalse());
        assertThat(graded("abc375_b_no_return.cpp", tests(abc375b), tolerance))
                .allSatisfy(r -> assertThat(r.wrong()).contains("more than 1e-06 absolute and 1e-06 relative"));
    }

    @Test
    void anyValidTripleIsRightByTheSpecialJudge() throws IOException {
        List<TestCase> tests = new ArrayList<>(tests(arc185c));
        // Ours: two valid triples; the jury's answer names the other one.
        tests.add(new TestCase("4 6\n1 2 3 3\n", "1 2 3\n", tests.get(0).type(), tests.get(0).visibility()));
        List<ProgramRun> judged = graded("arc185_c.cpp", tests, new OutputChecker.Testlib(arc185Checker()));
        assertThat(judged).allSatisfy(r -> assertThat(r.accepted()).as(r.wrong()).isTrue());
        assertThat(judged.get(tests.size() - 1).result().stdout()).isEqualTo("1 2 4\n");
        List<ProgramRun> exact = graded("arc185_c.cpp", tests, OutputChecker.LCB);
        assertThat(exact.get(tests.size() - 1).accepted()).as("exact matching fails a valid triple").isFalse();
    }

    @Test
    void aWrongAnswerThatExactMatchingPassesIsCaughtByTheChecker() throws IOException {
        List<TestCase> tests = tests(arc185c);
        assertThat(graded("arc185_c_decimal.cpp", tests, OutputChecker.LCB))
                .as("LiveCodeBench's rule reads 4.0 as 4").allSatisfy(r -> assertThat(r.accepted()).isTrue());
        List<ProgramRun> judged = graded("arc185_c_decimal.cpp", tests, new OutputChecker.Testlib(arc185Checker()));
        assertThat(judged.get(0).accepted()).isFalse();
        assertThat(judged.get(0).wrong()).contains("wrong output format", "4.0");
    }

    @Test
    void aProgramFindsNoneOfItsJudgesFilesFromThisTestOrTheOneBefore() throws IOException {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(Language.CPP, hostile("judge_files.cpp"),
                tests(arc185c).stream().map(TestCase::input).toList(), tests(arc185c).stream().map(TestCase::output).toList(),
                new OutputChecker.Testlib(arc185Checker()), LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        assertThat(ex.runs()).hasSize(tests(arc185c).size()).allSatisfy(r -> {
            assertThat(r.result().stderr()).isEqualTo("searched\n");
            assertThat(r.accepted()).isFalse();
        });
    }

    static String hostile(String name) {
        try (InputStream in = CheckersTest.class.getResourceAsStream("hostile-cpp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCheckerThatFailsIsNoVerdictOnTheProgram() {
        // The jury's answer says no triple exists where one does: the judge's _fail, never the program's.
        List<TestCase> tests = List.of(new TestCase("5 16\n1 8 5 10 13\n", "-1\n", tests(arc185c).get(0).type(), tests(arc185c).get(0).visibility()));
        ProgramExecution<ProgramRun> ex;
        try {
            ex = pool.program(new ProgramRequest(Language.CPP, solution("arc185_c.cpp"), List.of(tests.get(0).input()), List.of(tests.get(0).output()),
                    new OutputChecker.Testlib(arc185Checker()), LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(ex.sandboxFailed()).isTrue();
        assertThat(ex.sandboxError()).contains("exit 3", "jury");
        assertThat(ex.runs()).isEmpty();
    }

    @Test
    void aCheckerThatDoesNotCompileIsNoVerdictEither() {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(Language.CPP, solution("arc185_c.cpp"), List.of("5 16\n1 8 5 10 13\n"),
                List.of("1 3 4\n"), new OutputChecker.Testlib("int main( {"), LIMITS, false, ProgramRequest.COMPILE_DEFAULT));
        assertThat(ex.sandboxError()).contains("the checker did not compile");
    }
}
