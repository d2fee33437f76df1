package dev.arbiter.inference.serve;

import java.util.Set;

/** The server's routes, as metrics and logs name them: a path with its variable part as a pattern, or "other". */
final class Routes {
    private Routes() {}

    static final String MODELS = "/v1/models";
    static final String MODEL_PREFIX = "/v1/models/";
    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT = "/v1/chat/completions";

    private static final Set<String> FIXED = Set.of(MODELS, COMPLETIONS, CHAT, "/tokenize", "/detokenize", "/health", "/version", "/metrics");

    /** The route a path (trailing slashes dropped) falls under; unknown paths share one name, so a scan cannot grow the metrics. */
    static String of(String path) {
        if (FIXED.contains(path)) {
            return path;
        }
        if (path.startsWith(MODEL_PREFIX) && path.length() > MODEL_PREFIX.length()) {
            return MODEL_PREFIX + "{id}";
        }
        return "other";
    }

    static boolean completes(String route) {
        return route.equals(COMPLETIONS) || route.equals(CHAT);
    }
}
