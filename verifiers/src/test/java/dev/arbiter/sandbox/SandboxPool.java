package dev.arbiter.sandbox;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real sandbox pool for a test class, registered as a static extension: Docker is checked first (so the
 * class skips, or fails in CI, as {@link DockerRequired} says), the pool starts before the class's own
 * {@code @BeforeAll} methods and is closed after the class.
 */
public final class SandboxPool implements BeforeAllCallback, AfterAllCallback {
    private final SandboxConfig config;
    private Sandbox sandbox;

    public SandboxPool(int containers) {
        this.config = SandboxConfig.defaults().withContainers(containers);
    }

    public Sandbox get() {
        if (sandbox == null) {
            throw new IllegalStateException("the sandbox pool starts before the test class, as a static @RegisterExtension");
        }
        return sandbox;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        DockerRequired.check();
        sandbox = Sandbox.start(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
    }
}
