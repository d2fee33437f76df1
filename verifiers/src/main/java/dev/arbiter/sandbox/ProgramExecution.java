package dev.arbiter.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * A program compiled once and run once per input: {@code runs} holds what the caller kept of each run
 * ({@link RunResult} itself unless it asked for less). {@code compile} is empty for a language that
 * runs from source. A sandbox failure is never a verdict: then {@code sandboxError} says why, and the
 * runs before it say nothing about the program either.
 */
public record ProgramExecution<T>(Language language, Optional<CompileResult> compile, List<T> runs, String sandboxError) {
    public ProgramExecution {
        runs = List.copyOf(runs);
    }

    public boolean sandboxFailed() {
        return sandboxError != null;
    }

    /** Compiled (or needed no compile), so its runs are its verdict. */
    public boolean compiled() {
        return compile.map(CompileResult::ok).orElse(true);
    }
}
