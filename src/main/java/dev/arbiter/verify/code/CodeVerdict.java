package dev.arbiter.verify.code;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The verdict on one generation. {@code results} holds one entry per test reached, in LCB's values
 * (true, false, -2, -3, -4, -1, -5) for the LiveCodeBench grader, or per-test pass/fail for the
 * CodeContests grader. {@code firstFailure} explains the first failing test, if any.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CodeVerdict(
        @JsonProperty("problem_id") String problemId,
        boolean passed,
        String grader,
        String clock,
        @JsonProperty("tests_total") int testsTotal,
        @JsonProperty("tests_passed") int testsPassed,
        List<Object> results,
        @JsonProperty("first_failure") Failure firstFailure,
        @JsonProperty("public_tests_only") boolean publicTestsOnly,
        @JsonProperty("wall_ms") long wallMs,
        @JsonProperty("cpu_ms") long cpuMs,
        @JsonProperty("per_test") List<TestCost> perTest) {

    public CodeVerdict {
        results = List.copyOf(results);
        perTest = perTest == null ? List.of() : List.copyOf(perTest);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(int test, Object code, String reason, String output, String expected) {}

    public record TestCost(@JsonProperty("wall_ms") long wallMs, @JsonProperty("cpu_ms") long cpuMs) {}
}
