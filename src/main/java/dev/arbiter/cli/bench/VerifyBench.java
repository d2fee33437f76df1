package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.VerifyThroughput;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"The math verifier's speed, cold and warm side by side.",
            "Measured on Math-Verify's conformance corpus (each case with its",
            "own settings) and on MATH-500 and Omni-MATH (each gold answer against distinct responses: its own reference",
            "solution, a near miss of it, and other problems' solutions), single-threaded and on N threads.",
            "Prints cold start, verdicts per second, median and p99 latency, and the verdict counts."},
        footer = {"",
            "Cold: a new verifier (its own Symja children, started on other inputs; an empty answer cache) given each input",
            "once, no two alike.",
            "Warm: the same verifier given the same inputs again, so its answer cache serves what it asked before.",
            "Each row is the median of --passes passes by verdicts/s, after --warmup-seconds of this JVM's own JIT warm-up.",
            "The corpus is --corpus, else $ARBITER_SHARED/conformance/math-verify-cases.jsonl, else",
            "../shared/conformance/math-verify-cases.jsonl from the working directory; its sympy_expr_eq rows",
            "(sympy objects, not text) are skipped. The benchmarks come from --data-dir or ARBITER_DATA.",
            "",
            "Example:",
            "  ARBITER_DATA=../shared/datasets arbiter bench verify --passes 3"})
final class VerifyBench extends CommandBase {
    @Option(names = "--corpus", paramLabel = "FILE", description = "JSONL with gold, prediction and optional config (default: see below).")
    Path corpus;

    @Option(names = "--benchmarks", split = ",", defaultValue = "math500,omni_math", paramLabel = "NAME",
            description = "Math benchmarks with reference solutions (default: ${DEFAULT-VALUE}).")
    List<String> benchmarks;

    @Option(names = "--cases", defaultValue = "1000", paramLabel = "N", description = "Distinct cases per benchmark (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--passes", defaultValue = "3", paramLabel = "N", description = "Measured passes per row (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S", description = "JIT warm-up per source (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the parallel rows (default: one per core).")
    Integer threads;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (passes < 1 || n < 1 || cases < 1 || warmupSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--passes, --threads and --cases must be at least 1, --warmup-seconds not negative");
        }
        Path file = corpus != null ? corpus : VerifyThroughput.sharedCorpus();
        new VerifyThroughput(passes, warmupSeconds).run(spec.commandLine().getOut(), file, corpus == null ? "conformance" : "corpus",
                data::open, benchmarks, cases, n);
        return 0;
    }
}
