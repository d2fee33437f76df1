package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.ExtractionOption;
import dev.arbiter.cli.options.SandboxOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.cli.options.TestTimeoutOption;
import dev.arbiter.run.Grading;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "grade",
        mixinStandardHelpOptions = true,
        description = {
            "Grade model outputs from any harness: code benchmarks in the sandbox, math benchmarks with the math verifier.",
            "Each input line is a JSON object with problem_id and completion (the raw model output);",
            "each output line is that generation's verdict, in input order, written as soon as it is known.",
            "Every line carries an outcome: correct, wrong, no_answer, truncated, program_timeout, verifier_timeout,",
            "or infrastructure_error (the sandbox or the verifier failed: no verdict, with its reason).",
            "Rerunning with the same --out resumes after the verdicts already written, and grades again",
            "the generations that got no verdict; while any remain the command exits with status 1."
        },
        footer = {
            "",
            "LiveCodeBench problems are graded by LiveCodeBench's rules: the last fenced code block, all",
            "tests in one process, 6 s of wall clock per test, stop at the first failure. --clock cpu",
            "counts CPU time per test instead, so slow machines do not turn passes into timeouts.",
            "code_contests benchmarks use CodeContests' tolerant checker. Math verdicts carry equal, the",
            "extracted answer and the rule that decided; the summary gives pass@1 as the mean over problems",
            "of each problem's share of correct completions.",
            "",
            "Example:",
            "  arbiter grade --benchmark livecodebench --generations gens.jsonl --out verdicts.jsonl",
            "  arbiter grade --benchmark math500 --generations gens.jsonl --out verdicts.jsonl"
        })
final class GradeCommand extends CommandBase {
    @Option(names = "--benchmark", required = true, paramLabel = "NAME", description = "A benchmark, e.g. livecodebench or math500.")
    String benchmark;

    @Option(names = "--generations", required = true, paramLabel = "FILE", description = "JSONL with problem_id and completion.")
    Path generations;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where verdicts go, one JSON line each.")
    Path out;

    @CommandLine.Mixin
    TestTimeoutOption timeout;

    @Option(names = "--clock", defaultValue = "wall", paramLabel = "wall|cpu", description = "What the per-test limit counts (default: ${DEFAULT-VALUE}).")
    LcbRequest.Clock clock;

    @Option(names = "--memory-mb", defaultValue = "1024", paramLabel = "M", description = "Address-space limit per generation (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    @CommandLine.Mixin
    ExtractionOption extraction;

    @CommandLine.Mixin
    SandboxOptions sandbox;

    @CommandLine.Mixin
    SelectionOptions window;

    @CommandLine.Mixin
    DataOptions data;

    /** Where the sandbox comes from; tests put a broken one here to see what the command does then. */
    static volatile Function<SandboxConfig, Sandbox> sandboxes = Sandbox::start;

    @Override
    public Integer call() throws Exception {
        Grading.Settings settings;
        try {
            settings = new Grading.Settings(timeout.seconds(), clock, memoryMb, extraction.extraction(), sandbox.config(), sandboxes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Grading.Plan plan = Grading.plan(data.open().load(benchmark, window.selection()), generations, out);
        PrintWriter err = spec.commandLine().getErr();
        if (plan.resumed() != null) {
            err.println(plan.resumed());
        }
        String machine = Grading.machine();
        double secs = Grading.grade(plan, settings, machine);
        // The counts cover every verdict in --out, resumed ones included.
        Grading.Tally t = Grading.Tally.of(out);
        PrintWriter o = spec.commandLine().getOut();
        o.println(plan.summary(benchmark, settings, machine, secs, t));
        o.flush();
        if (t.unjudged() != null) {
            err.println("arbiter: " + t.unjudged());
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }
}
