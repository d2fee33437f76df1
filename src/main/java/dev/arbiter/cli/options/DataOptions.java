package dev.arbiter.cli.options;

import dev.arbiter.benchmark.Benchmarks;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where benchmark data comes from: every command that loads a benchmark takes these. */
public final class DataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR") Path dataDir;
    @Option(names = "--offline") boolean offline;

    /** The benchmarks as these options and the environment find them. */
    public Benchmarks open() {
        return Benchmarks.open(dataDir, offline);
    }
}
