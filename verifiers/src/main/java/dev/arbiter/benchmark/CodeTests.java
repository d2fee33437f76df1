package dev.arbiter.benchmark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The tests of a code problem, public ones first, in the source's order (LiveCodeBench grades them
 * in that order and stops at the first failure). A non-null {@code fnName} makes the problem
 * call-based. {@code coverage} says whether hidden tests are included, so that scores computed on
 * public tests alone can be labelled as such.
 */
public record CodeTests(
        List<TestCase> tests,
        @JsonProperty("fn_name") String fnName,
        @JsonProperty("starter_code") String starterCode,
        Coverage coverage)
        implements Gold {

    public enum Coverage {
        /** Only the sample tests shown in the statement; scores overestimate the real pass rate. */
        PUBLIC_ONLY,
        PUBLIC_AND_PRIVATE
    }

    public CodeTests {
        tests = List.copyOf(Objects.requireNonNull(tests, "tests"));
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("a code problem needs at least one test");
        }
        starterCode = starterCode == null ? "" : starterCode;
        Objects.requireNonNull(coverage, "coverage");
        TestCase.TestType expected = fnName == null ? TestCase.TestType.STDIN : TestCase.TestType.FUNCTIONAL;
        for (TestCase t : tests) {
            if (t.type() != expected) {
                throw new IllegalArgumentException(
                        "test type " + t.type() + " does not match " + (fnName == null ? "a stdin problem" : "function " + fnName));
            }
        }
        boolean hasPrivate = tests.stream().anyMatch(t -> t.visibility() == TestCase.Visibility.PRIVATE);
        if (coverage == Coverage.PUBLIC_ONLY && hasPrivate) {
            throw new IllegalArgumentException("PUBLIC_ONLY coverage but private tests are present");
        }
    }

    @Override
    public Kind kind() {
        return Kind.CODE;
    }
}
