package dev.arbiter.run;

/** A run that cannot go on for a reason the user can fix; the message names the cause and the fix in one line. */
public final class RunException extends RuntimeException {
    public RunException(String message) {
        super(message);
    }
}
