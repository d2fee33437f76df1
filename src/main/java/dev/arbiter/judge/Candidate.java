package dev.arbiter.judge;

import dev.arbiter.verify.Outcome;

/**
 * What of a rule-rejected response the judge is shown. When the rules read an answer and found it wrong, the judge rules on
 * that answer alone: shown the response, it could read another answer the response also gives (after a last
 * {@code </think>}, past a cut, in a fake next turn), and a response would get two guesses, one per reader. When the rules
 * read no answer, the judge sees the model's turn, from which the rules read nothing.
 */
public sealed interface Candidate {
    /** The text the judge is shown between the prompt's markers. */
    String shown();

    /** What a cached ruling on this candidate is keyed by: what is shown, and how. */
    default String key() {
        return getClass().getSimpleName() + "\u0000" + shown();
    }

    /** The final answer the rules read from the response and rejected. */
    record Read(String answer) implements Candidate {
        public Read {
            if (answer == null || answer.isBlank()) {
                throw new IllegalArgumentException("an answer the rules read is not blank");
            }
        }

        @Override
        public String shown() {
            return answer.strip();
        }
    }

    /** A response the rules read no answer from: the judge sees its final part ({@link JudgePrompt#finalPart}). */
    record Unread(String response) implements Candidate {
        @Override
        public String shown() {
            return JudgePrompt.finalPart(response);
        }
    }

    /** The candidate for a response the rules gave {@code rule}, having read {@code extracted} (null or blank: nothing). */
    static Candidate of(Outcome rule, String extracted, String response) {
        return rule == Outcome.WRONG && extracted != null && !extracted.isBlank() ? new Read(extracted) : new Unread(response);
    }
}
