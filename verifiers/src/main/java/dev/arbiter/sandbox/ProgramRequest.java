package dev.arbiter.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * A program in some language, to be compiled once and run once per input. With {@code expected}
 * (one per input) the driver compares each run's output with {@code checker}, outside the job;
 * without it the caller compares. {@code compileLimits} bound the compile (or syntax check) alone.
 */
public record ProgramRequest(Language language, String code, List<String> inputs, List<String> expected, OutputChecker checker,
        Limits limits, boolean stopOnFailure, Limits compileLimits) {
    /** A minute and 1 GiB (below a container's own memory) for a compile, unless asked otherwise. */
    public static final Limits COMPILE_DEFAULT = new Limits(60_000, 60_000, 1024, 1L << 20, 64L << 20);

    /** Compared by LiveCodeBench's rule when {@code expected} is given. */
    public ProgramRequest(Language language, String code, List<String> inputs, List<String> expected, Limits limits, boolean stopOnFailure) {
        this(language, code, inputs, expected, OutputChecker.LCB, limits, stopOnFailure, COMPILE_DEFAULT);
    }

    public ProgramRequest {
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(code, "code");
        inputs = List.copyOf(inputs);
        expected = expected == null ? null : List.copyOf(expected);
        if (expected != null && expected.size() != inputs.size()) {
            throw new IllegalArgumentException(expected.size() + " expected outputs for " + inputs.size() + " inputs");
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(compileLimits, "compileLimits");
        Objects.requireNonNull(checker, "checker");
    }

    /** Runs every input and leaves the comparing to the caller. */
    public static ProgramRequest runs(Language language, String code, List<String> inputs, Limits limits) {
        return new ProgramRequest(language, code, inputs, null, limits, false);
    }

    ProgramRequest rest(int from) {
        return new ProgramRequest(language, code, inputs.subList(from, inputs.size()),
                expected == null ? null : expected.subList(from, expected.size()), checker, limits, stopOnFailure, compileLimits);
    }
}
