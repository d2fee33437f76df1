package dev.arbiter.run;

import dev.arbiter.ArbiterException;

/**
 * A run, or an input it was given (a file, a line of it, a run folder, an output to resume), that
 * cannot be used for a reason the user can fix; the message names the cause and the fix in one line.
 */
public final class RunException extends ArbiterException {
    public RunException(String message) {
        super(message);
    }
}
