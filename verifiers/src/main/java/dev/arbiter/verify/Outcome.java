package dev.arbiter.verify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How one response fared against its gold: the single vocabulary of eval, grade, curate, the
 * reward service and the trainer. Only {@link #INFRASTRUCTURE_ERROR} is no verdict at all: the
 * response is missing (retried, then reported with its cause), never wrong and never a reward of 0.
 * Every other outcome is a verdict on the response, and only {@link #CORRECT} passes.
 */
public enum Outcome {
    CORRECT,
    WRONG,
    /** No answer could be extracted (math) or no fenced code block was found (code). */
    NO_ANSWER,
    /** Cut off at the token budget before any answer: a no-answer that says why. */
    TRUNCATED,
    /** The program ran past its time limit on a test: wrong under LiveCodeBench's rules. */
    PROGRAM_TIMEOUT,
    /** The verifier's deadline passed before it could tell: not shown correct, so not correct. */
    VERIFIER_TIMEOUT,
    /** The sandbox or the verifier failed: there is no verdict; the reason says what broke. */
    INFRASTRUCTURE_ERROR;

    /** Whether this is a verdict on the response; false exactly for an infrastructure error. */
    public boolean graded() {
        return this != INFRASTRUCTURE_ERROR;
    }

    /** Whether the response passes: counted in pass@k and paid the reward for correct. */
    public boolean correct() {
        return this == CORRECT;
    }

    /** Whether the response has an answer of its own, and so votes in maj@k. */
    public boolean votes() {
        return this == CORRECT || this == WRONG || this == PROGRAM_TIMEOUT;
    }

    /** The wire and file form: lower case with underscores ("no_answer"). */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a {@link #label()} or a constant's name. */
    @JsonCreator
    public static Outcome parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown outcome '" + s + "'");
        }
    }
}
