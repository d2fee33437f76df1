package dev.arbiter.verify.math;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a per-case {@code config} object into a {@link MathConfig}: our own key names, and the ones
 * of Math-Verify's conformance corpus ({@code gold_extraction}, {@code latex_boxed_match_priority},
 * {@code allow_set_relation_comp}). A key that is absent or null keeps the base's value.
 */
public final class ConfigJson {
    private ConfigJson() {}

    /** Math-Verify settings with no counterpart here: how the case was called, sympy's precision. */
    private static final Set<String> IGNORED = Set.of("call", "numeric_precision", "sympy_objects");

    /** Math-Verify's name for a setting, mapped to ours; giving both is ambiguous. */
    private static final Map<String, String> ALIASES = Map.of(
            "gold_extraction", "gold_targets",
            "pred_extraction", "pred_targets",
            "latex_boxed_match_priority", "boxed_priority",
            "allow_set_relation_comp", "allow_set_relation");

    private static final Set<String> KEYS = Set.of("gold_targets", "pred_targets", "boxed_priority", "float_rounding", "strict",
            "allow_set_relation", "percent", "choices", "deadline_ms", "extraction", "approximate");

    /**
     * The base with the settings of {@code config} applied. A null or missing node gives the base.
     *
     * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
     */
    public static MathConfig read(JsonNode config, MathConfig base) {
        if (config == null || config.isNull() || config.isMissingNode()) {
            return base;
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object, got " + kind(config));
        }
        MathConfig c = base;
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (IGNORED.contains(key)) {
                continue;
            }
            String name = ALIASES.getOrDefault(key, key);
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException("unknown config key '" + key + "'");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(key + ": the same setting as " + other(name, key) + "; give one of them");
            }
            if (v.isNull()) {
                continue;
            }
            try {
                c = switch (name) {
                    case "gold_targets" -> c.withTargets(targets(v), c.predTargets());
                    case "pred_targets" -> c.withTargets(c.goldTargets(), targets(v));
                    case "boxed_priority" -> c.withBoxedPriority(integer(v));
                    case "float_rounding" -> c.withFloatRounding(integer(v));
                    case "strict" -> c.withStrict(bool(v));
                    case "allow_set_relation" -> c.withAllowSetRelation(bool(v));
                    case "percent" -> c.withPercent(percent(v));
                    case "choices" -> c.withChoices(letters(v));
                    case "deadline_ms" -> c.withDeadline(Duration.ofMillis(positive(v)));
                    case "extraction" -> c.withExtraction(extraction(v));
                    case "approximate" -> c.withApproximate(bool(v));
                    default -> throw new IllegalStateException(name);
                };
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(key + ": " + bad.getMessage(), bad);
            }
        }
        return c;
    }

    private static String other(String name, String key) {
        if (!key.equals(name)) {
            return name;
        }
        return ALIASES.entrySet().stream().filter(a -> a.getValue().equals(name)).map(Map.Entry::getKey).findFirst().orElse(name);
    }

    private static Set<MathConfig.Target> targets(JsonNode v) {
        if (!v.isArray()) {
            throw new IllegalArgumentException("expected a list of \"latex\" and \"expr\", got " + kind(v));
        }
        Set<MathConfig.Target> out = EnumSet.noneOf(MathConfig.Target.class);
        for (JsonNode t : v) {
            String s = t.isTextual() ? t.asText().toLowerCase(Locale.ROOT) : "";
            switch (s) {
                case "latex" -> out.add(MathConfig.Target.LATEX);
                case "expr" -> out.add(MathConfig.Target.EXPR);
                default -> throw new IllegalArgumentException("expected \"latex\" or \"expr\", got " + t);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("needs at least one of \"latex\", \"expr\"");
        }
        return out;
    }

    private static int integer(JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("expected a whole number, got " + v);
        }
        return v.intValue();
    }

    private static int positive(JsonNode v) {
        int n = integer(v);
        if (n < 1) {
            throw new IllegalArgumentException("expected a positive number of milliseconds, got " + v);
        }
        return n;
    }

    private static boolean bool(JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("expected true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static MathConfig.Percent percent(JsonNode v) {
        String s = v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : "";
        return switch (s) {
            case "fraction" -> MathConfig.Percent.FRACTION;
            case "lenient" -> MathConfig.Percent.LENIENT;
            default -> throw new IllegalArgumentException("expected \"fraction\" or \"lenient\", got " + v);
        };
    }

    private static MathConfig.Extraction extraction(JsonNode v) {
        String s = v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : "";
        return switch (s) {
            case "flexible" -> MathConfig.Extraction.FLEXIBLE;
            case "boxed" -> MathConfig.Extraction.BOXED;
            default -> throw new IllegalArgumentException("expected \"flexible\" or \"boxed\", got " + v);
        };
    }

    private static List<String> letters(JsonNode v) {
        if (!v.isArray()) {
            throw new IllegalArgumentException("expected a list of letters such as [\"A\", \"B\"], got " + kind(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode l : v) {
            if (!l.isTextual() || l.asText().isBlank()) {
                throw new IllegalArgumentException("expected letters as strings, got " + l);
            }
            out.add(l.asText().strip());
        }
        return out;
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
