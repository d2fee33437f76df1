package dev.arbiter.sandbox;

import dev.arbiter.ArbiterException;

/** Docker or the sandbox image is not usable; the message says how to fix it, in one line. */
public class SandboxException extends ArbiterException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
