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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify-batch",
        mixinStandardHelpOptions = true,
        defaultValueProvider = MathOptions.Defaults.class,
        sortOptions = false,
        description = {
            "Verify a JSONL file of gold/prediction pairs in parallel; resumable.",
            "Each input line is a JSON object with gold and prediction (strings), and optionally config:",
            "settings for that line over the options below, e.g. {\"float_rounding\": 2, \"choices\": [\"A\", \"B\"]}.",
            "Each output line is its input line, all fields kept in order, with equal, reason, timed_out,",
            "extracted {gold, pred} and millis added, in input order, written as soon as it is known.",
            "Rerunning with the same --out resumes after the lines already written."
        },
        footer = {
            "",
            "A bad input line (not JSON, no gold or prediction, a bad config) stops the run before any",
            "verdict, with an error naming the line; blank lines are skipped. A killed run leaves only",
            "complete lines (a torn last line is dropped on resume). Ends with a summary on stdout;",
            "timed-out verdicts count as not equal too. Exit code 0 whatever the verdicts.",
            "",
            "config keys: gold_targets, pred_targets ([\"latex\", \"expr\"]), boxed_priority, float_rounding,",
            "strict, allow_set_relation, percent (\"fraction\" or \"lenient\"), choices, deadline_ms, extraction",
            "(\"flexible\" or \"boxed\"), approximate; Math-Verify's names (gold_extraction, pred_extraction,",
            "latex_boxed_match_priority, allow_set_relation_comp) too.",
            "",
            "Examples:",
            "  arbiter verify-batch --in rollouts.jsonl --out verdicts.jsonl",
            "  arbiter verify-batch --in rollouts.jsonl --out verdicts.jsonl --threads 8 --percent lenient",
            "  arbiter verify-batch --in rollouts.jsonl --out verdicts.jsonl --extraction boxed   # only \\boxed{} answers",
            "  echo '{\"gold\": \"0.5\", \"prediction\": \"\\\\boxed{\\\\frac{1}{2}}\"}' > one.jsonl",
            "  arbiter verify-batch --in one.jsonl --out one.out.jsonl"
        })
final class VerifyBatchCommand extends CommandBase {
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "JSONL with gold and prediction.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the verified lines go (appended; resumed).")
    Path out;

    @CommandLine.Mixin
    ThreadsOption threads;

    @CommandLine.Mixin
    MathOptions options;

    @Override
    public Integer call() throws Exception {
        int n = threads.threads();
        MathConfig defaults = options.config();
        if (Files.exists(in) && Files.exists(out) && Files.isSameFile(in, out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out must not be the --in file");
        }
        VerifyBatch.Plan plan = VerifyBatch.plan(in, out, defaults);
        PrintWriter err = spec.commandLine().getErr();
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
        PrintWriter o = spec.commandLine().getOut();
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
