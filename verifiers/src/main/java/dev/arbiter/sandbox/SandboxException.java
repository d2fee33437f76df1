package dev.arbiter.sandbox;

/** Docker or the sandbox image is not usable; the message says how to fix it, in one line. */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
