package dev.arbiter.sandbox;

/** How one run ended. */
public enum RunStatus {
    OK,
    RUNTIME_ERROR,
    TIMEOUT,
    CPU_LIMIT,
    MEMORY_LIMIT,
    OUTPUT_LIMIT,
    /** Ended by a signal it did not ask for (segfault, out-of-memory kill, ...). */
    KILLED,
    /** The sandbox itself failed; the run says nothing about the program. */
    SANDBOX_ERROR
}
