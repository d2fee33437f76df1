package dev.arbiter.verify.math;

import java.time.Duration;

/** Verifiers for tests: the production wiring, with a Symja child already started. */
final class TestVerifiers {
    private TestVerifiers() {}

    static MathVerifier withSymja() {
        MathVerifier v = new MathVerifier();
        // on a fresh machine the first child also records its class-data archive: give it time, so
        // that no later verdict in the test depends on how fast that was
        MathVerdict warm = v.verify("x^2-1", "$(x-1)(x+1)$", MathConfig.defaults().withDeadline(Duration.ofSeconds(60)));
        if (!warm.reason().equals("symja")) {
            throw new IllegalStateException("Symja did not answer: " + warm);
        }
        return v;
    }
}
