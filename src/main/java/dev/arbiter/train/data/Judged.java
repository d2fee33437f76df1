package dev.arbiter.train.data;

/**
 * A candidate with its verdict. {@code extracted} is the math answer found in the response (null for
 * code or when none was found); {@code reason} says what decided.
 */
public record Judged(Candidate candidate, Judgement judgement, String reason, String extracted) {
    /** Why a candidate is kept or dropped. Only CORRECT and WRONG are parseable. */
    public enum Judgement {
        CORRECT,
        WRONG,
        /** No answer extracted, no fenced code block, or an unreadable input line. */
        UNPARSEABLE,
        /** Cut off at max_tokens: a trace without its end teaches the wrong thing, whatever the verdict. */
        TRUNCATED,
        /** The sandbox failed, so there is no verdict on the code. */
        ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
