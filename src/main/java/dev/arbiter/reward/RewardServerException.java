package dev.arbiter.reward;

import dev.arbiter.ArbiterException;

/** A reward server that could not be started or reached, with what it said; the message names the server and the cause. */
public final class RewardServerException extends ArbiterException {
    public RewardServerException(String message) {
        super(message);
    }
}
