package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.TestCase;
import dev.arbiter.perf.BenchSolutions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile suite in C++, through the {@code program} op on the polyglot image: fork bomb,
 * memory, disk, network, daemon, persistence, forgery, and a compile that never ends (the sources,
 * each saying what it tries, are under src/test/resources/dev/arbiter/sandbox/hostile-cpp/). Every
 * attack runs on a pool of one container, so the jobs after it land where it ran. Each attack must
 * fail as a verdict (never a sandbox error, which would count it as missing), and after it the
 * Python probe of the Python suite must find nothing left, and a right C++ solution must pass every
 * test of the real problem.
 */
@Tag("docker")
@Tag("data")
@Tag("slow")
class HostileCppTest {
    @TempDir
    static Path cache;

    static Sandbox pool;
    static List<TestCase> tests;
    static final Limits LIMITS = new Limits(4_000, 2_000, 256, 8L << 20, 16L << 20);

    @BeforeAll
    static void start() {
        DockerRequired.check();
        tests = RealProblems.abc301(cache);
        pool = Sandbox.start(SandboxConfig.defaults().polyglot().withContainers(1));
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
    }

    /** After every attack: nothing left for the probe, and a right solution passes every test. */
    @AfterEach
    void innocentJobsAfterwardGetTheirRightVerdicts() {
        RunResult probe = pool.run(HostilePrograms.PROBE, "", Limits.DEFAULT);
        assertThat(probe.stdout()).as("what the probe found: %s", probe.stderr()).isEqualTo("clean\n");
        ProgramExecution<ProgramRun> right = attack(BenchSolutions.overallWinner(Language.CPP), false);
        assertThat(right.runs()).hasSameSizeAs(tests).allSatisfy(r -> assertThat(r.accepted()).as(r.result().stderr()).isTrue());
    }

    static String source(String name) {
        return resource("hostile-cpp/" + name);
    }

    static String resource(String name) {
        try (InputStream in = HostileCppTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ProgramExecution<ProgramRun> attack(String code, boolean stopOnFailure) {
        ProgramExecution<ProgramRun> ex = pool.program(new ProgramRequest(Language.CPP, code, tests.stream().map(TestCase::input).toList(),
                tests.stream().map(TestCase::output).toList(), LIMITS, stopOnFailure));
        assertThat(ex.sandboxError()).as("a hostile program gets a verdict, not a sandbox error").isNull();
        return ex;
    }

    /** Runs an attack to its first failed test and checks what it got there. */
    static void failsWith(String name, Consumer<ProgramRun> first) {
        ProgramExecution<ProgramRun> ex = attack(source(name), true);
        assertThat(ex.compiled()).as(ex.compile().map(CompileResult::message).orElse("")).isTrue();
        assertThat(ex.runs()).as("the attack did not pass").anySatisfy(r -> assertThat(r.accepted()).isFalse());
        first.accept(ex.runs().stream().filter(r -> !r.accepted()).findFirst().orElseThrow());
    }

    @Test
    void aForkBombRunsOutOfTimeAndLeavesNoProcess() {
        failsWith("fork_bomb.cpp", r -> assertThat(r.result().status()).isIn(RunStatus.CPU_LIMIT, RunStatus.TIMEOUT));
    }

    @Test
    void memorySpreadOverProcessesIsOverTheLimit() {
        failsWith("memory_burst.cpp", r -> assertThat(r.result().status()).isEqualTo(RunStatus.MEMORY_LIMIT));
    }

    @Test
    void aFullDiskIsEmptiedBeforeTheNextJob() {
        failsWith("disk_fill.cpp", r -> assertThat(r.wrong()).startsWith("Wrong answer"));
    }

    @Test
    void thereIsNoNetwork() {
        ProgramExecution<ProgramRun> ex = pool.program(ProgramRequest.runs(Language.CPP, source("network.cpp"), List.of(""), LIMITS));
        assertThat(ex.runs()).singleElement().satisfies(r -> assertThat(r.result().stdout()).isEqualTo("blocked\n"));
    }

    @Test
    void aDaemonDoesNotOutliveItsJob() {
        failsWith("daemon.cpp", r -> assertThat(r.wrong()).startsWith("Wrong answer"));
    }

    @Test
    void nothingStashedSurvivesTheJob() {
        failsWith("carry_over.cpp", r -> assertThat(r.wrong()).startsWith("Wrong answer"));
    }

    @Test
    void aWrongProgramCannotForgeItsPass() {
        List<String> before = pool.containerIds();
        failsWith("forgery.cpp", r -> {
            assertThat(r.wrong()).startsWith("Wrong answer");
            assertThat(r.result().stderr()).contains("driver stdout:", "program rewrite:", "signal driver:").doesNotContain("DONE");
        });
        assertThat(pool.containerIds()).as("the driver was not stopped").isEqualTo(before);
    }

    @Test
    void memoryNoProcessMapsStillCounts() {
        failsWith("memfd_memory.cpp", r -> assertThat(r.result().status()).isEqualTo(RunStatus.MEMORY_LIMIT));
        // Detached SysV segments do not outlive their last attach: the program loses them, or is over the limit.
        failsWith("shm_windows.cpp", r -> assertThat(r.result().status()).isIn(RunStatus.MEMORY_LIMIT, RunStatus.RUNTIME_ERROR));
    }

    @Test
    void aBinaryTooBigToKeepIsACompileError() {
        ProgramExecution<ProgramRun> ex = attack(source("huge_binary.cpp"), true);
        assertThat(ex.compiled()).isFalse();
        assertThat(ex.compile().orElseThrow().reason()).containsAnyOf("more than", "could not be kept");
    }

    @Test
    void aJavaPackageNestedTooDeepIsACompileError() {
        String pkg = String.join(".", java.util.Collections.nCopies(1200, "a"));
        ProgramExecution<ProgramRun> ex = pool.program(ProgramRequest.runs(Language.JAVA, "package " + pkg + ";\npublic class Main { "
                + "public static void main(String[] a) { System.out.println(1); } }\n", List.of(""), LIMITS));
        assertThat(ex.sandboxError()).isNull();
        assertThat(ex.compiled()).isFalse();
    }

    @Test
    void aRightProgramIsNotChargedForTheDriversMemory() {
        // Large inputs, which the driver holds while the program runs, and a small memory limit.
        String big = "1\n" + "x".repeat(24 << 20) + "\n";
        ProgramExecution<ProgramRun> ex = pool.program(ProgramRequest.runs(Language.CPP, "#include <cstdio>\nint main() { std::puts(\"1\"); }\n",
                List.of(big, big, big, big), LIMITS.withMemoryMb(64)));
        assertThat(ex.runs()).hasSize(4).allSatisfy(r -> assertThat(r.result().status()).as("peak %s kB", r.result().maxRssKb())
                .isEqualTo(RunStatus.OK));
    }

    @Test
    void aCompileThatNeverEndsIsACompileError() {
        ProgramExecution<ProgramRun> ex = attack(source("compile_bomb.cpp"), true);
        assertThat(ex.compiled()).isFalse();
        assertThat(ex.compile().orElseThrow().reason()).containsAnyOf("memory limit", "time limit", "compiler failed");
    }
}
