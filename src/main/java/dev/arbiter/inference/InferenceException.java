package dev.arbiter.inference;

import dev.arbiter.ArbiterException;

/**
 * A generation failed for good (after retries), or the server's answer made no sense. {@link #kind}
 * says whether asking again can help, {@link #status} is the HTTP status of the last answer (0 when
 * none came) and {@link #reason} the server's own words (or the connection error), for reports that
 * group failures by cause.
 */
public final class InferenceException extends ArbiterException {
    public enum Kind {
        /** The server refused the request itself (a 4xx other than 408 and 429): the same request fails again. */
        REFUSED,
        /** No connection could be made to the server. */
        UNREACHABLE,
        /** Anything else: 5xx, 429, timeouts and resets past the retries, or a reply that made no sense. */
        FAILED
    }

    private final Kind kind;
    private final int status;
    private final String reason;

    public InferenceException(String message) {
        this(message, null, Kind.FAILED, 0, message);
    }

    public InferenceException(String message, Throwable cause) {
        this(message, cause, Kind.FAILED, 0, message);
    }

    public InferenceException(String message, Throwable cause, Kind kind, int status, String reason) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.reason = reason == null || reason.isBlank() ? message : reason;
    }

    public Kind kind() {
        return kind;
    }

    /** True when asking again cannot help: the request must change. */
    public boolean permanent() {
        return kind == Kind.REFUSED;
    }

    /** The HTTP status of the last answer, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The server's own message (its error.message), or the connection error; without the URL. */
    public String reason() {
        return reason;
    }
}
