package dev.arbiter.run;

import dev.arbiter.verify.Outcome;

/**
 * One graded completion of one problem.
 *
 * @param index     the sample's index within its problem (0-based), part of its identity in the store
 * @param outcome   its verdict
 * @param truncated whether generation stopped at the token budget (finish_reason "length")
 * @param cluster   which group of equivalent extracted answers it belongs to, for voting; null exactly
 *                  when the outcome casts no vote ({@link Outcome#votes()})
 */
public record Sample(int index, Outcome outcome, boolean truncated, Integer cluster) {
    public Sample {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be >= 0, got " + index);
        }
        if (!outcome.graded()) {
            throw new IllegalArgumentException("sample " + index + ": an infrastructure error is no verdict, so no sample");
        }
        if (outcome.votes() != (cluster != null)) {
            throw new IllegalArgumentException("sample " + index + ": an answer cluster is required exactly when there is an answer");
        }
        if (cluster != null && cluster < 0) {
            throw new IllegalArgumentException("sample " + index + ": cluster must be >= 0");
        }
    }
}
