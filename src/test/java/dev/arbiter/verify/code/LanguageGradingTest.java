package dev.arbiter.verify.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.perf.BenchSolutions;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.HostilePrograms;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.RealProblems;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other languages through the grader, on real problems: LiveCodeBench's abc301_a and CodeContests'
 * Codeforces 12B, with our own C++ and Java solutions. The CodeContests grader takes the fence's
 * language; LiveCodeBench's takes Python unless the request names a language, as LiveCodeBench does.
 */
@Tag("docker")
@Tag("data")
@Tag("slow")
class LanguageGradingTest {
    @TempDir
    static Path cache;

    static Sandbox pool;
    static CodeGrader grader;
    static Problem abc301;
    static Problem cf12b;

    @BeforeAll
    static void start() {
        DockerRequired.check();
        abc301 = RealProblems.find(cache, "lcb_v1_samples", HostilePrograms.ABC301);
        // The fixture numbers its rows; row 17 is Codeforces 12B.
        cf12b = RealProblems.find(cache, "code_contests_samples", "17");
        pool = Sandbox.start(SandboxConfig.defaults().polyglot().withContainers(1));
        grader = new CodeGrader(pool, new CodeGrader.Settings(4, LcbRequest.Clock.WALL, Limits.DEFAULT.withMemoryMb(256)));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
    }

    static String resource(String name) {
        try (InputStream in = LanguageGradingTest.class.getResourceAsStream("/dev/arbiter/sandbox/languages/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String fenced(String tag, String code) {
        return "Here is my solution.\n```" + tag + "\n" + code + "```\n";
    }

    static CodeTests tests(Problem p) {
        return (CodeTests) p.gold();
    }

    @Test
    void liveCodeBenchGradesTheLanguageARequestNames() {
        CodeVerdict v = grader.grade(abc301.id(), tests(abc301), CodeGrader.Kind.LIVECODEBENCH, fenced("cpp", BenchSolutions.overallWinner(Language.CPP)),
                Language.CPP);
        assertThat(v.passed()).as(String.valueOf(v.firstFailure())).isTrue();
        assertThat(v.language()).isEqualTo("cpp");
        assertThat(v.results()).hasSize(tests(abc301).tests().size()).containsOnly(true);
        assertThat(v.perTest()).hasSameSizeAs(v.results());
    }

    @Test
    void liveCodeBenchWithoutALanguageRunsPythonAsItsOwnRunnerDoes() {
        CodeVerdict v = grader.grade(abc301.id(), tests(abc301), CodeGrader.Kind.LIVECODEBENCH, fenced("cpp", BenchSolutions.overallWinner(Language.CPP)));
        assertThat(v.passed()).isFalse();
        assertThat(v.language()).isNull();
        assertThat(v.results()).containsExactly(-4);
    }

    @Test
    void aLiveCodeBenchWrongAnswerAndACompileErrorCarryLiveCodeBenchsValues() {
        CodeVerdict wrong = grader.grade(abc301.id(), tests(abc301), CodeGrader.Kind.LIVECODEBENCH, fenced("java", resource("java/wrong.java")),
                Language.JAVA);
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.results()).last().isEqualTo(-2);
        assertThat(wrong.firstFailure().reason()).startsWith("Wrong answer");
        CodeVerdict broken = grader.grade(abc301.id(), tests(abc301), CodeGrader.Kind.LIVECODEBENCH, fenced("go", resource("go/broken.go")),
                Language.GO);
        assertThat(broken.results()).containsExactly(-4);
        assertThat(broken.firstFailure().reason()).startsWith("Compilation error: the compiler failed").contains("main.go");
    }

    @Test
    void codeContestsTakesTheFencesLanguage() {
        CodeVerdict v = grader.grade(cf12b.id(), tests(cf12b), CodeGrader.Kind.CODECONTESTS, fenced("cpp", resource("cpp/cf12b.cpp")));
        assertThat(v.language()).isEqualTo("cpp");
        assertThat(v.passed()).as(String.valueOf(v.firstFailure())).isTrue();
        assertThat(v.testsPassed()).isEqualTo(tests(cf12b).tests().size()).isGreaterThan(100);
        CodeVerdict wrong = grader.grade(cf12b.id(), tests(cf12b), CodeGrader.Kind.CODECONTESTS, fenced("c++", "#include <cstdio>\nint main() { std::puts(\"OK\"); }\n"));
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.testsPassed()).isPositive().isLessThan(tests(cf12b).tests().size());
        assertThat(wrong.results()).hasSize(tests(cf12b).tests().size()).containsOnly(true, false);
    }

    @Test
    void aCallBasedProblemInAnotherLanguageIsACompileError() {
        Problem seniors = RealProblems.find(cache, "lcb_v1_samples", HostilePrograms.SENIORS);
        CodeVerdict v = grader.grade(seniors.id(), tests(seniors), CodeGrader.Kind.LIVECODEBENCH, fenced("cpp", "int main() {}\n"), Language.CPP);
        assertThat(v.passed()).isFalse();
        assertThat(v.graded()).isTrue();
        assertThat(v.firstFailure().reason()).contains("graded in Python only");
    }

    @Test
    void aPoolWithoutTheLanguageSaysSoAndIsNoVerdict() {
        try (Sandbox python = Sandbox.start(SandboxConfig.defaults().withContainers(1))) {
            CodeVerdict v = new CodeGrader(python, CodeGrader.Settings.LCB_DEFAULT).grade(cf12b.id(), tests(cf12b), CodeGrader.Kind.CODECONTESTS,
                    fenced("cpp", resource("cpp/cf12b.cpp")));
            assertThat(v.graded()).isFalse();
            assertThat(v.sandboxError()).contains("has no cpp", "sandbox-polyglot");
        }
    }
}
