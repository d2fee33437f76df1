package dev.arbiter.benchmark;

import dev.arbiter.ArbiterException;

/**
 * A benchmark could not be found, fetched or read. The message is one line meant for the user: it
 * names the file and what was expected of it.
 */
public class BenchmarkException extends ArbiterException {
    public BenchmarkException(String message) {
        super(message);
    }

    public BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
