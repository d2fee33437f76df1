package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.TestCase;
import dev.arbiter.perf.BenchSolutions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every language on a real LiveCodeBench problem (AtCoder abc301_a, with its own tests), on the
 * polyglot image: a right solution passes every test, and a wrong, a slow, a memory-hungry, a
 * crashing and a non-compiling one each get their own verdict, measured by the driver. The programs
 * are ours: the right ones in src/main/resources/dev/arbiter/perf/abc301_a/ (the bench runs them
 * too), the others under src/test/resources/dev/arbiter/sandbox/languages/.
 */
@Tag("docker")
@Tag("data")
@Tag("slow")
class LanguagesTest {
    @TempDir
    static Path cache;

    static Sandbox pool;
    static List<TestCase> tests;
    /** Tight enough that the slow and hungry programs end soon; roomy for a JVM's start. */
    static final Limits LIMITS = new Limits(6_000, 3_000, 256, 8L << 20, 16L << 20);

    @BeforeAll
    static void start() {
        DockerRequired.check();
        tests = RealProblems.abc301(cache);
        assertThat(tests).hasSizeGreaterThan(3);
        pool = Sandbox.start(SandboxConfig.defaults().polyglot().withContainers(1));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
    }

    static String program(Language language, String kind) {
        if (kind.equals("correct")) {
            return BenchSolutions.overallWinner(language);
        }
        String name = "languages/" + language.wireName() + "/" + kind + "." + language.extension();
        try (InputStream in = LanguagesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a program on the given tests, its outputs compared in the driver by LiveCodeBench's rule. */
    static ProgramExecution<ProgramRun> run(Language language, String kind, List<TestCase> on) {
        return run(language, kind, on, LIMITS);
    }

    static ProgramExecution<ProgramRun> run(Language language, String kind, List<TestCase> on, Limits limits) {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(language, program(language, kind),
                on.stream().map(TestCase::input).toList(), on.stream().map(TestCase::output).toList(), limits, false));
        assertThat(ex.sandboxError()).as(language + " " + kind).isNull();
        return ex;
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aRightSolutionPassesEveryTest(Language language) {
        ProgramExecution<ProgramRun> ex = run(language, "correct", tests);
        assertThat(ex.compile()).as("every language is compiled or syntax-checked first").isPresent();
        assertThat(ex.compile().get().ok()).as(ex.compile().get().message()).isTrue();
        assertThat(ex.runs()).hasSameSizeAs(tests);
        for (int i = 0; i < tests.size(); i++) {
            ProgramRun r = ex.runs().get(i);
            assertThat(r.accepted()).as("test %d: %s %s", i, r.wrong(), r.result().stderr()).isTrue();
            assertThat(r.result().stdout().strip()).as("test %d", i).isEqualTo(tests.get(i).output().strip());
            // A run over before the driver's first sample has no peak to report, rather than a made-up one.
            assertThat(r.result().maxRssKb()).as("peak memory, when sampled").satisfiesAnyOf(kb -> assertThat(kb).isNull(),
                    kb -> assertThat(kb).isPositive());
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aWrongAnswerRunsAndIsWrong(Language language) {
        ProgramExecution<ProgramRun> ex = run(language, "wrong", tests);
        assertThat(ex.compiled()).isTrue();
        assertThat(ex.runs()).allSatisfy(r -> assertThat(r.result().status()).isEqualTo(RunStatus.OK));
        assertThat(ex.runs()).filteredOn(r -> !r.accepted()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.wrong()).startsWith("Wrong answer"));
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aSlowProgramRunsOutOfTime(Language language) {
        RunResult r = run(language, "slow", tests.subList(0, 1)).runs().get(0).result();
        assertThat(r.status()).as(r.stderr()).isIn(RunStatus.CPU_LIMIT, RunStatus.TIMEOUT);
        assertThat(r.cpuMs()).isGreaterThanOrEqualTo(LIMITS.cpuMs() / 2);
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aMemoryHungryProgramIsOverTheMemoryLimit(Language language) {
        // Clocks far from the memory's limit: bash fills its memory slowly (a few seconds of CPU on a
        // loaded machine), and the verdict must be memory's, not the clock's.
        RunResult r = run(language, "memory", tests.subList(0, 1), LIMITS.withCpuMs(20_000).withWallMs(40_000)).runs().get(0).result();
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.MEMORY_LIMIT);
        assertThat(r.maxRssKb()).as("the peak the driver measured").isGreaterThan((long) LIMITS.memoryMb() << 9);
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aCrashIsARuntimeError(Language language) {
        RunResult r = run(language, "crash", tests.subList(0, 1)).runs().get(0).result();
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.RUNTIME_ERROR);
        assertThat(r.exitCode() != null ? r.exitCode() : r.signal()).as("an exit code or a signal says how").isNotNull().isNotZero();
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void aProgramThatDoesNotCompileIsACompileErrorWithTheCompilersMessage(Language language) {
        ProgramExecution<ProgramRun> ex = run(language, "broken", tests);
        assertThat(ex.compiled()).isFalse();
        assertThat(ex.runs()).isEmpty();
        CompileResult c = ex.compile().orElseThrow();
        assertThat(c.reason()).isEqualTo("the compiler failed");
        assertThat(c.message()).as("the compiler's own words").isNotBlank().containsAnyOf("error", "Error", "expected", "unexpected");
    }
}
