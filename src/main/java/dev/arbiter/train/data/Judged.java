package dev.arbiter.train.data;

import dev.arbiter.verify.Outcome;

/**
 * A candidate with its verdict. {@code extracted} is the math answer found in the response (null for
 * code or when none was found); {@code reason} says what decided. An unreadable input line has no
 * answer; a truncated one is {@link Outcome#TRUNCATED} whatever it says, since a trace without its
 * end teaches the wrong thing.
 */
public record Judged(Candidate candidate, Outcome outcome, String reason, String extracted) {}
