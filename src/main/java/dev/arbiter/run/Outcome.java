package dev.arbiter.run;

/** How one completion fared against the gold answer. */
public enum Outcome {
    CORRECT,
    WRONG,
    /** Nothing could be extracted: wrong for pass@k, and no vote in maj@k. */
    NO_ANSWER
}
