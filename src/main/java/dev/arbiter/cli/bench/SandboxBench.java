package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.SandboxThroughput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "sandbox", mixinStandardHelpOptions = true)
final class SandboxBench extends CommandBase {
    @Option(names = "--runs", defaultValue = "300", paramLabel = "N") int runs;
    @Option(names = "--host-python", defaultValue = "/usr/bin/python3", paramLabel = "PATH") String hostPython;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if (runs < 10) {
            throw new CommandLine.ParameterException(cl, "--runs must be at least 10");
        }
        new SandboxThroughput(runs, hostPython, data.open()).run(cl.getOut());
        return 0;
    }
}
