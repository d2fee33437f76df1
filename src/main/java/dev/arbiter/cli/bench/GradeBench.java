package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.GradeThroughput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "grade", mixinStandardHelpOptions = true)
final class GradeBench extends CommandBase {
    @Option(names = "--samples", defaultValue = "64", paramLabel = "N") int samples;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if (samples < 1) {
            throw new CommandLine.ParameterException(cl, "--samples must be at least 1");
        }
        GradeThroughput.run(data.open(), samples, cl.getOut());
        return 0;
    }
}
