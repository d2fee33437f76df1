package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.RewardThroughput;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reward", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The reward server's speed over loopback, cold and warm side by side.",
            "The reward server over loopback, as a trainer drives it: math and code items, single-item and batched requests,",
            "at several concurrencies. The server is the one `arbiter reward-server` runs, started in this process on a free port;",
            "the clients are kept-alive HTTP/1.1 connections on virtual threads, sharing this machine's cores with the server.",
            "Prints rewards per second, p50 and p99 request latency, non-200 answers, and how many rewards came out 1.",
            "",
            "Each math row runs cold, then warm: cold on a new server whose verifier has seen none of the items (each a MATH-500",
            "reference solution against its own answer or another problem's, no pair twice), warm with the same requests again.",
            "Code items are short Python programs with three tests each, right (half) and wrong (half), graded by LCB's rules.",
            "A row waits for its requests in flight: 64 clients with 256 code items each are 16,384 sandbox runs, minutes on a small machine."},
        footer = {"", "Example:", "  ARBITER_DATA=../shared/datasets arbiter bench reward",
            "  arbiter bench reward --kinds math --concurrency 64 --batches 1 --seconds 10"})
final class RewardBench extends CommandBase {
    @Option(names = "--kinds", split = ",", defaultValue = "math,code", paramLabel = "K", description = "math, code or both (default: ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,16,64", paramLabel = "C", description = "Client connections per row (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--batches", split = ",", defaultValue = "1,256", paramLabel = "B", description = "Items per request (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "Each row (cold and warm each) keeps sending for this long; requests in flight then finish (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S",
            description = "Warm-up before the first row: this long for math, up to 2 s for code (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--containers", paramLabel = "N", description = "Sandbox containers for the code rows (default: one per core but one).")
    Integer containers;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        String bad = kinds.stream().filter(k -> !k.equals("math") && !k.equals("code")).findFirst().orElse(null);
        if (bad != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--kinds takes math and code, got " + bad);
        }
        if (concurrency.stream().anyMatch(c -> c < 1 || c > 1024) || batches.stream().anyMatch(b -> b < 1 || b > 4096) || seconds <= 0
                || (containers != null && (containers < 1 || containers > 256))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "concurrency must be 1..1024, batches 1..4096, containers 1..256 and seconds positive");
        }
        new RewardThroughput(new RewardThroughput.Settings(kinds, concurrency, batches, seconds, warmupSeconds, containers))
                .run(data.open(), spec.commandLine().getOut());
        return 0;
    }
}
