package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DeviceOptions;
import dev.arbiter.perf.EngineThroughput;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The in-process engine's prefill and decode speed.",
            "Measures the in-process engine on a model folder: prefill and decode tokens/s at several batch sizes,",
            "and decode at batch 1 as a share of the memory-bandwidth roofline (weight bytes read per step against",
            "the bandwidth measured in the same run by streaming a large array through libtorch)."},
        footer = {"", "Example:", "  arbiter model tiny --preset m100 --out /tmp/m100 && arbiter bench generate --model /tmp/m100"})
final class GenerateBench extends CommandBase {
    @Option(names = "--model", required = true, paramLabel = "DIR|ID", description = "A model folder or Hugging Face id.")
    String model;

    @Option(names = "--batch", split = ",", defaultValue = "1,8,32", paramLabel = "B", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--prompt-tokens", defaultValue = "128", paramLabel = "N", description = "Prompt length per row (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--decode-steps", defaultValue = "64", paramLabel = "N",
            description = "Decode steps timed per batch size; the median step is reported (default: ${DEFAULT-VALUE}).")
    int decodeSteps;

    @CommandLine.Mixin
    DeviceOptions where;

    @Override
    public Integer call() {
        if (batches.stream().anyMatch(b -> b < 1) || promptTokens < 1 || decodeSteps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch, --prompt-tokens and --decode-steps must be positive");
        }
        new EngineThroughput(model, where.device(), where.precision(), batches, promptTokens, decodeSteps).run(spec.commandLine().getOut());
        return 0;
    }
}
