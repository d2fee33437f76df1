package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.SandboxThroughput;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"Python programs in the sandbox, beside a bare host interpreter.",
            "Trivial and typical Python programs in the sandbox pool at concurrency 1 and at the core count,",
            "beside a bare /usr/bin/python3 subprocess on the host measured in the same run.",
            "Trivial runs are measured one per request and ten per request (each still a fresh process).",
            "Prints runs per second, median and p99 latency, and the sandbox/host ratios."})
final class SandboxBench extends CommandBase {
    @Option(names = "--runs", defaultValue = "300", paramLabel = "N", description = "Measured runs per row (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--host-python", defaultValue = "/usr/bin/python3", paramLabel = "PATH", description = "The host interpreter to compare with.")
    String hostPython;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        if (runs < 10) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 10");
        }
        new SandboxThroughput(runs, hostPython, data.open()).run(spec.commandLine().getOut());
        return 0;
    }
}
