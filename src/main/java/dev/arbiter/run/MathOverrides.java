package dev.arbiter.run;

import dev.arbiter.verify.math.MathConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The math verifier's settings as `arbiter verify` and `verify-batch` take them: each one null (or false)
 * when not given, so that the verifier's own default stands.
 */
public record MathOverrides(List<MathConfig.Target> goldAs, List<MathConfig.Target> predAs, Integer boxedPriority, Integer floatRounding,
                            boolean noStrict, boolean allowSetRelation, MathConfig.Percent percent, List<String> choices, Long deadlineMs,
                            MathConfig.Extraction extraction, boolean approximate) {
    /**
     * The base with each given setting applied.
     *
     * @throws IllegalArgumentException for a bad value, its message naming the option
     */
    public MathConfig applyTo(MathConfig base) {
        MathConfig c = base;
        if (goldAs != null || predAs != null) {
            Set<MathConfig.Target> g = goldAs == null ? c.goldTargets() : Set.copyOf(goldAs);
            Set<MathConfig.Target> p = predAs == null ? c.predTargets() : Set.copyOf(predAs);
            MathConfig before = c;
            c = named("--gold-as/--pred-as", () -> before.withTargets(g, p));
        }
        if (boxedPriority != null) {
            MathConfig before = c;
            c = named("--boxed-priority", () -> before.withBoxedPriority(boxedPriority));
        }
        if (floatRounding != null) {
            MathConfig before = c;
            c = named("--float-rounding", () -> before.withFloatRounding(floatRounding));
        }
        if (deadlineMs != null) {
            if (deadlineMs < 1) {
                throw new IllegalArgumentException("--deadline-ms must be at least 1");
            }
            c = c.withDeadline(Duration.ofMillis(deadlineMs));
        }
        if (percent != null) {
            c = c.withPercent(percent);
        }
        if (choices != null) {
            c = c.withChoices(choices.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        if (noStrict) {
            c = c.withStrict(false);
        }
        if (allowSetRelation) {
            c = c.withAllowSetRelation(true);
        }
        if (extraction != null) {
            c = c.withExtraction(extraction);
        }
        return approximate ? c.withApproximate(true) : c;
    }

    private static MathConfig named(String option, Supplier<MathConfig> change) {
        try {
            return change.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
