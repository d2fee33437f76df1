package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The driver's own measurement of a job, white-box: its Python imported in the sandbox image with
 * the driver's identity, a job's child made slow to reach its exec (as a loaded host makes it).
 * Until that exec the child is a copy of the driver and holds the driver's pages; a right program
 * must not be charged for them. And the driver's baseline of the container's memory is read before
 * the fork, so that what the program stores where no process maps it is charged however late the
 * driver first looks. A child that never reaches its exec is the harness's failure, never a
 * verdict on the program.
 */
@Tag("docker")
class DriverSpawnTest {
    @BeforeAll
    static void docker() {
        DockerRequired.check();
    }

    @Test
    void aChildSlowToExecIsNotChargedForTheDriversPagesNorForTheTime() throws IOException {
        String[] said = runBesideTheDriver("slow_exec.py");
        assertThat(said).hasSize(4);
        assertThat(said[2]).as("MiB the driver held").isEqualTo("192");
        // the 300 ms before the exec are the harness's: a right program's wall clock starts at its exec
        assertThat(Long.parseLong(said[3])).as("wall ms of /bin/true").isLessThan(300);
        assertThat(said[0]).as("a right program's verdict, peak %s kB", said[1]).isEqualTo("ok");
        if (!said[1].equals("None")) { // over before its first sample: a peak not known, never one made up
            assertThat(Long.parseLong(said[1])).as("peak kB").isLessThan(64 << 10);
        }
    }

    @Test
    void memoryHiddenBeforeTheDriversFirstLookIsStillCharged() throws IOException {
        // 100 MB in a file in /tmp (no process maps it) under a 64 MiB limit, written while the
        // driver's first read of the container's memory is late
        String[] said = runBesideTheDriver("late_base.py");
        assertThat(said).hasSize(2);
        assertThat(said[0]).as("peak %s kB", said[1]).isEqualTo("memory_limit");
    }

    @ParameterizedTest
    @CsvSource({"stop, did not reach its exec", "fail, failed before its exec of /usr/bin/python3: PermissionError"})
    void aChildThatNeverExecsIsTheHarnesssFailureNotTheProgramsVerdict(String how, String why) throws IOException {
        String[] said = runBesideTheDriver("never_exec.py", how);
        assertThat(said).hasSize(1);
        JsonNode got = new ObjectMapper().readTree(said[0]);
        JsonNode answer = got.get("answer");
        // before: a right program's compile came out "compile_error" (the child killed, or exit 127)
        assertThat(answer.has("compile")).as("no compile report, a verdict on the program: %s", answer).isFalse();
        assertThat(answer.has("runs")).as("no runs: %s", answer).isFalse();
        assertThat(answer.path("error").asText()).as("%s", answer).startsWith("sandbox harness failed: the job's process ").contains(why);
        assertThat(got.get("retire").asBoolean()).as("the container takes no further job").isTrue();
    }

    @Test
    void aBuildTheKernelWillNotExecuteIsTheProgramsRuntimeError() throws IOException {
        // the harness's failure is only the harness's: a program whose own build cannot be executed
        // must not turn its failed test into a missing one by failing its exec
        String[] said = runBesideTheDriver("own_binary.py");
        assertThat(said).hasSize(1);
        JsonNode run = new ObjectMapper().readTree(said[0]);
        assertThat(run.path("status").asText()).as("%s", run).isEqualTo("runtime_error");
        assertThat(run.path("exit_code").asInt()).isEqualTo(127);
        assertThat(run.path("stderr").asText()).isEqualTo("cannot execute main: Permission denied\n");
    }

    /** Runs one of the white-box scripts in the sandbox image with the driver's identity; its last line, split. */
    private static String[] runBesideTheDriver(String script, String... args) throws IOException {
        String code;
        try (InputStream in = DriverSpawnTest.class.getResourceAsStream(script)) {
            code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(SandboxConfig.defaults().image()))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("none")
                .withTmpFs(Map.of("/run/arbiter", "rw,mode=0700", "/run/arbiter-bin", "rw,exec,mode=0755", "/tmp", "rw,mode=1777"))
                .withCreateContainerCmdModifier(cmd -> cmd.withUser("0:0"))
                .withCommand(java.util.stream.Stream.concat(java.util.stream.Stream.of("python3", "-I", "-c", code), java.util.Arrays.stream(args))
                        .toArray(String[]::new))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            c.start();
            String[] lines = c.getLogs().strip().split("\n");
            return lines[lines.length - 1].split(" ");
        }
    }
}
