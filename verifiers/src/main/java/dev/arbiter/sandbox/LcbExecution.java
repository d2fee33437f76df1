package dev.arbiter.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What LiveCodeBench's runner would return for one generation: a result per test up to and
 * including the first failure, the failure's metadata, and our per-test timings.
 */
public record LcbExecution(
        List<LcbCode> results,
        Map<String, Object> metadata,
        List<TestTiming> tests,
        @JsonProperty("wall_ms") long wallMs,
        @JsonProperty("cpu_ms") long cpuMs,
        @JsonProperty("max_rss_kb") Long maxRssKb) {

    /** Metadata key set when the sandbox failed, so the result says nothing about the code. */
    public static final String SANDBOX_ERROR = "sandbox_error";

    public boolean sandboxFailed() {
        return Boolean.TRUE.equals(metadata.get(SANDBOX_ERROR));
    }

    public record TestTiming(@JsonProperty("wall_ms") long wallMs, @JsonProperty("cpu_ms") long cpuMs) {}

    public LcbExecution {
        results = List.copyOf(results);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        tests = List.copyOf(tests);
    }

    /** LCB's rule: correct iff every recorded result is > 0 and every test was reached. */
    public boolean passed(int testCount) {
        return results.size() == testCount && results.stream().allMatch(LcbCode::passed);
    }
}
