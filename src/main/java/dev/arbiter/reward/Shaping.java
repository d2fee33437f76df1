package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * How a verdict becomes a reward. The reward is the sum of four terms, each reported on its own:
 * <ul>
 *   <li>correctness: {@code correct} when the verifier says equal, else {@code incorrect};</li>
 *   <li>format: {@code formatPenalty} when the answer's container is missing ({@code \boxed} for math,
 *       a fenced block for code); RLSP's "no \boxed" reward of -0.5 is {@code formatPenalty = -0.5};</li>
 *   <li>exploration (RLSP): {@code explorationWeight * -explorationC / T}, where T estimates the
 *       reasoning tokens as the characters before the first {@code \boxed} over {@code charsPerToken};
 *       it does not look at correctness, so it can be weighed against it;</li>
 *   <li>garbage (T1): {@code garbagePenalty} when {@link GarbageDetector} finds the output repetitive or
 *       garbled.</li>
 * </ul>
 * The defaults give the leaderboard's verdict as a 1/0 reward and nothing else.
 */
public record Shaping(double correct, double incorrect, double formatPenalty, double explorationWeight, double explorationC,
                      double charsPerToken, double garbagePenalty) {

    public static final Shaping DEFAULT = new Shaping(1.0, 0.0, 0.0, 0.0, 1000.0, 4.0, 0.0);

    public Shaping {
        for (double v : new double[] {correct, incorrect, formatPenalty, explorationWeight, explorationC, charsPerToken, garbagePenalty}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("shaping values must be finite numbers");
            }
        }
        if (charsPerToken <= 0) {
            throw new IllegalArgumentException("chars_per_token must be positive, got " + charsPerToken);
        }
        if (explorationC < 0) {
            throw new IllegalArgumentException("exploration_c must not be negative, got " + explorationC);
        }
    }

    /** The wire names of the fields, as the JSON APIs and the CLI's --shaping take them. */
    public static final String KEYS = "correct, incorrect, format_penalty, exploration_weight, exploration_c, chars_per_token, garbage_penalty";

    /** This shaping with the fields named in {@code overrides} replaced; an unknown name or a non-number is refused. */
    public Shaping with(JsonNode overrides) {
        if (overrides == null || overrides.isNull() || overrides.isMissingNode()) {
            return this;
        }
        if (!overrides.isObject()) {
            throw new IllegalArgumentException("'shaping' must be an object with some of: " + KEYS);
        }
        Shaping s = this;
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException("shaping." + e.getKey() + " must be a number");
            }
            s = s.with(e.getKey(), e.getValue().doubleValue());
        }
        return s;
    }

    /**
     * This shaping with each {@code key=value} pair of the command line's --shaping applied in order.
     *
     * @throws IllegalArgumentException naming the flag, for a value that is not a number or an unknown key
     */
    public Shaping withPairs(Map<String, String> pairs) {
        Shaping s = this;
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            double v;
            try {
                v = Double.parseDouble(e.getValue());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--shaping " + e.getKey() + " needs a number, got '" + e.getValue() + "'");
            }
            try {
                s = s.with(e.getKey(), v);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("--shaping: " + ex.getMessage(), ex);
            }
        }
        return s;
    }

    /** This shaping with one field, by its wire name, replaced. */
    public Shaping with(String key, double v) {
        return switch (key) {
            case "correct" -> new Shaping(v, incorrect, formatPenalty, explorationWeight, explorationC, charsPerToken, garbagePenalty);
            case "incorrect" -> new Shaping(correct, v, formatPenalty, explorationWeight, explorationC, charsPerToken, garbagePenalty);
            case "format_penalty" -> new Shaping(correct, incorrect, v, explorationWeight, explorationC, charsPerToken, garbagePenalty);
            case "exploration_weight" -> new Shaping(correct, incorrect, formatPenalty, v, explorationC, charsPerToken, garbagePenalty);
            case "exploration_c" -> new Shaping(correct, incorrect, formatPenalty, explorationWeight, v, charsPerToken, garbagePenalty);
            case "chars_per_token" -> new Shaping(correct, incorrect, formatPenalty, explorationWeight, explorationC, v, garbagePenalty);
            case "garbage_penalty" -> new Shaping(correct, incorrect, formatPenalty, explorationWeight, explorationC, charsPerToken, v);
            default -> throw new IllegalArgumentException("unknown shaping field '" + key + "'; known: " + KEYS);
        };
    }

    /** RLSP's length term for a response: {@code -c / T}, T the estimated reasoning tokens (at least 1), times the weight. */
    /**
     * The correctness term of an outcome: {@code correct} for a correct response, {@code incorrect}
     * for any other verdict, and none (null) for an infrastructure error, which is no verdict.
     */
    public Double correctness(dev.arbiter.verify.Outcome o) {
        return !o.graded() ? null : o.correct() ? correct : incorrect;
    }

    public double exploration(String response) {
        if (explorationWeight == 0.0) {
            return 0.0;
        }
        int boxed = response.indexOf("\\boxed");
        int reasoningChars = boxed < 0 ? response.length() : boxed;
        double tokens = Math.max(1.0, reasoningChars / charsPerToken);
        return explorationWeight * (-explorationC / tokens);
    }
}
