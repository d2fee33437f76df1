package dev.arbiter.sandbox;

/**
 * One run of a program, and, when the request carried expected outputs, why its output was not
 * accepted ({@code wrong} is null when it was, or when nothing was compared).
 */
public record ProgramRun(RunResult result, boolean checked, String wrong) {
    public ProgramRun {
        if (!checked && wrong != null) {
            throw new IllegalArgumentException("an unchecked run has no wrong answer");
        }
    }

    /** Ran to its end and its output was accepted. */
    public boolean accepted() {
        return checked && result.status() == RunStatus.OK && wrong == null;
    }
}
