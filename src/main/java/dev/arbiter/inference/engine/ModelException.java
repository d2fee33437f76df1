package dev.arbiter.inference.engine;

import dev.arbiter.ArbiterException;

/** A model folder, checkpoint or request the engine cannot use; the message says why, in one line. */
public final class ModelException extends ArbiterException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
