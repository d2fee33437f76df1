package dev.arbiter.cli.bench;

import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The perf benchmarks; each subcommand parses its options and runs a workload of {@code dev.arbiter.perf}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Arbiter's speed, with the reference measured side by side in the same run.",
        subcommands = {SandboxBench.class, VerifyBench.class, GradeBench.class, GenerateBench.class, RewardBench.class, TrainBench.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: sandbox, verify, grade, generate, reward or train");
    }

    /** Where benchmark data comes from (a picocli mixin). */
    static final class Data {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder laid out like shared/datasets; overrides ARBITER_DATA.")
        Path dataDir;

        @Option(names = "--offline", description = "Never download; same as ARBITER_OFFLINE=1.")
        boolean offline;

        Benchmarks open() {
            if (dataDir != null && !Files.isDirectory(dataDir)) {
                throw new BenchmarkException("--data-dir " + dataDir + " is not a folder");
            }
            DataConfig c = DataConfig.fromEnvironment(dataDir, System.getenv());
            return new Benchmarks(offline ? new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()) : c);
        }
    }
}
