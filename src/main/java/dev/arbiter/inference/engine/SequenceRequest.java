package dev.arbiter.inference.engine;

import java.util.List;

/**
 * One sequence to continue: prompt token ids, how to sample, and when to stop. {@code hook} may be null.
 * {@code topLogprobs} asks for each generated token's log-probability with that many most likely
 * alternatives (0: the token's own only); -1 asks for none. {@code ignoreEos} (vLLM's ignore_eos)
 * generates on past end-of-sequence tokens until max tokens or a stop string.
 */
public record SequenceRequest(int[] prompt, Sampling sampling, int maxTokens, List<String> stop, DecodeHook hook, int topLogprobs,
                              boolean ignoreEos) {
    /** Most alternatives per token, as vLLM's default max_logprobs. */
    public static final int MAX_TOP_LOGPROBS = 20;

    public SequenceRequest {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt encodes to no tokens");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
        if (topLogprobs < -1 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
        prompt = prompt.clone();
        stop = List.copyOf(stop);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a stop string must not be empty");
        }
    }

    public SequenceRequest(int[] prompt, Sampling sampling, int maxTokens, List<String> stop, DecodeHook hook) {
        this(prompt, sampling, maxTokens, stop, hook, -1, false);
    }

    public SequenceRequest(int[] prompt, Sampling sampling, int maxTokens, List<String> stop, DecodeHook hook, int topLogprobs) {
        this(prompt, sampling, maxTokens, stop, hook, topLogprobs, false);
    }
}
