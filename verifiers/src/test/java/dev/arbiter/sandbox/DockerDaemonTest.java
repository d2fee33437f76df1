package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Docker daemon answers during the tests, and the offline-built sandbox image runs with no
 * network and without any registry pull. CI sets ARBITER_REQUIRE_DOCKER=1, so there a missing
 * daemon fails the build instead of skipping.
 */
class DockerDaemonTest {
    static final String IMAGE = System.getenv().getOrDefault("ARBITER_SANDBOX_IMAGE", "arbiter/sandbox-python:1");

    @BeforeAll
    static void daemon() {
        boolean up = DockerClientFactory.instance().isDockerAvailable();
        if (System.getenv("ARBITER_REQUIRE_DOCKER") != null) {
            assertThat(up).as("Docker daemon reachable (ARBITER_REQUIRE_DOCKER is set)").isTrue();
        }
        assumeTrue(up, "no Docker daemon; `bash .ci/run` starts one");
    }

    @Test
    void dockerInfoAnswers() {
        DockerClient client = DockerClientFactory.instance().client();
        Info info = client.infoCmd().exec();
        System.out.printf("docker info: server %s, storage %s, %d CPUs, %d images%n",
                info.getServerVersion(), info.getDriver(), info.getNCPU(), info.getImages());
        assertThat(info.getServerVersion()).isNotBlank();
        assertThat(client.inspectImageCmd(IMAGE).exec().getConfig().getLabels())
                .as("image built by sandbox/build-offline.sh").containsKey("arbiter.recipe");
    }

    @Test
    void theOfflineSandboxImageRunsPythonWithoutNetwork() {
        try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("none")
                .withCommand("python3", "-c",
                        "import socket, os, sys\n"
                                + "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); net = 'open'\n"
                                + "except OSError:\n    net = 'closed'\n"
                                + "print(sys.version_info[0], os.getuid(), net, sum(range(10)))")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
            c.start();
            assertThat(c.getLogs().strip()).isEqualTo("3 65534 closed 45");
        }
    }
}
