package dev.arbiter.verify.math;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How one verdict is reached. The defaults suit chain-of-thought output: both sides are searched
 * for LaTeX and plain expressions, a {@code \boxed} answer is preferred to any other anchor,
 * decimals are compared at 6 places (a decimal stands for an irrational only at the gold's own
 * precision), variable names matter, and percent means x/100.
 *
 * @param goldTargets what to look for in the gold text
 * @param predTargets what to look for in the prediction
 * @param boxedPriority the tier of {@code \boxed}: 0 puts it first, 50 after "final answer is"
 * @param floatRounding decimal places used when either side is a written decimal
 * @param strict keep variable names significant (f(x) differs from f(y))
 * @param allowSetRelation also let a relation in the prediction match a set in the gold
 * @param percent whether 10% equals 0.1 only, or also 10
 * @param choices multiple-choice letters the benchmark declares (empty: none)
 * @param deadline the most one verdict may take; past it the verdict is "not equal, timed out"
 * @param extraction where the prediction's answer may come from (the gold is always read flexibly)
 * @param approximate let a decimal prediction stand for an irrational gold when they agree at
 *     {@code floatRounding} places (Math-Verify's rule); off, an irrational gold needs an exact answer
 */
public record MathConfig(
        @JsonProperty("gold_targets") Set<Target> goldTargets,
        @JsonProperty("pred_targets") Set<Target> predTargets,
        @JsonProperty("boxed_priority") int boxedPriority,
        @JsonProperty("float_rounding") int floatRounding,
        boolean strict,
        @JsonProperty("allow_set_relation") boolean allowSetRelation,
        Percent percent,
        List<String> choices,
        Duration deadline,
        Extraction extraction,
        boolean approximate) {

    /** What an answer may be written as. */
    public enum Target { LATEX, EXPR }

    /** Percent policy: Math-Verify's x/100, or Qwen/Hendrycks leniency where 10% also equals 10. */
    public enum Percent { FRACTION, LENIENT }

    /**
     * Where the prediction's answer may come from. FLEXIBLE: every tier ("final answer is", the last
     * box, "answer:", any $...$, any number). BOXED: only the last \boxed{} or \fbox{} (an unclosed
     * one gives no answer), or a declared choice letter given alone or boxed; never prose.
     */
    public enum Extraction { FLEXIBLE, BOXED }

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    public MathConfig {
        if (goldTargets == null || goldTargets.isEmpty() || predTargets == null || predTargets.isEmpty()) {
            throw new IllegalArgumentException("gold and prediction targets must name at least one of LATEX, EXPR");
        }
        goldTargets = Set.copyOf(goldTargets);
        predTargets = Set.copyOf(predTargets);
        if (floatRounding < 0 || floatRounding > 30) {
            throw new IllegalArgumentException("float rounding must be 0..30 decimal places, got " + floatRounding);
        }
        if (boxedPriority < 0) {
            throw new IllegalArgumentException("boxed priority must be >= 0, got " + boxedPriority);
        }
        percent = percent == null ? Percent.FRACTION : percent;
        choices = choices == null ? List.of() : List.copyOf(choices);
        deadline = deadline == null ? DEFAULT_DEADLINE : deadline;
        extraction = extraction == null ? Extraction.FLEXIBLE : extraction;
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
    }

    public static MathConfig defaults() {
        return new MathConfig(Set.of(Target.LATEX, Target.EXPR), Set.of(Target.LATEX, Target.EXPR), 0, 6, true, false,
                Percent.FRACTION, List.of(), DEFAULT_DEADLINE, Extraction.FLEXIBLE, false);
    }

    public MathConfig withTargets(Set<Target> gold, Set<Target> pred) {
        return new MathConfig(gold, pred, boxedPriority, floatRounding, strict, allowSetRelation, percent, choices, deadline,
                extraction, approximate);
    }

    public MathConfig withBoxedPriority(int p) {
        return new MathConfig(goldTargets, predTargets, p, floatRounding, strict, allowSetRelation, percent, choices, deadline,
                extraction, approximate);
    }

    public MathConfig withFloatRounding(int places) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, places, strict, allowSetRelation, percent, choices, deadline,
                extraction, approximate);
    }

    public MathConfig withStrict(boolean s) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, s, allowSetRelation, percent, choices, deadline,
                extraction, approximate);
    }

    public MathConfig withAllowSetRelation(boolean a) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, strict, a, percent, choices, deadline,
                extraction, approximate);
    }

    public MathConfig withPercent(Percent p) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, strict, allowSetRelation, p, choices, deadline,
                extraction, approximate);
    }

    public MathConfig withChoices(List<String> letters) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, strict, allowSetRelation, percent, letters,
                deadline, extraction, approximate);
    }

    public MathConfig withDeadline(Duration d) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, strict, allowSetRelation, percent, choices, d,
                extraction, approximate);
    }

    /** {@code config.withExtraction(Extraction.BOXED)}: only the prediction's last box counts. */
    public MathConfig withExtraction(Extraction e) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, strict, allowSetRelation, percent, choices,
                deadline, e, approximate);
    }

    public MathConfig withApproximate(boolean a) {
        return new MathConfig(goldTargets, predTargets, boxedPriority, floatRounding, strict, allowSetRelation, percent, choices,
                deadline, extraction, a);
    }
}
