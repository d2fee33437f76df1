package dev.arbiter.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The perf benchmarks; each subcommand parses its options and runs a workload of {@code dev.arbiter.perf}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Arbiter's speed, with the reference measured side by side in the same run.",
        subcommands = {SandboxBench.class, VerifyBench.class, GradeBench.class, GenerateBench.class, RewardBench.class, TrainBench.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: sandbox, verify, grade, generate, reward or train");
    }
}
