package dev.arbiter.run;

import dev.arbiter.verify.Outcome;

/** A verdict as kept in the store: its outcome and the answer extracted from the completion. */
public record StoredVerdict(Outcome outcome, String extracted) {}
