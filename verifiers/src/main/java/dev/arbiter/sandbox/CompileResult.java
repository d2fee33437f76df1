package dev.arbiter.sandbox;

/**
 * How a program's compile went: compiled, or not and why, with the compiler's own message (its
 * start, capped) and what the compile cost.
 */
public record CompileResult(boolean ok, String reason, String message, long wallMs, long cpuMs, long maxRssKb) {
    public CompileResult {
        if (ok == (reason != null)) {
            throw new IllegalArgumentException("a failed compile has a reason and a successful one none");
        }
        message = message == null ? "" : message;
    }
}
