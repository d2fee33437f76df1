package dev.arbiter.inference;

import java.time.Duration;

/**
 * How failed requests are retried: up to {@code attempts} tries in all, waiting
 * {@code initialBackoff} doubled per try up to {@code maxBackoff} (or the server's Retry-After).
 * An endpoint that fails {@code ejectAfter} times in a row is left out for {@code ejectFor}.
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, int ejectAfter, Duration ejectFor) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30), 5, Duration.ofSeconds(30));

    public RetryPolicy {
        if (attempts < 1 || ejectAfter < 1) {
            throw new IllegalArgumentException("attempts and ejectAfter must be >= 1");
        }
    }

    Duration backoff(int failedTries) {
        long ms = initialBackoff.toMillis() << Math.min(20, failedTries - 1);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
