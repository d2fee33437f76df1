package dev.arbiter.inference;

/** A generation failed for good (after retries), or the server's answer made no sense. */
public final class InferenceException extends RuntimeException {
    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
