package dev.arbiter.verify.code;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The verdict on one generation. {@code results} holds one entry per test reached, in LCB's values
 * (true, false, -2, -3, -4, -1, -5) for the LiveCodeBench grader, or per-test pass/fail for the
 * CodeContests grader. {@code firstFailure} explains the first failing test, if any.
 *
 * <p>{@code sandboxError} is set when the sandbox could not grade the generation, even after a retry
 * on a fresh container: then there is no verdict at all (not passed, no results, no failure), and
 * the reason says what broke. Callers count such a generation as missing, never as wrong.
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
        @JsonProperty("per_test") List<TestCost> perTest,
        @JsonProperty("sandbox_error") String sandboxError,
        /** The program's language when it was not Python. */
        String language) implements dev.arbiter.verify.Evidence {

    public CodeVerdict {
        results = List.copyOf(results);
        perTest = perTest == null ? List.of() : List.copyOf(perTest);
        if (sandboxError != null && (passed || !results.isEmpty() || firstFailure != null)) {
            throw new IllegalArgumentException("a sandbox error carries no verdict");
        }
    }

    /** No verdict: the sandbox failed twice, on two containers; {@code why} is its own message. */
    public static CodeVerdict sandboxError(String problemId, String grader, String clock, int testsTotal, boolean publicTestsOnly,
            String why) {
        return new CodeVerdict(problemId, false, grader, clock, testsTotal, 0, List.of(), null, publicTestsOnly, 0, 0, List.of(),
                why == null || why.isBlank() ? "sandbox failed without a message" : why, null);
    }

    /** Whether the first failing test ran out of time (LiveCodeBench's -3, or its global -1). */
    public boolean timedOut() {
        return firstFailure != null && firstFailure.code() instanceof Integer c && (c == -3 || c == -1);
    }

    /** Whether this is a verdict at all, rather than a sandbox failure. */
    public boolean graded() {
        return sandboxError == null;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(int test, Object code, String reason, String output, String expected) {}

    public record TestCost(@JsonProperty("wall_ms") long wallMs, @JsonProperty("cpu_ms") long cpuMs) {}
}
