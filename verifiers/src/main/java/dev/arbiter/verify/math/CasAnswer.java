package dev.arbiter.verify.math;

/** What the CAS says about "is this expression identically zero?". */
enum CasAnswer {
    /** Proven zero symbolically and not contradicted numerically. */
    ZERO,
    /** Certainly not identically zero (an exact nonzero value, or a resolved nonzero value at a point). */
    NONZERO,
    /** Neither could be established, or the input was rejected. */
    UNKNOWN,
    /** The deadline passed first. */
    TIMEOUT,
    /** No CAS process could be started or it died; see {@link SymjaPool#lastFailure()}. */
    UNAVAILABLE
}
