package dev.arbiter.cli.options;

import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where benchmark data comes from: every command that loads a benchmark takes these. */
public final class DataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder laid out like shared/datasets; overrides ARBITER_DATA.")
    Path dataDir;

    @Option(names = "--offline", description = "Never download; same as ARBITER_OFFLINE=1.")
    boolean offline;

    /** The benchmarks as these options and the environment find them. */
    public Benchmarks open() {
        DataConfig c = DataConfig.fromEnvironment(dataDir, System.getenv());
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw new BenchmarkException("--data-dir " + dataDir + " is not a folder");
        }
        if (offline) {
            c = new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken());
        }
        return new Benchmarks(c);
    }
}
