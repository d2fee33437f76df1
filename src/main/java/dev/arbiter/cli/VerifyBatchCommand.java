package dev.arbiter.cli;

import dev.arbiter.Progress;
import dev.arbiter.cli.options.MathOptions;
import dev.arbiter.cli.options.ThreadsOption;
import dev.arbiter.run.VerifyBatch;
import dev.arbiter.verify.math.MathConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "verify-batch", mixinStandardHelpOptions = true, defaultValueProvider = MathOptions.Defaults.class, sortOptions = false)
final class VerifyBatchCommand extends CommandBase {
    @Option(names = "--in", required = true, paramLabel = "FILE") Path in;
    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
    @CommandLine.Mixin ThreadsOption threads;
    @CommandLine.Mixin MathOptions options;

    @Override
    protected int run(CommandLine cl) throws Exception {
        int n = threads.threads();
        MathConfig defaults = options.config();
        if (Files.exists(in) && Files.exists(out) && Files.isSameFile(in, out)) {
            throw new CommandLine.ParameterException(cl, "--out must not be the --in file");
        }
        VerifyBatch.Plan plan = VerifyBatch.plan(in, out, defaults);
        PrintWriter err = cl.getErr();
        if (plan.done().lines() > 0) {
            err.printf("resuming: %d of %d lines already in %s%n", plan.done().lines(), plan.total(), out);
            err.flush();
        }
        long start = System.nanoTime();
        VerifyBatch.Tally tally;
        // Short runs stay quiet; a bar appears once a run has taken a second.
        try (Progress.Delayed bar = Progress.delayed("verifying", plan.total(), Duration.ofSeconds(1))) {
            tally = VerifyBatch.run(plan, n, bar::stepTo);
        }
        PrintWriter o = cl.getOut();
        o.println(tally.summary(plan.todo(), (System.nanoTime() - start) / 1e9));
        o.flush();
        if (tally.unjudged() != null) {
            err.println("arbiter: " + tally.unjudged());
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }
}
