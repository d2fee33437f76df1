package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DeviceOptions;
import dev.arbiter.perf.EngineThroughput;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false)
final class GenerateBench extends CommandBase {
    @Option(names = "--model", required = true, paramLabel = "DIR|ID") String model;
    @Option(names = "--batch", split = ",", defaultValue = "1,8,32", paramLabel = "B") List<Integer> batches;
    @Option(names = "--prompt-tokens", defaultValue = "128", paramLabel = "N") int promptTokens;
    @Option(names = "--decode-steps", defaultValue = "64", paramLabel = "N") int decodeSteps;
    @CommandLine.Mixin DeviceOptions where;

    @Override
    protected int run(CommandLine cl) {
        if (batches.stream().anyMatch(b -> b < 1) || promptTokens < 1 || decodeSteps < 1) {
            throw new CommandLine.ParameterException(cl, "--batch, --prompt-tokens and --decode-steps must be positive");
        }
        new EngineThroughput(model, where.device(), where.precision(), batches, promptTokens, decodeSteps).run(cl.getOut());
        return 0;
    }
}
