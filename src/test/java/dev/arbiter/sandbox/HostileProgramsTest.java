package dev.arbiter.sandbox;

import static dev.arbiter.sandbox.HostilePrograms.ABC301;
import static dev.arbiter.sandbox.HostilePrograms.ABC_OK;
import static dev.arbiter.sandbox.HostilePrograms.CARRY_OVER;
import static dev.arbiter.sandbox.HostilePrograms.CF1873;
import static dev.arbiter.sandbox.HostilePrograms.DAEMON;
import static dev.arbiter.sandbox.HostilePrograms.DEEP_TREE;
import static dev.arbiter.sandbox.HostilePrograms.DISABLE;
import static dev.arbiter.sandbox.HostilePrograms.KILL_ALL_THEN_DAEMON;
import static dev.arbiter.sandbox.HostilePrograms.PROBE;
import static dev.arbiter.sandbox.HostilePrograms.SENIORS;
import static dev.arbiter.sandbox.HostilePrograms.SENIORS_WRONG;
import static dev.arbiter.sandbox.HostilePrograms.WINNER_WRONG;
import static dev.arbiter.sandbox.HostilePrograms.fenced;
import static dev.arbiter.sandbox.HostilePrograms.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile programs that every change to the sandbox must contain. Each test sends attacks (the
 * programs under src/test/resources/dev/arbiter/sandbox/hostile/, see {@link HostilePrograms}) and
 * asserts two things: the attack fails (the generation is not passed, and is graded: a hostile
 * program must not turn its wrong answer into a sandbox error, which is counted as missing rather
 * than wrong), and innocent jobs after it get their right verdicts: a right solution passes, a wrong
 * one fails, and a probe finds nothing left behind. The right solutions run the probe first and answer
 * only if it finds nothing, so their passing also says that the container was clean.
 *
 * <p>Each attack runs at one container, jobs one after another, so that the innocent jobs land where
 * the hostile one ran; and at two containers, the hostile and innocent jobs sent together from
 * threads, then another round of innocent jobs spread over both containers.
 */
@Tag("docker")
@Tag("data")
@Tag("slow")
class HostileProgramsTest {
    @TempDir
    static Path cache;

    static final Map<String, Problem> real = new ConcurrentHashMap<>();
    /** One pool per container count, started on first use and shared by every test. */
    static final Map<Integer, Sandbox> pools = new ConcurrentHashMap<>();
    /** LiveCodeBench's rules with a 2 s per-test limit (its own is 6 s): attacks that hang end sooner. */
    static final CodeGrader.Settings WALL = new CodeGrader.Settings(2, LcbRequest.Clock.WALL, Limits.DEFAULT);
    static final Problem PROBE_PROBLEM = HostilePrograms.expecting("probe/clean", "clean\n");

    @BeforeAll
    static void start() {
        DockerRequired.check();
        new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null))
                .load("lcb_v1_samples", Selection.DEFAULT).problems().forEach(p -> real.put(p.id(), p));
        assertThat(real).containsKeys(ABC301, SENIORS, CF1873);
    }

    @AfterAll
    static void stop() {
        pools.values().forEach(Sandbox::close);
    }

    static Sandbox sandbox(int containers) {
        return pools.computeIfAbsent(containers, n -> Sandbox.start(SandboxConfig.defaults().withContainers(n)));
    }

    static CodeVerdict grade(int containers, Problem p, String code) {
        return new CodeGrader(sandbox(containers), WALL).grade(p, fenced(code));
    }

    static CodeVerdict grade(int containers, String problemId, String code) {
        return grade(containers, real.get(problemId), code);
    }

    // ---------------------------------------------------------------------------------------------
    // How every attack is run, and what innocent jobs must see after it

    /** A job of the suite, with a name for the failure messages. */
    record Job<T>(String name, Callable<T> call) {}

    static Job<CodeVerdict> graded(String name, int containers, Problem p, String code) {
        return new Job<>(name, () -> grade(containers, p, code));
    }

    static Job<CodeVerdict> graded(String name, int containers, String problemId, String code) {
        return graded(name, containers, real.get(problemId), code);
    }

    static Job<RunResult> plain(String name, int containers, String code) {
        return new Job<>(name, () -> sandbox(containers).run(code, "", Limits.DEFAULT));
    }

    /** Innocent jobs of both kinds, each checking its own verdict. */
    static List<Job<Void>> innocents(int containers) {
        return List.of(
                check("right stdin solution", () -> passes(grade(containers, ABC301, HostilePrograms.WINNER_IF_CLEAN))),
                check("wrong stdin solution", () -> failsWithAVerdict(grade(containers, ABC301, WINNER_WRONG))),
                check("right call-based solution", () -> passes(grade(containers, SENIORS, HostilePrograms.SENIORS_IF_CLEAN))),
                check("right stdin solution of another problem", () -> passes(grade(containers, CF1873, HostilePrograms.ABC_IF_CLEAN))),
                check("wrong call-based solution", () -> failsWithAVerdict(grade(containers, SENIORS, SENIORS_WRONG))),
                check("probe graded by LCB rules", () -> passes(grade(containers, PROBE_PROBLEM, PROBE))),
                check("probe as a plain run", () -> printsExactly(sandbox(containers).run(PROBE, "", Limits.DEFAULT), "clean\n")),
                check("plain run", () -> printsExactly(sandbox(containers).run("print(6 * 7)", "", Limits.DEFAULT), "42\n")));
    }

    static Job<Void> check(String name, Runnable r) {
        return new Job<>(name, () -> {
            r.run();
            return null;
        });
    }

    /**
     * Runs the hostile jobs and innocent ones after them, and returns what each hostile job got, by
     * name. At one container: each hostile job, then every innocent one, in turn. At two: every job at
     * once from threads, then every innocent job again at once, which spreads them over both containers.
     */
    static <T> Map<String, T> attack(int containers, List<Job<T>> hostile) {
        Map<String, T> out = new LinkedHashMap<>();
        if (containers == 1) {
            for (Job<T> h : hostile) {
                out.put(h.name(), call(h));
                innocents(1).forEach(HostileProgramsTest::call);
            }
            return out;
        }
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> hs = hostile.stream().map(h -> ex.submit(() -> call(h))).toList();
            List<Future<Void>> in = innocents(containers).stream().map(j -> ex.submit(() -> call(j))).toList();
            for (int i = 0; i < hostile.size(); i++) {
                out.put(hostile.get(i).name(), get(hs.get(i)));
            }
            in.forEach(HostileProgramsTest::get);
        }
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            innocents(containers).stream().map(j -> ex.submit(() -> call(j))).toList().forEach(HostileProgramsTest::get);
        }
        return out;
    }

    static <T> T call(Job<T> j) {
        try {
            return j.call().call();
        } catch (AssertionError e) {
            throw new AssertionError(j.name() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new AssertionError(j.name() + " threw " + e, e);
        }
    }

    static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError(e.getCause());
        }
    }

    static void passes(CodeVerdict v) {
        assertThat(v.sandboxError()).as("sandbox error").isNull();
        assertThat(v.passed()).as("passed: %s", v.firstFailure()).isTrue();
    }

    static void failsWithAVerdict(CodeVerdict v) {
        assertThat(v.sandboxError()).as("graded, not a sandbox error").isNull();
        assertThat(v.passed()).as("passed").isFalse();
    }

    static void printsExactly(RunResult r, String stdout) {
        assertThat(r.status()).as("status; stderr: %s", r.stderr()).isEqualTo(RunStatus.OK);
        assertThat(r.stdout()).isEqualTo(stdout);
    }

    /** Every hostile generation is graded and not passed; soft, so that one run reports every attack that got through. */
    static void noneOfThemPass(Map<String, CodeVerdict> verdicts) {
        SoftAssertions soft = new SoftAssertions();
        verdicts.forEach((name, v) -> {
            soft.assertThat(v.sandboxError()).as("%s: graded, not a sandbox error", name).isNull();
            soft.assertThat(v.passed()).as("%s: passed (%s)", name, v.firstFailure()).isFalse();
        });
        soft.assertAll();
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Forged passes on a stdin problem

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void forgedResultFramesDoNotPassAStdinProblem(int containers) {
        Problem abc = real.get(ABC301);
        Map<String, CodeVerdict> v = attack(containers, List.of(
                graded("fake frames into every descriptor", containers, abc, HostilePrograms.withSample("forged_frames.py", abc)),
                graded("a fake harness answering the sample to every test", containers, abc,
                        HostilePrograms.withSample("forged_harness.py", abc)),
                graded("the sample's output printed for every test", containers, abc,
                        "print(" + HostilePrograms.pyString(HostilePrograms.publicSample(abc)) + ", end='')\n")));
        noneOfThemPass(v);
        // The fake harness does answer: the driver counts the tests whose answer happens to be the sample's.
        CodeVerdict harness = v.get("a fake harness answering the sample to every test");
        assertThat(harness.testsPassed()).isLessThan(harness.testsTotal());
        assertThat(harness.firstFailure().expected()).isNotEqualTo(HostilePrograms.publicSample(abc));
    }

    // 1b. Answers that the comparison itself chokes on: still a wrong answer, not a harness failure

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void answersThatTripTheComparisonAreWrongAnswersNotSandboxErrors(int containers) {
        noneOfThemPass(attack(containers, List.of(
                graded("a signalling NaN printed where a number is expected", containers, HostilePrograms.expecting("number", "2\n"),
                        "print('sNaN')\n"),
                graded("a stdin answer frame that is not UTF-8", containers, ABC301, source("not_utf8.py").replace("KIND", "O")),
                graded("a call-based 'not plain data' frame that is not UTF-8", containers, SENIORS,
                        "class Solution:\n    def countSeniors(self, details):\n"
                                + source("not_utf8.py").replace("KIND", "N").indent(8) + "        return -1\n"),
                graded("a return value nested 5000 lists deep", containers, SENIORS,
                        "class Solution:\n    def countSeniors(self, details):\n        v = []\n"
                                + "        for _ in range(5000):\n            v = [v]\n        return v\n"))));
    }

    /**
     * Answers that cost the reader far more than the writer: a 2.5-million-digit integer (its decimal
     * text is quadratic to make) and a set of integers that all hash alike. The driver must not spend
     * the container's time on them; at worst they are a wrong answer, never a stall that ends as a
     * sandbox error. Two containers, both attacks at once, since a stall costs each try its whole deadline.
     */
    @Test
    void answersThatAreSlowToReadAreWrongAnswersNotStalls() {
        Problem call = HostilePrograms.callReturningTwo("countSeniors");
        noneOfThemPass(attack(2, List.of(
                graded("an integer of 8 million bits", 2, call,
                        "class Solution:\n    def countSeniors(self, details):\n        return 1 << (1 << 23)\n"),
                graded("a set of 80000 integers that all hash alike", 2, call, source("colliding_set.py")))));
    }

    /**
     * The same attacks under the CodeContests grader, which runs a fresh process per test: they fail,
     * each with a verdict, including one that floods both streams on each of 40 tests and one whose
     * folder tree the cleaner cannot remove between two tests.
     */
    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void hostileProgramsFailUnderTheCodeContestsGraderToo(int containers) {
        CodeGrader cc = new CodeGrader(sandbox(containers), WALL);
        CodeTests abc = (CodeTests) real.get(CF1873).gold();
        List<dev.arbiter.benchmark.TestCase> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new dev.arbiter.benchmark.TestCase("\n", "2\n", dev.arbiter.benchmark.TestCase.TestType.STDIN,
                    dev.arbiter.benchmark.TestCase.Visibility.UNMARKED));
        }
        CodeTests forty = new CodeTests(many, null, "", CodeTests.Coverage.PUBLIC_AND_PRIVATE);
        Map<String, CodeVerdict> v = attack(containers, List.of(
                new Job<>("daemon", () -> cc.grade(CF1873, abc, CodeGrader.Kind.CODECONTESTS, fenced(DAEMON))),
                new Job<>("closed folders, zero rlimits, SIGSTOP", () -> cc.grade(CF1873, abc, CodeGrader.Kind.CODECONTESTS, fenced(DISABLE))),
                new Job<>("IPC and file stash", () -> cc.grade(CF1873, abc, CodeGrader.Kind.CODECONTESTS, fenced(CARRY_OVER))),
                new Job<>("a folder tree 1500 levels deep on every test",
                        () -> cc.grade(CF1873, abc, CodeGrader.Kind.CODECONTESTS, fenced(DEEP_TREE))),
                new Job<>("9 MiB on both streams on each of 40 tests",
                        () -> cc.grade("forty", forty, CodeGrader.Kind.CODECONTESTS, fenced(source("flood_both.py"))))));
        noneOfThemPass(v);
        passes(cc.grade(CF1873, abc, CodeGrader.Kind.CODECONTESTS, fenced(HostilePrograms.ABC_IF_CLEAN)));
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Call-based forgeries

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void callBasedForgeriesDoNotPass(int containers) {
        List<Job<CodeVerdict>> hostile = new ArrayList<>();
        hostile.add(graded("an object equal to everything", containers, SENIORS, source("always_equal.py")));
        for (String[] sub : new String[][] {{"int", "0"}, {"str", "'2'"}, {"list", "[2]"}, {"float", "2.5"}, {"tuple", "(2,)"},
                {"dict", "{2: 2}"}}) {
            hostile.add(graded(sub[0] + " subclass equal to everything", containers, SENIORS,
                    source("builtin_subclass.py").replace("BASE", sub[0]).replace("VALUE", sub[1])));
        }
        hostile.add(graded("expected outputs looked for in frames and the heap", containers, SENIORS, source("snoop.py")));
        hostile.add(graded("json, builtins and the harness's encoder patched", containers, SENIORS, source("patcher.py")));
        noneOfThemPass(attack(containers, hostile));
        // Plain data that LiveCodeBench's own comparison accepts still passes: a numpy integer.
        passes(grade(containers, SENIORS, source("numpy_seniors.py")));
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Daemons that outlive their job; 4. jobs that try to disable the container

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void aDaemonDoesNotOutliveItsGeneration(int containers) {
        Map<String, CodeVerdict> v = attack(containers, List.of(
                graded("a daemon reading the harness's files and killing every process", containers, ABC301, DAEMON),
                graded("SIGSTOP and SIGKILL to every process, then a daemon", containers, ABC301, KILL_ALL_THEN_DAEMON)));
        noneOfThemPass(v);
        // The daemon did run: the generation saw it before it ended, and printed that as its answer.
        assertThat(v.get("a daemon reading the harness's files and killing every process").firstFailure().output())
                .isEqualTo("left a daemon running\n");
    }

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void aGenerationCannotDisableTheContainer(int containers) {
        Map<String, CodeVerdict> v = attack(containers, List.of(
                graded("closed folders, zero rlimits and SIGSTOP for every process", containers, ABC301, DISABLE),
                graded("a folder tree 1500 levels deep", containers, ABC301, DEEP_TREE),
                graded("the container's memory held in SysV shared memory", containers, ABC301, source("shm_fill.py"))));
        noneOfThemPass(v);
        // It got as far as its attempts on PID 1, which were refused.
        assertThat(v.get("closed folders, zero rlimits and SIGSTOP for every process").firstFailure().output())
                .startsWith("prlimit 1 NOFILE errno 1\nprlimit 1 NPROC errno 1\nprlimit 1 AS errno 1\nSIGSTOP 1 errno 1\n");
    }

    // ---------------------------------------------------------------------------------------------
    // 5. Carry-over: one container, so that the next job runs where the stash was made

    @Test
    void nothingAGenerationStashesReachesTheNextJob() {
        CodeVerdict stash = grade(1, ABC301, CARRY_OVER);
        failsWithAVerdict(stash);
        assertThat(stash.firstFailure().output()).startsWith("stashed").contains("mq_send 0").contains("msgsnd 0").contains("semctl 0");
        passes(grade(1, PROBE_PROBLEM, PROBE));
        innocents(1).forEach(HostileProgramsTest::call);
    }

    @Test
    void theProbeSeesWhatAJobLeavesWhileItRuns() {
        // The probe's "clean" means something: run in the same job as the stash and a live child, it finds them all.
        String both = CARRY_OVER + "\nimport posix, time\nif posix.fork() == 0:\n    time.sleep(30)\n" + PROBE;
        RunResult r = sandbox(1).run(both, "", Limits.DEFAULT);
        assertThat(r.stdout()).contains("of my uid").contains("/tmp/stash-000").contains("/tmp/stash-300").contains("/dev/shm/stash-000")
                .contains("/dev/mqueue/arbiter-stash").contains("/tmp/job/stash-000").contains("sysv msg")
                .contains("sysv sem").contains("msgget found the stash")
                .contains("semget found the stash").contains("mq_open found the stash");
        // A SysV segment dies with its last attach (kernel.shm_rmid_forced): the stash's, once detached, is gone already.
        assertThat(r.stdout()).doesNotContain("sysv shm").doesNotContain("shmget found the stash");
        printsExactly(sandbox(1).run(PROBE, "", Limits.DEFAULT), "clean\n");
    }

    // ---------------------------------------------------------------------------------------------
    // 6. Smaller ones

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void forgedFramesOfEightMebibytesLeaveASmallVerdict(int containers) {
        String frame = source("big_frame.py");
        Map<String, CodeVerdict> v = attack(containers, List.of(
                graded("a 9 MiB answer frame", containers, ABC301, frame.replace("KIND", "O").replace("SIZE", "(9 << 20)")),
                graded("an 8 MiB runtime-error frame", containers, ABC301, frame.replace("KIND", "X").replace("SIZE", "(8 << 20)")),
                graded("an 8 MiB time-out frame", containers, ABC301, frame.replace("KIND", "T").replace("SIZE", "(8 << 20)")),
                graded("an 8 MiB load-error frame", containers, SENIORS, source("big_frame_at_load.py"))));
        noneOfThemPass(v);
        SoftAssertions soft = new SoftAssertions();
        v.forEach((name, verdict) -> soft.assertThat(Json.line(verdict).length()).as("%s: size of the verdict", name).isLessThan(10_000));
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void perTestTimesAreTheDriversOwn(int containers) {
        CodeVerdict v = attack(containers, List.of(graded("0.3 s per test, fake timings written", containers, CF1873,
                source("sleepy.py") + ABC_OK))).values().iterator().next();
        passes(v);
        assertThat(v.perTest()).hasSize(((CodeTests) real.get(CF1873).gold()).tests().size())
                // The driver's clock starts once it has sent the input, and a busy machine may run the
                // program's first steps before that: a few milliseconds under the 0.3 s it sleeps.
                .allSatisfy(t -> assertThat(t.wallMs()).isGreaterThanOrEqualTo(280));
    }

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void helperProcessesCannotHideCpuTimeFromTheCpuClock(int containers) {
        CodeGrader cpu = new CodeGrader(sandbox(containers), new CodeGrader.Settings(1, LcbRequest.Clock.CPU, Limits.DEFAULT));
        Problem p = real.get(CF1873);
        Map<String, CodeVerdict> v = attack(containers, List.of(
                new Job<>("a forked helper burning CPU while the program waits", () -> cpu.grade(p, fenced(source("cpu_helper.py") + ABC_OK))),
                new Job<>("short-lived orphans burning CPU while the program waits",
                        () -> cpu.grade(p, fenced(source("cpu_orphans.py") + ABC_OK)))));
        noneOfThemPass(v);
        v.forEach((name, verdict) -> assertThat(verdict.results()).as(name).last().isEqualTo(-3));
        passes(cpu.grade(p, fenced(ABC_OK)));
    }

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void systemCallsAJobNeverNeedsAreRefused(int containers) {
        RunResult r = attack(containers, List.of(plain("io_uring, unshare, ptrace", containers, source("syscalls.py"))))
                .values().iterator().next();
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.OK);
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(4);
        // "<call> -1 <errno>": refused with EPERM (1) or ENOSYS (38).
        assertThat(lines).allSatisfy(l -> assertThat(l).matches(".* -1 (1|38)"));
    }

    // ---------------------------------------------------------------------------------------------
    // 7. LiveCodeBench's runner, as honest programs meet it

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void stdinIdiomsPassAsInLiveCodeBench(int containers) {
        Map<String, CodeVerdict> v = attack(containers, List.of(
                graded("input = lambda: sys.stdin.readline()[:-1]", containers, ABC301, """
                        import sys
                        input = lambda: sys.stdin.readline()[:-1]
                        n = int(input())
                        s = input()
                        t, a = s.count("T"), s.count("A")
                        print(("T" if t > a else "A") if t != a else ("A" if s[-1] == "T" else "T"))
                        """),
                graded("input() until EOFError", containers, CF1873, """
                        lines = []
                        while True:
                            try:
                                line = input()
                            except EOFError:
                                break
                            lines.append(line)
                        for s in lines[1:int(lines[0]) + 1]:
                            print("YES" if sum(1 for x, y in zip(s.strip(), "abc") if x != y) in (0, 2) else "NO")
                        """),
                graded("sys.stdin.readline() until it is empty", containers, CF1873, """
                        import sys
                        lines = []
                        while True:
                            line = sys.stdin.readline()
                            if not line:
                                break
                            lines.append(line.strip())
                        for s in lines[1:int(lines[0]) + 1]:
                            print("YES" if sum(1 for x, y in zip(s, "abc") if x != y) in (0, 2) else "NO")
                        """),
                graded("import numpy", containers, ABC301, """
                        import numpy as np
                        n = int(input())
                        s = np.array(list(input().strip()))
                        t, a = int((s == "T").sum()), int((s == "A").sum())
                        print(("T" if t > a else "A") if t != a else ("A" if s[-1] == "T" else "T"))
                        """)));
        v.forEach((name, verdict) -> {
            assertThat(verdict.sandboxError()).as(name).isNull();
            assertThat(verdict.passed()).as("%s: %s", name, verdict.firstFailure()).isTrue();
        });
    }

    // ---------------------------------------------------------------------------------------------
    // 8. The same attacks as plain runs (Sandbox.run)

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void plainRunDaemonsDoNotOutliveTheirRun(int containers) {
        Map<String, RunResult> r = attack(containers, List.of(
                plain("daemon", containers, DAEMON),
                plain("kill everything, then a daemon", containers, KILL_ALL_THEN_DAEMON)));
        r.forEach((name, run) -> assertThat(run.stdout()).as(name).contains("left a daemon running"));
        // Every process there is but the job's own is root's: each signal to it, PID 1's included, is refused.
        String refusals = r.get("kill everything, then a daemon").stdout();
        assertThat(refusals).contains("kill 1 SIGSTOP errno 1").contains("kill 1 SIGKILL errno 1");
        assertThat(pidsRefused(refusals, "kill (\\d+) SIGKILL errno 1")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(refusals).doesNotContainPattern("kill \\d+ SIG\\w+ errno (?!1\\b)\\d+");
    }

    @ParameterizedTest(name = "{0} container(s)")
    @ValueSource(ints = {1, 2})
    void plainRunsCannotDisableTheContainer(int containers) {
        Map<String, RunResult> r = attack(containers, List.of(
                plain("closed folders, zero rlimits, SIGSTOP", containers, DISABLE),
                plain("a folder tree 1500 levels deep", containers, DEEP_TREE)));
        RunResult disable = r.get("closed folders, zero rlimits, SIGSTOP");
        assertThat(disable.status()).as(disable.stderr()).isEqualTo(RunStatus.OK);
        List<String> attempts = disable.stdout().lines().toList();
        // The driver (1) and both fork servers at least; every prlimit and SIGSTOP refused with EPERM.
        assertThat(pidsRefused(disable.stdout(), "SIGSTOP (\\d+) errno 1")).contains(1).hasSizeGreaterThanOrEqualTo(3);
        assertThat(attempts).filteredOn(l -> l.startsWith("prlimit 1 ")).hasSize(3);
        assertThat(attempts).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(" errno 1"));
        assertThat(r.get("a folder tree 1500 levels deep").stdout()).isEqualTo("planted a deep tree\n");
    }

    @Test
    void plainRunsStashNothingForTheNextRun() {
        RunResult stash = sandbox(1).run(CARRY_OVER, "", Limits.DEFAULT);
        assertThat(stash.status()).as(stash.stderr()).isEqualTo(RunStatus.OK);
        assertThat(stash.stdout()).startsWith("stashed").contains("mq_send 0").contains("msgsnd 0").contains("semctl 0");
        printsExactly(sandbox(1).run(PROBE, "", Limits.DEFAULT), "clean\n");
        innocents(1).forEach(HostileProgramsTest::call);
    }

    static List<Integer> pidsRefused(String out, String regex) {
        List<Integer> pids = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(out);
        while (m.find()) {
            pids.add(Integer.parseInt(m.group(1)));
        }
        return pids;
    }
}
