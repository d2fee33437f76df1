package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.VerifyThroughput;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "verify", mixinStandardHelpOptions = true)
final class VerifyBench extends CommandBase {
    @Option(names = "--corpus", paramLabel = "FILE") Path corpus;
    @Option(names = "--benchmarks", split = ",", defaultValue = "math500,omni_math", paramLabel = "NAME") List<String> benchmarks;
    @Option(names = "--cases", defaultValue = "1000", paramLabel = "N") int cases;
    @Option(names = "--passes", defaultValue = "3", paramLabel = "N") int passes;
    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S") double warmupSeconds;
    @Option(names = "--threads", paramLabel = "N") Integer threads;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (passes < 1 || n < 1 || cases < 1 || warmupSeconds < 0) {
            throw new CommandLine.ParameterException(cl, "--passes, --threads and --cases must be at least 1, --warmup-seconds not negative");
        }
        Path file = corpus != null ? corpus : VerifyThroughput.sharedCorpus();
        new VerifyThroughput(passes, warmupSeconds).run(cl.getOut(), file, corpus == null ? "conformance" : "corpus",
                data::open, benchmarks, cases, n);
        return 0;
    }
}
