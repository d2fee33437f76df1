package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The driver's own measurement of a job, white-box: its Python imported in the sandbox image with
 * the driver's identity, a job's child made slow to reach its exec (as a loaded host makes it).
 * Until that exec the child is a copy of the driver and holds the driver's pages; a right program
 * must not be charged for them.
 */
@Tag("docker")
class DriverSpawnTest {
    @BeforeAll
    static void docker() {
        DockerRequired.check();
    }

    @Test
    void aChildSlowToExecIsNotChargedForTheDriversPages() throws IOException {
        String script;
        try (InputStream in = DriverSpawnTest.class.getResourceAsStream("slow_exec.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(SandboxConfig.defaults().image()))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("none")
                .withTmpFs(Map.of("/run/arbiter", "rw,mode=0700", "/tmp", "rw,mode=1777"))
                .withCreateContainerCmdModifier(cmd -> cmd.withUser("0:0"))
                .withCommand("python3", "-I", "-c", script)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            c.start();
            String[] said = c.getLogs().strip().split(" ");
            assertThat(said).as(c.getLogs()).hasSize(3);
            assertThat(said[2]).as("MiB the driver held").isEqualTo("192");
            assertThat(said[0]).as("a right program's verdict, peak %s kB", said[1]).isEqualTo("ok");
            if (!said[1].equals("None")) { // over before its first sample: a peak not known, never one made up
                assertThat(Long.parseLong(said[1])).as("peak kB").isLessThan(64 << 10);
            }
        }
    }
}
