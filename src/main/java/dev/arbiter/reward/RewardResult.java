package dev.arbiter.reward;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.arbiter.benchmark.Kind;

/**
 * The reward for one item and how it was made. {@code reward} is the sum of the four {@link Terms};
 * {@code pred} is the extracted answer (math only); {@code garbage} says why the output counted as
 * garbage, when it did. Tests counts are set for code only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RewardResult(
        String id,
        Kind kind,
        double reward,
        boolean acc,
        Verdict verdict,
        String pred,
        String reason,
        @JsonProperty("timed_out") boolean timedOut,
        Terms terms,
        @JsonProperty("format_ok") boolean formatOk,
        String garbage,
        @JsonProperty("tests_passed") Integer testsPassed,
        @JsonProperty("tests_total") Integer testsTotal,
        long micros) {

    /** The reward's parts, reported separately so that a trainer can log each. */
    public record Terms(double correctness, double format, double exploration, double garbage) {
        public double sum() {
            return correctness + format + exploration + garbage;
        }
    }
}
