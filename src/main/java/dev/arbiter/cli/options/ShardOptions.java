package dev.arbiter.cli.options;

import dev.arbiter.run.RunPart;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Which part of a run's slots this process takes: all of them, one shard's slice (--shard I/N, or a
 * Kubernetes Indexed Job pod's from its environment), or none (--gather, scoring what the shards stored).
 */
public final class ShardOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--shard", paramLabel = "I/N") String shard;
    @Option(names = "--shard-from-env") boolean fromEnv;
    @Option(names = "--shard-count", paramLabel = "N") Integer count;
    @Option(names = "--gather") boolean gather;

    /** The part given, reading the environment for --shard-from-env and --gather; a contradiction or a bad value is a usage error. */
    public RunPart part() {
        return part(System.getenv());
    }

    RunPart part(Map<String, String> env) {
        int given = (shard != null ? 1 : 0) + (fromEnv ? 1 : 0) + (gather ? 1 : 0);
        try {
            if (given > 1) {
                throw new IllegalArgumentException("--shard, --shard-from-env and --gather exclude each other: give one");
            }
            if (count != null && !fromEnv && !gather) {
                throw new IllegalArgumentException("--shard-count goes with --shard-from-env or --gather (--shard I/N names the count itself)");
            }
            if (shard != null) {
                return RunPart.Shard.parse(shard);
            }
            if (fromEnv) {
                return RunPart.Shard.fromEnv(env, count);
            }
            return gather ? RunPart.Gather.fromEnv(env, count) : RunPart.WHOLE;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
