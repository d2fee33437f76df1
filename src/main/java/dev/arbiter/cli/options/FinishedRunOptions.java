package dev.arbiter.cli.options;

import dev.arbiter.benchmark.Problem;
import dev.arbiter.run.RunProblems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a command finds what a finished run read: another store than the run's own, and its benchmarks' data. */
public final class FinishedRunOptions {
    @Option(names = "--store", paramLabel = "FILE|URL") String store;
    @Option(names = "--jsonl", paramLabel = "FILE") List<Path> jsonl = new ArrayList<>();
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;

    /** The store to read instead of the run's own, or null. */
    public String store() {
        return store;
    }

    /** Loads a run's benchmark by the name the run recorded. */
    public Function<String, List<Problem>> problems() {
        return RunProblems.loader(data.open(), window.selection(), jsonl);
    }
}
