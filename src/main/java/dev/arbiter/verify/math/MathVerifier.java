package dev.arbiter.verify.math;

/**
 * Decides whether a model's output reaches the gold answer. Thread-safe: one instance serves any
 * number of threads. Close it to stop the CAS worker processes it may have started.
 */
public final class MathVerifier implements AutoCloseable {
    private final MathConfig defaults;

    public MathVerifier(MathConfig defaults) {
        this.defaults = defaults;
    }

    public MathVerifier() {
        this(MathConfig.defaults());
    }

    public MathConfig defaults() {
        return defaults;
    }

    /** Verifies with this verifier's default config. Never throws for any input text. */
    public MathVerdict verify(String gold, String prediction) {
        return verify(gold, prediction, defaults);
    }

    /** Verifies with the given config. Never throws for any input text. */
    public MathVerdict verify(String gold, String prediction, MathConfig config) {
        throw new UnsupportedOperationException("not yet built");
    }

    @Override
    public void close() {}
}
