package dev.arbiter.verify.math;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One verdict. {@code reason} names the rule that decided it (for example "exact rational",
 * "symja", "numeric", "no answer in prediction", "deadline"). {@code extractedGold} and
 * {@code extractedPred} are the answers found, as written, before normalization. {@code failed} says
 * the verdict is not about the prediction at all: the gold has no answer, or the verifier broke.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MathVerdict(
        boolean equal,
        String reason,
        @JsonProperty("timed_out") boolean timedOut,
        @JsonProperty("extracted_gold") List<String> extractedGold,
        @JsonProperty("extracted_pred") List<String> extractedPred,
        long micros,
        @JsonProperty("verifier_failed") boolean failed) implements dev.arbiter.verify.Evidence {

    public MathVerdict {
        extractedGold = extractedGold == null ? List.of() : List.copyOf(extractedGold);
        extractedPred = extractedPred == null ? List.of() : List.copyOf(extractedPred);
        if (failed && equal) {
            throw new IllegalArgumentException("a failed verification decides nothing");
        }
    }
}
