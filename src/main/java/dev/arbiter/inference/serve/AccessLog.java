package dev.arbiter.inference.serve;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One line per request: when it ended, the client's address, method, path, status, milliseconds, and the
 * tokens of a completion when the reply counted them, e.g.
 * {@code 2025-06-01T12:00:00Z 127.0.0.1:51234 POST /v1/chat/completions 200 412ms prompt_tokens=14 completion_tokens=16}.
 */
public final class AccessLog {
    /** Writes nothing. */
    public static final AccessLog OFF = new AccessLog(null);

    private final PrintWriter out;

    private AccessLog(PrintWriter out) {
        this.out = out;
    }

    /** Writes each line to {@code out} (stderr, for `arbiter serve`). */
    public static AccessLog to(PrintWriter out) {
        if (out == null) {
            throw new IllegalArgumentException("an output stream is required; use AccessLog.OFF for none");
        }
        return new AccessLog(out);
    }

    void log(Instant at, String client, String method, String path, int status, long millis, RequestObserver.Usage usage) {
        if (out != null) {
            String l = line(at, client, method, path, status, millis, usage);
            synchronized (out) {
                out.println(l);
                out.flush();
            }
        }
    }

    static String line(Instant at, String client, String method, String path, int status, long millis, RequestObserver.Usage usage) {
        StringBuilder b = new StringBuilder().append(at.truncatedTo(ChronoUnit.SECONDS)).append(' ').append(client).append(' ')
                .append(method).append(' ').append(printable(path)).append(' ').append(status < 0 ? "-" : Integer.toString(status))
                .append(' ').append(millis).append("ms");
        if (usage != null) {
            b.append(" prompt_tokens=").append(usage.promptTokens()).append(" completion_tokens=").append(usage.completionTokens());
        }
        return b.toString();
    }

    /** A path as sent may hold spaces or control characters once decoded; one line must stay one field. */
    private static String printable(String path) {
        StringBuilder b = new StringBuilder();
        path.codePoints().forEach(c -> {
            if (c <= ' ' || c == 0x7f) {
                b.append(String.format("%%%02X", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
