package dev.arbiter.sandbox;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.testing.Shared;
import java.nio.file.Path;
import java.util.List;

/** Real problems from ../shared/datasets for the language, checker and hostile tests. */
public final class RealProblems {
    private RealProblems() {}

    /** A problem of {@code benchmark} by id, or by its id's last part ("abc375_b" for "atcoder/abc375_b"). */
    public static Problem find(Path cache, String benchmark, String id) {
        return new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null)).load(benchmark, Selection.DEFAULT).problems()
                .stream().filter(p -> p.id().equals(id) || p.id().endsWith("/" + id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " is not in " + benchmark));
    }

    /** AtCoder abc301_a's tests, from lcb_v1_samples. */
    public static List<TestCase> abc301(Path cache) {
        return tests(find(cache, "lcb_v1_samples", HostilePrograms.ABC301));
    }

    public static List<TestCase> tests(Problem p) {
        return ((CodeTests) p.gold()).tests();
    }
}
