package dev.arbiter.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * A program in some language, to be compiled once and run once per input. With {@code expected}
 * (one per input) the driver compares each run's output by LiveCodeBench's rule, outside the job;
 * without it the caller compares.
 */
public record ProgramRequest(Language language, String code, List<String> inputs, List<String> expected, Limits limits,
        boolean stopOnFailure) {
    public ProgramRequest {
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(code, "code");
        inputs = List.copyOf(inputs);
        expected = expected == null ? null : List.copyOf(expected);
        if (expected != null && expected.size() != inputs.size()) {
            throw new IllegalArgumentException(expected.size() + " expected outputs for " + inputs.size() + " inputs");
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** Runs every input and leaves the comparing to the caller. */
    public static ProgramRequest runs(Language language, String code, List<String> inputs, Limits limits) {
        return new ProgramRequest(language, code, inputs, null, limits, false);
    }

    ProgramRequest rest(int from) {
        return new ProgramRequest(language, code, inputs.subList(from, inputs.size()),
                expected == null ? null : expected.subList(from, expected.size()), limits, stopOnFailure);
    }
}
