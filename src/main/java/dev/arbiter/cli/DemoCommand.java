package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.demo.Demo;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.run.Evaluation;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false)
final class DemoCommand extends CommandBase {
    @Option(names = "--problems", defaultValue = "20", paramLabel = "N") int problems;
    @Option(names = "--n", defaultValue = "4", paramLabel = "N") int n;
    @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "T") int maxTokens;
    @Option(names = "--no-code") boolean noCode;
    @Option(names = "--store", defaultValue = "results/store.db", paramLabel = "FILE") String store;
    @Option(names = "--out", paramLabel = "DIR") Path out;
    @CommandLine.Mixin EngineOptions engineOptions;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if (problems < 1 || n < 1 || maxTokens < 1) {
            throw new CommandLine.ParameterException(cl, "--problems, --n and --max-tokens must be at least 1");
        }
        Demo.Settings s = new Demo.Settings(problems, noCode ? 0 : 1, n, maxTokens, store, out, engineOptions.device());
        return Demo.run(s, ModelHub.fromEnvironment(), data.open(), engineOptions::open, Evaluation.Progress.bars(), cl.getOut(), cl.getErr())
                .exitCode();
    }
}
