package dev.arbiter.verify.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.SandboxPool;
import dev.arbiter.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole 279-problem LiveCodeBench window and the CodeContests samples load and grade. */
class BenchmarkGradingTest {
    @TempDir
    static Path cache;

    @RegisterExtension
    static final SandboxPool pool = new SandboxPool(2);
    static Benchmarks benchmarks;

    @BeforeAll
    static void start() {
        benchmarks = new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null));
    }

    private static List<CodeVerdict> gradeAll(List<Problem> problems, CodeGrader grader, java.util.function.Function<Problem, String> completion)
            throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<CodeVerdict>> fs = new ArrayList<>();
            for (Problem p : problems) {
                fs.add(ex.submit(() -> grader.grade(p, completion.apply(p))));
            }
            List<CodeVerdict> out = new ArrayList<>();
            for (Future<CodeVerdict> f : fs) {
                out.add(f.get());
            }
            return out;
        }
    }

    @Test
    void everyProblemOfThePublicWindowGetsAVerdict() throws Exception {
        List<Problem> problems = benchmarks.load("livecodebench", Selection.DEFAULT).problems();
        CodeGrader grader = new CodeGrader(pool.get(), new CodeGrader.Settings(2, LcbRequest.Clock.WALL, Limits.DEFAULT));
        // A program that answers with the sample's own expected output passes its first test only when
        // that is the only test; a constant guess fails. Either way each problem must be graded.
        List<CodeVerdict> verdicts = gradeAll(problems, grader, p -> {
            CodeTests t = (CodeTests) p.gold();
            if (t.fnName() != null) {
                return "```python\nclass Solution:\n    def " + t.fnName() + "(self, *args):\n        return None\n```";
            }
            return "```python\nprint(0)\n```";
        });
        assertThat(verdicts).hasSize(279);
        assertThat(verdicts).allSatisfy(v -> {
            assertThat(v.publicTestsOnly()).isTrue();
            assertThat(v.results()).isNotEmpty();
            assertThat(v.results().get(v.results().size() - 1)).isNotIn(-5, -1);
        });
        long failing = verdicts.stream().filter(v -> !v.passed()).count();
        assertThat(failing).isGreaterThan(270);
        long callBasedWrong = verdicts.stream().filter(v -> v.results().contains(false)).count();
        assertThat(callBasedWrong).isGreaterThan(90);
    }

    @Test
    void codeContestsSamplesGradeWithTheTolerantChecker() throws Exception {
        List<Problem> problems = benchmarks.load("code_contests_samples", Selection.DEFAULT).problems();
        CodeGrader grader = new CodeGrader(pool.get(), new CodeGrader.Settings(2, LcbRequest.Clock.WALL, Limits.DEFAULT));
        List<CodeVerdict> wrong = gradeAll(problems, grader, p -> "```python\nprint('no idea')\n```");
        assertThat(wrong).hasSize(20).allSatisfy(v -> {
            assertThat(v.grader()).isEqualTo("codecontests");
            assertThat(v.passed()).isFalse();
            assertThat(v.firstFailure().reason()).isEqualTo("Wrong answer");
        });
        // An echo of the expected output of the first test, in other case and spacing, passes that test.
        Problem first = problems.get(0);
        String expected = ((CodeTests) first.gold()).tests().get(0).output();
        String echo = "```python\nprint(" + pyString(expected.toLowerCase().replace("\n", "  \n")) + ")\n```";
        CodeVerdict v = grader.grade(first, echo);
        assertThat(v.results().get(0)).isEqualTo(true);
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }
}
