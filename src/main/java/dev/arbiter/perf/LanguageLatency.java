package dev.arbiter.perf;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.ProgramExecution;
import dev.arbiter.sandbox.ProgramRequest;
import dev.arbiter.sandbox.ProgramRun;
import dev.arbiter.sandbox.Sandbox;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Compile and run latency per language: our solution to abc301_a in each language, compiled once and
 * run on the problem's tests, one request at a time on a pool of the polyglot image. Compile and
 * per-test times are the driver's own clocks; the request time is the client's, Docker's trip included.
 */
public final class LanguageLatency {
    private final int requests;

    public LanguageLatency(int requests) {
        this.requests = requests;
    }

    /** One language's figures, in milliseconds. */
    record Row(Language language, int requests, List<Double> compileMs, List<Double> runMs, List<Double> requestMs, int failures) {}

    public void run(Sandbox sandbox, Problem abc301, List<Language> languages, PrintWriter out) {
        List<TestCase> tests = ((CodeTests) abc301.gold()).tests();
        List<String> inputs = tests.stream().map(TestCase::input).toList();
        List<String> outputs = tests.stream().map(TestCase::output).toList();
        Limits limits = Limits.DEFAULT.withWallMs(10_000);
        List<Row> rows = new ArrayList<>();
        for (Language language : languages) {
            ProgramRequest request = new ProgramRequest(language, BenchSolutions.overallWinner(language), inputs, outputs, limits, false);
            sandbox.program(request); // warm: the first compile of a language loads its compiler from disk
            List<Double> compile = new ArrayList<>();
            List<Double> run = new ArrayList<>();
            List<Double> whole = new ArrayList<>();
            int failures = 0;
            for (int i = 0; i < requests; i++) {
                long t0 = System.nanoTime();
                ProgramExecution<ProgramRun> ex = sandbox.program(request);
                whole.add((System.nanoTime() - t0) / 1e6);
                if (ex.sandboxFailed() || !ex.compiled() || !ex.runs().stream().allMatch(ProgramRun::accepted)) {
                    failures++;
                    continue;
                }
                ex.compile().ifPresent(c -> compile.add((double) c.wallMs()));
                ex.runs().forEach(r -> run.add((double) r.result().wallMs()));
            }
            rows.add(new Row(language, requests, compile, run, whole, failures));
        }
        out.printf("%nper language: abc301_a, %d tests per request, %d requests each at concurrency 1 (after one warm-up)%n", inputs.size(), requests);
        out.printf("%-11s %9s %9s %11s %11s %12s %5s%n", "LANGUAGE", "COMPILE", "(P90)", "RUN/TEST", "(P90)", "REQUEST", "FAIL");
        for (Row r : rows) {
            out.printf("%-11s %9.0f %9.0f %11.1f %11.1f %12.0f %5d%n", r.language().wireName(), median(r.compileMs()), p90(r.compileMs()),
                    median(r.runMs()), p90(r.runMs()), median(r.requestMs()), r.failures());
        }
        out.println("(ms: COMPILE is the compile or, for python, javascript and bash, the syntax check; RUN/TEST one test's run;"
                + " REQUEST the whole request as the client waits for it)");
        out.flush();
    }

    private static double median(List<Double> xs) {
        return percentile(xs, 0.5);
    }

    private static double p90(List<Double> xs) {
        return percentile(xs, 0.9);
    }

    private static double percentile(List<Double> xs, double p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.floor(p * s.size())));
    }
}
