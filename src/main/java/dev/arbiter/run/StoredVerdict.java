package dev.arbiter.run;

import dev.arbiter.verify.Outcome;

/** A verdict as kept in the store: its outcome, the answer extracted from the completion, and the verifier's reason (for code, the first failing test). */
public record StoredVerdict(Outcome outcome, String extracted, String reason) {}
