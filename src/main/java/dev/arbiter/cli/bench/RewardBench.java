package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.Main;
import dev.arbiter.perf.ReplicaThroughput;
import dev.arbiter.perf.RewardThroughput;
import dev.arbiter.reward.RewardServerProcess;
import java.net.URI;
import java.util.ArrayList;
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
    @Option(names = "--servers", split = ",", paramLabel = "URL") List<URI> servers = new ArrayList<>();
    @Option(names = "--spawn-servers", paramLabel = "N") Integer spawnServers;
    @Option(names = "--token", paramLabel = "T") String token;
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
        if (!servers.isEmpty() || spawnServers != null) {
            return replicas(cl);
        }
        if (token != null) {
            throw new CommandLine.ParameterException(cl, "--token is for the servers given with --servers");
        }
        new RewardThroughput(new RewardThroughput.Settings(kinds, concurrency, batches, seconds, warmupSeconds, containers))
                .run(data.open(), cl.getOut());
        return 0;
    }

    private int replicas(CommandLine cl) throws Exception {
        CommandLine.ParseResult given = cl.getParseResult();
        if (!servers.isEmpty() && spawnServers != null) {
            throw new CommandLine.ParameterException(cl, "give either --servers or --spawn-servers, not both");
        }
        if (spawnServers != null && (spawnServers < 1 || spawnServers > 16)) {
            throw new CommandLine.ParameterException(cl, "--spawn-servers must be 1..16");
        }
        if ((given.hasMatchedOption("--kinds") && kinds.contains("code")) || containers != null) {
            throw new CommandLine.ParameterException(cl, "replicas are measured on math items only: drop --kinds code and --containers");
        }
        if (spawnServers != null && token != null) {
            throw new CommandLine.ParameterException(cl, "--token is for the servers given with --servers; spawned servers need none");
        }
        ReplicaThroughput bench = new ReplicaThroughput(new ReplicaThroughput.Settings(concurrency, batches, seconds, warmupSeconds,
                token != null ? token : (servers.isEmpty() ? null : System.getenv("ARBITER_REWARD_TOKEN"))));
        if (spawnServers != null) {
            bench.runSpawned(data.open(), spawnServers, RewardServerProcess.launcher(Main.class.getName()), cl.getOut());
            return 0;
        }
        try {
            ReplicaThroughput.requireHttp(servers);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        bench.run(data.open(), servers, servers.size() + " reward server" + (servers.size() == 1 ? "" : "s") + " given", cl.getOut());
        return 0;
    }
}
