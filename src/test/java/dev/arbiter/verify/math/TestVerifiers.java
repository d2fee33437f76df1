package dev.arbiter.verify.math;

/** Verifiers for tests: the production wiring, with Symja child processes. */
final class TestVerifiers {
    private TestVerifiers() {}

    static MathVerifier withSymja() {
        return new MathVerifier();
    }
}
