package dev.arbiter.verify.math;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One verdict. {@code reason} names the rule that decided it (for example "exact rational",
 * "symja", "numeric", "no answer in prediction", "deadline"). {@code extractedGold} and
 * {@code extractedPred} are the answers found, as written, before normalization.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MathVerdict(
        boolean equal,
        String reason,
        @JsonProperty("timed_out") boolean timedOut,
        @JsonProperty("extracted_gold") List<String> extractedGold,
        @JsonProperty("extracted_pred") List<String> extractedPred,
        long micros) {

    public MathVerdict {
        extractedGold = extractedGold == null ? List.of() : List.copyOf(extractedGold);
        extractedPred = extractedPred == null ? List.of() : List.copyOf(extractedPred);
    }
}
