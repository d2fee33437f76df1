package dev.arbiter.cli.options;

import dev.arbiter.verify.math.MathVerifier;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** How many verdicts are computed at once, for the commands that verify in a thread pool. */
public final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--threads", paramLabel = "N") Integer threads;

    /** The count given, else the math verifier's measured default; fewer than one is refused. */
    public int threads() {
        int n = threads == null ? MathVerifier.defaultThreads() : threads;
        if (n < 1) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--threads must be at least 1");
        }
        return n;
    }
}
