package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DeviceOptions;
import dev.arbiter.perf.DeviceParity;
import picocli.CommandLine.Command;
import picocli.CommandLine;

@Command(name = "parity", mixinStandardHelpOptions = true, sortOptions = false)
final class ParityBench extends CommandBase {
    @CommandLine.Mixin DeviceOptions where;

    @Override
    protected int run(CommandLine cl) {
        return DeviceParity.run(where.device(), where.precision(), cl.getOut()) ? 0 : 1;
    }
}
