package dev.arbiter.benchmark;

/** The reference a verifier compares against: an answer for math, tests for code. */
public sealed interface Gold permits MathAnswer, CodeTests {
    Kind kind();
}
