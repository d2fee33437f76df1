package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.json.Json;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two generations at once, one per container, each printing 9 MiB to stdout and to stderr on each of
 * 25 tests, graded the CodeContests way (a process per test, every test run): each is a wrong answer
 * with a small verdict, and the grader (this JVM, with the 1 GiB heap the build gives tests) keeps
 * grading. Apart from HostileProgramsTest because, when it is not contained, it exhausts the client's
 * heap, and with it the pool that served it; the timeout turns that hang into a failure.
 */
@Tag("docker")
@Tag("slow")
class HostileFloodTest {
    @RegisterExtension
    static final SandboxPool pool = new SandboxPool(2);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void floodingBothStreamsOnEveryTestIsAWrongAnswerWithASmallVerdict() throws Exception {
        List<TestCase> tests = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            tests.add(new TestCase("\n", "2\n", TestCase.TestType.STDIN, TestCase.Visibility.UNMARKED));
        }
        CodeTests flood = new CodeTests(tests, null, "", CodeTests.Coverage.PUBLIC_AND_PRIVATE);
        CodeGrader cc = new CodeGrader(pool.get(), new CodeGrader.Settings(2, LcbRequest.Clock.WALL, Limits.DEFAULT));
        String code = HostilePrograms.fenced(HostilePrograms.source("flood_both.py"));
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<CodeVerdict> a = ex.submit(() -> cc.grade("flood-a", flood, CodeGrader.Kind.CODECONTESTS, code));
            Future<CodeVerdict> b = ex.submit(() -> cc.grade("flood-b", flood, CodeGrader.Kind.CODECONTESTS, code));
            for (CodeVerdict v : List.of(a.get(), b.get())) {
                assertThat(v.sandboxError()).isNull();
                assertThat(v.passed()).isFalse();
                assertThat(Json.line(v).length()).isLessThan(10_000);
            }
        } finally {
            ex.shutdownNow();
        }
        assertThat(pool.get().run("print(6 * 7)", "", Limits.DEFAULT).stdout()).isEqualTo("42\n");
    }
}
