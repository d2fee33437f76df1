package dev.arbiter.inference.engine;

import java.util.List;

/**
 * A finished sequence: the tokens it generated (with any end-of-sequence token), its text (special
 * tokens skipped, cut before a stop string), why it ended, and how long its prompt was.
 * {@code logprobs} has one entry per token when the request asked for them, else none.
 */
public record SequenceResult(int[] tokens, String text, Finish finish, int promptTokens, List<TokenLogprobs> logprobs) {
    public enum Finish {
        /** an end-of-sequence token or a stop string */
        STOP,
        /** max tokens reached */
        LENGTH;

        public String openAi() {
            return name().toLowerCase();
        }
    }

    public SequenceResult {
        logprobs = List.copyOf(logprobs);
    }

    public SequenceResult(int[] tokens, String text, Finish finish, int promptTokens) {
        this(tokens, text, finish, promptTokens, List.of());
    }

    /**
     * One generated token's log-probability under the model (raw logits, before temperature or
     * top-p), and the most likely tokens at that position with theirs, most likely first.
     */
    public record TokenLogprobs(int token, double logprob, int[] top, double[] topLogprobs) {}
}
