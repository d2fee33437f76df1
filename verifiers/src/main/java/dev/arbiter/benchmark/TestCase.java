package dev.arbiter.benchmark;

import java.util.Objects;

/**
 * One code test in LiveCodeBench's encoding: for {@link TestType#STDIN} the input is fed on stdin and
 * the output is the expected stdout; for {@link TestType#FUNCTIONAL} the input is one JSON value per
 * line (the positional arguments) and the output is one JSON value.
 */
public record TestCase(String input, String output, TestType type, Visibility visibility) {
    public TestCase {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(visibility, "visibility");
    }

    public enum TestType {
        STDIN,
        FUNCTIONAL
    }

    public enum Visibility {
        PUBLIC,
        PRIVATE,
        /** The source lists public and hidden tests together without marking which is which. */
        UNMARKED
    }
}
