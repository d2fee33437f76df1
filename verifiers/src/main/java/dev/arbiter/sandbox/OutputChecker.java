package dev.arbiter.sandbox;

import java.util.Objects;

/**
 * How the driver compares a run's output with the expected one, outside the job. A checker that
 * itself fails (a testlib {@code _fail}, a crash) is no verdict on the program: the request then
 * fails as the sandbox's, with the checker's words.
 */
public sealed interface OutputChecker {
    /** LiveCodeBench's rule: line by line, stripped, numbers as decimals. */
    record LiveCodeBench() implements OutputChecker {}

    /** Whitespace-separated tokens, each equal. */
    record Tokens() implements OutputChecker {}

    /** Tokens; a number within {@code absolute} or {@code relative} error of the expected one. */
    record Tolerance(double absolute, double relative) implements OutputChecker {
        public Tolerance {
            if (!(absolute >= 0) || !(relative >= 0)) {
                throw new IllegalArgumentException("tolerances must be non-negative numbers");
            }
        }
    }

    /**
     * A testlib special judge in C++, run as {@code checker input output answer}; it compiles against
     * our own testlib.h (sandbox/checkers/), so it needs the polyglot image.
     */
    record Testlib(String source) implements OutputChecker {
        public Testlib {
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * An interactive problem's judge in C++, run as {@code interactor input answer} beside the program
     * (as another uid), the program's stdout on its stdin and its stdout on the program's stdin. It
     * exits 0 to accept, 1 or 2 for a wrong answer; anything else is its own failure. The run's
     * output is then not kept: the interaction is the judge's to read.
     */
    record Interactive(String source) implements OutputChecker {
        public Interactive {
            Objects.requireNonNull(source, "source");
        }
    }

    OutputChecker LCB = new LiveCodeBench();
}
