package dev.arbiter.run;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.benchmark.UserJsonl;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A finished run's benchmarks loaded again by name, as the run loaded them, for {@link RunSamples#read}. */
public final class RunProblems {
    private RunProblems() {}

    /**
     * A shipped benchmark by name (LiveCodeBench within {@code window}), the user's own file from
     * {@code jsonl}, matched by file name, as eval names it ({@code jsonl:FILE}).
     */
    public static Function<String, List<Problem>> loader(Benchmarks benchmarks, Selection window, List<Path> jsonl) {
        List<Path> files = List.copyOf(jsonl);
        return name -> {
            if (!name.startsWith(Benchmarks.JSONL_PREFIX)) {
                return benchmarks.load(name, window).problems();
            }
            String file = name.substring(Benchmarks.JSONL_PREFIX.length());
            for (Path f : files) {
                if (f.getFileName().toString().equals(file)) {
                    return benchmarks.loadJsonl(f, new UserJsonl.Mapping(Kind.MATH, Map.of())).problems();
                }
            }
            throw new RunException("the run read its problems from your file " + file + ": pass it with --jsonl FILE");
        };
    }
}
