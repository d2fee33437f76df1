package dev.arbiter.inference;

import java.time.Duration;
import java.util.List;

/**
 * One sample to generate. {@code chat} sends the prompt as a single user message to
 * /v1/chat/completions; otherwise it goes raw to /v1/completions.
 */
public record GenerationRequest(String model, String prompt, boolean chat, int maxTokens, double temperature, double topP,
                                long seed, List<String> stop, Duration timeout) {
    public GenerationRequest {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1");
        }
        stop = List.copyOf(stop);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }
}
