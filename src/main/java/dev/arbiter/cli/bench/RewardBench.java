package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.RewardThroughput;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "reward", mixinStandardHelpOptions = true, sortOptions = false)
final class RewardBench extends CommandBase {
    @Option(names = "--kinds", split = ",", defaultValue = "math,code", paramLabel = "K") List<String> kinds;
    @Option(names = "--concurrency", split = ",", defaultValue = "1,16,64", paramLabel = "C") List<Integer> concurrency;
    @Option(names = "--batches", split = ",", defaultValue = "1,256", paramLabel = "B") List<Integer> batches;
    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S") double seconds;
    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S") double warmupSeconds;
    @Option(names = "--containers", paramLabel = "N") Integer containers;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        String bad = kinds.stream().filter(k -> !k.equals("math") && !k.equals("code")).findFirst().orElse(null);
        if (bad != null) {
            throw new CommandLine.ParameterException(cl, "--kinds takes math and code, got " + bad);
        }
        if (concurrency.stream().anyMatch(c -> c < 1 || c > 1024) || batches.stream().anyMatch(b -> b < 1 || b > 4096) || seconds <= 0
                || (containers != null && (containers < 1 || containers > 256))) {
            throw new CommandLine.ParameterException(cl,
                    "concurrency must be 1..1024, batches 1..4096, containers 1..256 and seconds positive");
        }
        new RewardThroughput(new RewardThroughput.Settings(kinds, concurrency, batches, seconds, warmupSeconds, containers))
                .run(data.open(), cl.getOut());
        return 0;
    }
}
