package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.GradeThroughput;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "grade", mixinStandardHelpOptions = true,
        description = {"Re-grading MATH-500 completions from the completion store.",
            "Re-grading from the completion store: MATH-500 with --samples completions per problem is written to",
            "a fresh store (no verdicts), then `arbiter eval`'s grading pass verifies every completion, stores each",
            "verdict and clusters the answers for maj@k. Prints the time and verdicts per second."},
        footer = {"", "The completions cycle through four kinds: the reference solution, a bare \\boxed{gold}, the next",
            "problem's solution (mostly wrong), and the reference solution with its \\boxed{} removed."})
final class GradeBench extends CommandBase {
    @Option(names = "--samples", defaultValue = "64", paramLabel = "N", description = "Completions per problem (default: ${DEFAULT-VALUE}).")
    int samples;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        if (samples < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--samples must be at least 1");
        }
        GradeThroughput.run(data.open(), samples, spec.commandLine().getOut());
        return 0;
    }
}
