package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.demo.Demo;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.run.Evaluation;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a whole evaluation with nothing but this build: no GPU, no weights, no server.",
            "It makes a tiny random-weight model in the model cache, samples it in this process on the first MATH-500 problems",
            "(and one LiveCodeBench problem when the Docker sandbox is up), grades the answers and writes the report,",
            "as `arbiter eval` does for a real model. The scores are near zero: the weights are random."},
        footer = {"", "Example:", "  ./arbiter demo"})
final class DemoCommand extends CommandBase {
    @Option(names = "--problems", defaultValue = "20", paramLabel = "N", description = "MATH-500 problems, its first ones (default: ${DEFAULT-VALUE}).")
    int problems;

    @Option(names = "--n", defaultValue = "4", paramLabel = "N", description = "Samples per problem (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "T", description = "Token budget per sample (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--no-code", description = "Leave the LiveCodeBench problem out even when Docker is up.")
    boolean noCode;

    @Option(names = "--store", defaultValue = "results/store.db", paramLabel = "FILE", description = "The completion store (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: under results/, as for eval).")
    Path out;

    @CommandLine.Mixin
    EngineOptions engineOptions;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (problems < 1 || n < 1 || maxTokens < 1) {
            throw new CommandLine.ParameterException(cl, "--problems, --n and --max-tokens must be at least 1");
        }
        Demo.Settings s = new Demo.Settings(problems, noCode ? 0 : 1, n, maxTokens, store, out, engineOptions.device());
        return Demo.run(s, ModelHub.fromEnvironment(), data.open(), engineOptions::open, Evaluation.Progress.bars(), cl.getOut(), cl.getErr())
                .exitCode();
    }
}
