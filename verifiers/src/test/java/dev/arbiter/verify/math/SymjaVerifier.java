package dev.arbiter.verify.math;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The production math verifier for a test class, with its Symja child started before the first test and closed after the class. */
final class SymjaVerifier implements BeforeAllCallback, AfterAllCallback {
    private MathVerifier verifier;

    MathVerifier get() {
        if (verifier == null) {
            throw new IllegalStateException("the verifier starts before the test class, as a static @RegisterExtension");
        }
        return verifier;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        verifier = new MathVerifier();
        // on a fresh machine the first child also records its class-data archive: give it time, so
        // that no later verdict in the test depends on how fast that was
        MathVerdict warm = verifier.verify("x^2-1", "$(x-1)(x+1)$", MathConfig.defaults().withDeadline(Duration.ofSeconds(60)));
        if (!warm.reason().equals("symja")) {
            throw new IllegalStateException("Symja did not answer: " + warm);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (verifier != null) {
            verifier.close();
            verifier = null;
        }
    }
}
