package dev.arbiter.run;

/** What a completion cut off at its token budget counts as. */
public enum TruncationPolicy {
    /** Graded as it stands: usually wrong, as it never reached an answer (the default). */
    AS_GRADED,
    /** Left out of every metric, as if never sampled; the report says how many. */
    EXCLUDE
}
