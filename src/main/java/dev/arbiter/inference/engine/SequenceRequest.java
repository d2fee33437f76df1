package dev.arbiter.inference.engine;

import java.util.List;

/** One sequence to continue: prompt token ids, how to sample, and when to stop. {@code hook} may be null. */
public record SequenceRequest(int[] prompt, Sampling sampling, int maxTokens, List<String> stop, DecodeHook hook) {
    public SequenceRequest {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt encodes to no tokens");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
        prompt = prompt.clone();
        stop = List.copyOf(stop);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a stop string must not be empty");
        }
    }
}
