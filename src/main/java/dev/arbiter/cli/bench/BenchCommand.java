package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandGroup;
import picocli.CommandLine.Command;

/** The perf benchmarks; each subcommand parses its options and runs a workload of {@code dev.arbiter.perf}. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {SandboxBench.class, VerifyBench.class, GradeBench.class, GenerateBench.class, ParityBench.class, RewardBench.class, TrainBench.class})
public final class BenchCommand extends CommandGroup {
}
