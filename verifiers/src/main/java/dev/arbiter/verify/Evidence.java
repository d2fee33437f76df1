package dev.arbiter.verify;

/**
 * What a verifier saw on its way to a verdict: the math verifier's extraction and rule, or the
 * code grader's test results. Written out as it is by commands that keep full verdicts.
 */
public interface Evidence {}
