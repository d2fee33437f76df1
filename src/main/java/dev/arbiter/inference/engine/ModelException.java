package dev.arbiter.inference.engine;

/** A model folder, checkpoint or request the engine cannot use; the message says why, in one line. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
