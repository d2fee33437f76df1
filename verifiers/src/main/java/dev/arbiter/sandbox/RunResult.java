package dev.arbiter.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One program run: how it ended, what it printed, and what it cost. */
public record RunResult(
        RunStatus status,
        @JsonProperty("exit_code") Integer exitCode,
        Integer signal,
        String stdout,
        String stderr,
        boolean truncated,
        @JsonProperty("cpu_ms") long cpuMs,
        @JsonProperty("wall_ms") long wallMs,
        @JsonProperty("max_rss_kb") Long maxRssKb) {

    /** A run the sandbox could not make: the result says nothing about the program. */
    public static RunResult sandboxError(String why) {
        return sandboxError(why, 0);
    }

    static RunResult sandboxError(String why, long wallMs) {
        return new RunResult(RunStatus.SANDBOX_ERROR, null, null, "", why, false, 0, wallMs, null);
    }
}
