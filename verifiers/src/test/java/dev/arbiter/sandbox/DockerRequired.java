package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Docker tests skip without a daemon, except in CI (ARBITER_REQUIRE_DOCKER=1), where they fail. A test class
 * says so with {@code @ExtendWith(DockerRequired.class)}, or calls {@link #check()} itself.
 */
public final class DockerRequired implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        check();
    }

    public static void check() {
        boolean up;
        try {
            Sandbox.connect().close();
            up = true;
        } catch (Exception e) {
            up = false;
        }
        if (System.getenv("ARBITER_REQUIRE_DOCKER") != null) {
            assertThat(up).as("Docker daemon reachable (ARBITER_REQUIRE_DOCKER is set)").isTrue();
        }
        assumeTrue(up, "no Docker daemon; `bash .ci/run` starts one");
    }

    /** The label every sandbox container carries. */
    public static String sandboxLabel() {
        return DockerWorker.LABEL;
    }

    /** Containers labelled as Arbiter sandboxes, running or not. */
    public static java.util.List<String> sandboxContainers() throws Exception {
        Process p = new ProcessBuilder("docker", "ps", "-a", "-q", "--filter", "label=" + DockerWorker.LABEL).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out.isEmpty() ? java.util.List.of() : java.util.List.of(out.split("\\s+"));
    }
}
