package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.ExtractionOption;
import dev.arbiter.cli.options.JudgeOptions;
import dev.arbiter.cli.options.SandboxOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.cli.options.TestTimeoutOption;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.UserJsonl;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.GradeJudging;
import dev.arbiter.run.Grading;
import dev.arbiter.run.HarnessOutputs;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "grade", mixinStandardHelpOptions = true)
final class GradeCommand extends CommandBase {
    @Option(names = "--benchmark", paramLabel = "NAME") String benchmark;
    @Option(names = "--generations", required = true, paramLabel = "FILE") Path generations;
    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT") String from;
    @Option(names = "--field", paramLabel = "OURS=THEIRS") List<String> fields = new ArrayList<>();
    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
    @CommandLine.Mixin TestTimeoutOption timeout;
    @Option(names = "--clock", defaultValue = "wall", paramLabel = "wall|cpu") LcbRequest.Clock clock;
    @Option(names = "--memory-mb", defaultValue = "1024", paramLabel = "M") int memoryMb;
    @Option(names = "--judges", description = "Grade the LiveCodeBench problems that accept several answers and have a special judge "
            + "(sandbox/checkers/) by it; verdicts then say grader livecodebench+judge. The official score uses LiveCodeBench's exact "
            + "rule, the default.")
    boolean judges;
    @CommandLine.Mixin ExtractionOption extraction;
    @CommandLine.Mixin SandboxOptions sandbox;
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;
    @CommandLine.Mixin JudgeOptions judge;
    @Option(names = "--store", defaultValue = "results/store.db", paramLabel = "FILE|URL") String store;

    /** Where the sandbox comes from; tests put a broken one here to see what the command does then. */
    static volatile Function<SandboxConfig, Sandbox> sandboxes = Sandbox::start;

    @Override
    protected int run(CommandLine cl) throws Exception {
        Grading.Settings settings;
        try {
            settings = new Grading.Settings(timeout.seconds(), clock, memoryMb, extraction.extraction(), sandbox.config(), sandboxes, judges);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        HarnessOutputs.Format format;
        java.util.Map<String, String> mapping;
        try {
            format = HarnessOutputs.Format.parse(from);
            mapping = UserJsonl.parsePairs(fields);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        LlmJudge.Settings judgeSettings = judge.settings();
        Benchmarks.Loaded loaded = benchmark == null ? null : data.open().load(benchmark, window.selection());
        HarnessOutputs.Read read = HarnessOutputs.read(generations, format, mapping, loaded);
        Grading.Plan plan = Grading.plan(loaded, read, generations, out);
        if (judgeSettings != null && !plan.math()) {
            throw new CommandLine.ParameterException(cl, "--judge is for math answers; code is graded by its tests alone");
        }
        PrintWriter err = cl.getErr();
        if (plan.resumed() != null) {
            err.println(plan.resumed());
        }
        String machine = Grading.machine();
        double secs = Grading.grade(plan, settings, machine);
        // The counts cover every verdict in --out, resumed ones included.
        Grading.Tally t = Grading.Tally.of(out);
        PrintWriter o = cl.getOut();
        o.println(plan.summary(plan.benchmark().name(), settings, machine, secs, t));
        String against = t.comparison(read.format().label() + (read.theirMetric() == null ? "" : " (" + read.theirMetric() + ")"));
        if (against != null) {
            o.println(against);
        }
        o.flush();
        if (judgeSettings != null) {
            GradeJudging.Result j;
            try (CompletionStore st = CompletionStore.open(store)) {
                j = GradeJudging.judge(plan, st, new LlmJudge(judgeSettings), judgeSettings.concurrency());
            }
            o.println(j.line());
            o.flush();
            j.warnings().forEach(w -> err.println("arbiter grade: " + w));
            err.flush();
            if (j.failed() > 0 && t.unjudged() == null) {
                return Errors.FAILURE;
            }
        }
        if (t.unjudged() != null) {
            err.println("arbiter: " + t.unjudged());
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }
}
