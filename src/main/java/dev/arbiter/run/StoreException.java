package dev.arbiter.run;

import dev.arbiter.ArbiterException;

/** The completion store could not be opened, read or written; the message names the file. */
public final class StoreException extends ArbiterException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
