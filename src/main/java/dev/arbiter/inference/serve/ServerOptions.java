package dev.arbiter.inference.serve;

/**
 * How `arbiter serve` runs beside its model: the Arbiter version that /version reports, and where each
 * request's access-log line goes.
 */
public record ServerOptions(String version, AccessLog accessLog) {
    public ServerOptions {
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("a version is required");
        }
        if (accessLog == null) {
            throw new IllegalArgumentException("an access log is required (AccessLog.OFF for none)");
        }
    }

    /** A development build with no access log, as the tests start it. */
    public static final ServerOptions QUIET = new ServerOptions("dev", AccessLog.OFF);
}
