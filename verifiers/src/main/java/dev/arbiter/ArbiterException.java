package dev.arbiter;

/**
 * A failure whose message is written for users: one line that names what was wrong (a file, a flag,
 * a server) and, where there is one, the fix. The command line prints it as it is, without a stack
 * trace, and exits with {@link #exitCode()}; anything else that escapes a command is a bug.
 */
public class ArbiterException extends RuntimeException {
    /** The run failed: bad or missing data, an unreachable server, a sandbox that would not start. */
    public static final int FAILURE = 1;
    /** A bad flag or argument, as picocli reports its own. */
    public static final int USAGE = 2;

    private final int exitCode;

    public ArbiterException(String message) {
        this(message, null, FAILURE);
    }

    public ArbiterException(String message, Throwable cause) {
        this(message, cause, FAILURE);
    }

    protected ArbiterException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The user error that caused {@code e}, looked for down its causes (thread pools and futures wrap it), or null. */
    public static ArbiterException causing(Throwable e) {
        for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
            if (e instanceof ArbiterException a) {
                return a;
            }
        }
        return null;
    }

    /** The process's exit code for this failure. */
    public int exitCode() {
        return exitCode;
    }

    /** The message as the user reads it: its first line only, so that every error prints one line. */
    public String userMessage() {
        String m = getMessage() == null || getMessage().isBlank() ? getClass().getSimpleName() : getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
