package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.verify.code.CodeGrader;
import java.time.Duration;
import java.util.Locale;

/**
 * What an item gets when its request does not say: the server's shaping, per-item deadline, code
 * grader and per-test time limit. A request's or item's {@code options} object overrides them:
 * {@code {"shaping": {...}, "deadline_ms": 2000, "grader": "codecontests", "timeout_s": 6}}.
 */
public record ItemDefaults(Shaping shaping, Duration deadline, CodeGrader.Kind grader, int timeoutS) {
    public static final Duration MAX_DEADLINE = Duration.ofMinutes(10);

    public ItemDefaults {
        if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX_DEADLINE) > 0) {
            throw new IllegalArgumentException("the item deadline must be between 1 ms and 10 minutes, got " + deadline.toMillis() + " ms");
        }
        if (timeoutS < 1 || timeoutS > 60) {
            throw new IllegalArgumentException("the per-test time limit must be 1..60 s, got " + timeoutS);
        }
    }

    public static final ItemDefaults STANDARD = new ItemDefaults(Shaping.DEFAULT, Duration.ofSeconds(30), CodeGrader.Kind.LIVECODEBENCH, 6);

    /** These defaults overridden by an {@code options} object; a bad value is a {@link BadRequest} naming {@code where}. */
    ItemDefaults with(JsonNode options, String where) {
        if (options == null || options.isMissingNode() || options.isNull()) {
            return this;
        }
        if (!options.isObject()) {
            throw new BadRequest("'" + where + "' must be an object", where);
        }
        ItemDefaults d = this;
        for (var it = options.fields(); it.hasNext(); ) {
            var e = it.next();
            String f = where + "." + e.getKey();
            JsonNode v = e.getValue();
            try {
                d = switch (e.getKey()) {
                    case "shaping" -> new ItemDefaults(d.shaping.with(v), d.deadline, d.grader, d.timeoutS);
                    case "deadline_ms" -> new ItemDefaults(d.shaping, Duration.ofMillis(integer(v, f)), d.grader, d.timeoutS);
                    case "timeout_s" -> new ItemDefaults(d.shaping, d.deadline, d.grader, (int) integer(v, f));
                    case "grader" -> {
                        if (!v.isTextual()) {
                            throw new BadRequest("'" + f + "' must be \"livecodebench\" or \"codecontests\"", f);
                        }
                        CodeGrader.Kind k = switch (v.asText().toLowerCase(Locale.ROOT)) {
                            case "livecodebench", "lcb" -> CodeGrader.Kind.LIVECODEBENCH;
                            case "codecontests" -> CodeGrader.Kind.CODECONTESTS;
                            default -> throw new BadRequest("'" + f + "' must be \"livecodebench\" or \"codecontests\", got \"" + v.asText() + "\"", f);
                        };
                        yield new ItemDefaults(d.shaping, d.deadline, k, d.timeoutS);
                    }
                    default -> throw new BadRequest("unknown option '" + f + "'; known: shaping, deadline_ms, timeout_s, grader", f);
                };
            } catch (IllegalArgumentException ex) {
                throw new BadRequest(ex.getMessage(), f);
            }
        }
        return d;
    }

    private static long integer(JsonNode v, String field) {
        if (!v.isIntegralNumber()) {
            throw new BadRequest("'" + field + "' must be a whole number", field);
        }
        return v.asLong();
    }
}
