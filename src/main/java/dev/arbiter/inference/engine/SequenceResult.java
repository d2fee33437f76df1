package dev.arbiter.inference.engine;

/**
 * A finished sequence: the tokens it generated (with any end-of-sequence token), its text (special
 * tokens skipped, cut before a stop string), why it ended, and how long its prompt was.
 */
public record SequenceResult(int[] tokens, String text, Finish finish, int promptTokens) {
    public enum Finish {
        /** an end-of-sequence token or a stop string */
        STOP,
        /** max tokens reached */
        LENGTH;

        public String openAi() {
            return name().toLowerCase();
        }
    }
}
