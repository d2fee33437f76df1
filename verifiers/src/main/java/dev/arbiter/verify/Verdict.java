package dev.arbiter.verify;

import java.util.Objects;

/**
 * One response's verdict. {@code answer} is what was extracted (the math answer as written; null for
 * code and when there is none); {@code reason} says what decided, in the verifier's or the sandbox's
 * own words; {@code evidence} holds the details (null only when the verifier never got to run).
 */
public record Verdict(Outcome outcome, String answer, String reason, Evidence evidence, long micros) {
    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a verdict says why");
        }
    }

    /** No verdict: the infrastructure failed; {@code why} is its own message. */
    public static Verdict infrastructureError(String why, Evidence evidence, long micros) {
        return new Verdict(Outcome.INFRASTRUCTURE_ERROR, null, why == null || why.isBlank() ? "failed without a message" : why, evidence,
                micros);
    }
}
