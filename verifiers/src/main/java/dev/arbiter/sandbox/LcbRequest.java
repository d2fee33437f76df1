package dev.arbiter.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * One generation to grade the LiveCodeBench way: all tests in one process, in order, each under
 * {@code timeoutS} seconds of wall clock (LCB's SIGALRM) or, in {@link Clock#CPU} mode, of CPU time.
 */
public record LcbRequest(String code, List<String> inputs, List<String> outputs, String fnName, int timeoutS, Clock clock, Limits limits) {
    public enum Clock {
        /** LiveCodeBench's own rule and the default for official numbers. */
        WALL,
        /** Per-test CPU time, so slow or busy machines do not turn passes into timeouts. */
        CPU
    }

    public LcbRequest {
        Objects.requireNonNull(code, "code");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        if (inputs.size() != outputs.size()) {
            throw new IllegalArgumentException(inputs.size() + " inputs but " + outputs.size() + " outputs");
        }
        if (timeoutS < 1) {
            throw new IllegalArgumentException("timeout must be at least 1 s (LCB uses whole seconds)");
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(limits, "limits");
    }

    /** LCB's global budget for the whole generation. */
    public long budgetMs() {
        return ((long) (timeoutS + 1) * inputs.size() + 5) * 1000L;
    }
}
