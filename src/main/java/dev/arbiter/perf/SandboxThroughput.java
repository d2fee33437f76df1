package dev.arbiter.perf;

import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.RunStatus;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.Check;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.code.CodeGrader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Trivial and typical Python programs in the sandbox pool at concurrency 1 and at the core count, beside a
 * bare host interpreter measured in the same run, and the three lcb_v1_samples problems graded in full.
 */
public final class SandboxThroughput {
    private static final int BATCH = 10;
    private static final String BATCHED = "sandbox trivial, " + BATCH + " runs per request";

    private final int runs;
    private final String hostPython;
    private final Benchmarks data;

    public SandboxThroughput(int runs, String hostPython, Benchmarks data) {
        this.runs = runs;
        this.hostPython = hostPython;
        this.data = data;
    }

    /** Measures every row, then prints the table and the sandbox/host ratios; then each of {@code languages}' latency. */
    public void run(PrintWriter out, List<Language> languages, int languageRequests) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int[] levels = cores > 1 ? new int[] {1, cores} : new int[] {1};
        List<Timings> rows = new ArrayList<>();
        String trivial = "print(1)";
        String typical = typicalProgram();
        String typicalInput = typicalInput();
        boolean host = Files.isExecutable(Path.of(hostPython));
        out.printf("arbiter bench sandbox: %d cores, %d runs per row, image %s%n", cores, runs, SandboxConfig.defaults().image());
        out.flush();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            Limits lim = Limits.DEFAULT.withWallMs(10_000);
            for (int c : levels) {
                if (host) {
                    rows.add(Timings.measure("host " + hostPython + " (trivial)", c, runs, 10, () -> hostRun(trivial, "")));
                }
                rows.add(Timings.measure("sandbox trivial", c, runs, 20, () -> sandbox.run(trivial, "", lim).status() == RunStatus.OK));
            }
            // Still one fresh process per run, but ten runs per request: what is left is the
            // sandbox's own cost per process, without the per-request trip through Docker.
            List<String> tenInputs = Collections.nCopies(BATCH, "");
            for (int c : levels) {
                rows.add(Timings.measure(BATCHED, c, Math.max(1, runs / BATCH), 2, () -> sandbox.runEach(trivial, tenInputs, lim, false)
                        .stream().allMatch(r -> r.status() == RunStatus.OK)).perRun(BATCH));
            }
            for (int c : levels) {
                if (host) {
                    rows.add(Timings.measure("host " + hostPython + " (typical)", c, runs / 3, 5, () -> hostRun(typical, typicalInput)));
                }
                rows.add(Timings.measure("sandbox typical", c, runs / 3, 10, () -> {
                    RunResult r = sandbox.run(typical, typicalInput, lim);
                    return r.status() == RunStatus.OK && r.stdout().startsWith("49");
                }));
            }
            Map<String, Problem> problems = lcbProblems();
            if (problems != null) {
                List<String[]> lcb = lcbSolutions();
                CodeTestVerifier grader = CodeTestVerifier.over(sandbox, CodeGrader.Settings.LCB_DEFAULT);
                AtomicInteger next = new AtomicInteger();
                for (int c : levels) {
                    rows.add(Timings.measure("sandbox LCB grading (3 real problems, all tests)", c, runs / 3, 6, () -> {
                        String[] s = lcb.get(Math.floorMod(next.getAndIncrement(), lcb.size()));
                        Problem p = problems.get(s[0]);
                        return grader.verify(Check.of(p.id(), p.gold(), CodeGrader.graderFor(p.benchmark()), s[1], false)).outcome().correct();
                    }));
                }
            } else {
                out.println("(LCB grading rows skipped: lcb_v1_samples data not found; set ARBITER_DATA)");
            }
        }
        out.printf("%-52s %5s %6s %9s %10s %8s %5s%n", "WHAT", "CONC", "RUNS", "RUNS/S", "MEDIAN MS", "P99 MS", "FAIL");
        for (Timings r : rows) {
            out.printf("%-52s %5d %6d %9.1f %10.1f %8.1f %5d%n", r.what(), r.concurrency(), r.runs(), r.perSecond(),
                    r.percentile(50), r.percentile(99), r.failures());
        }
        if (host) {
            for (int c : levels) {
                Timings h = find(rows, "host " + hostPython + " (trivial)", c);
                Timings s = find(rows, "sandbox trivial", c);
                out.printf("trivial at concurrency %d: sandbox median %.1f ms = %.2fx host median %.1f ms; %.1f runs/s = %.2fx host%n",
                        c, s.percentile(50), s.percentile(50) / h.percentile(50), h.percentile(50), s.perSecond(), s.perSecond() / h.perSecond());
            }
        }
        for (int c : levels) {
            out.printf("trivial at concurrency %d, %d per request: %.1f runs/s (latency columns: per run, amortized)%n",
                    c, BATCH, find(rows, BATCHED, c).perSecond());
        }
        out.flush();
        if (!languages.isEmpty()) {
            Map<String, Problem> problems = lcbProblems();
            if (problems == null) {
                out.println("(language rows skipped: lcb_v1_samples data not found; set ARBITER_DATA)");
                return;
            }
            SandboxConfig polyglot = SandboxConfig.defaults().polyglot().withContainers(1);
            long t0 = System.nanoTime();
            try (Sandbox sandbox = Sandbox.start(polyglot)) {
                out.printf("%npolyglot image %s: one container started in %.1f s%n", polyglot.image(), (System.nanoTime() - t0) / 1e9);
                new LanguageLatency(languageRequests).run(sandbox, problems.get("atcoder/abc301_a"), languages, out);
            }
        }
    }

    private static Timings find(List<Timings> rows, String what, int c) {
        return rows.stream().filter(r -> r.what().equals(what) && r.concurrency() == c).findFirst().orElseThrow();
    }

    private boolean hostRun(String code, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(hostPython, "-c", code).redirectErrorStream(true).start();
        try (var os = p.getOutputStream()) {
            os.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] outBytes;
        try (InputStream in = p.getInputStream()) {
            outBytes = in.readAllBytes();
        }
        return p.waitFor() == 0 && outBytes.length > 0;
    }

    /** Typical of LiveCodeBench stdin problems: parse 100,000 ints, sort, aggregate. */
    private static String typicalProgram() {
        return "import sys\n"
                + "def main():\n"
                + "    data = sys.stdin.read().split()\n"
                + "    n = int(data[0]); a = sorted(map(int, data[1:n + 1]))\n"
                + "    best = max(a[i + 1] - a[i] for i in range(n - 1))\n"
                + "    print(sum(a) % 1000003 * 0 + 49, best)\n"
                + "main()\n";
    }

    private static String typicalInput() {
        Random r = new Random(7);
        StringBuilder sb = new StringBuilder("100000\n");
        for (int i = 0; i < 100_000; i++) {
            sb.append(r.nextInt(1_000_000_000)).append(i % 20 == 19 ? '\n' : ' ');
        }
        return sb.append('\n').toString();
    }

    /** The three lcb_v1_samples problems by id, or null when their data is not at hand. */
    private Map<String, Problem> lcbProblems() {
        Map<String, Problem> m = new HashMap<>();
        try {
            data.load("lcb_v1_samples", Selection.DEFAULT).problems().forEach(p -> m.put(p.id(), p));
        } catch (BenchmarkException e) {
            return null;
        }
        return m;
    }

    /** Our own correct solutions to the three lcb_v1_samples problems, as fenced model outputs. */
    private static List<String[]> lcbSolutions() {
        return List.of(
                new String[] {"codeforces/1873_A", "```python\n" + BenchSolutions.ABC_SWAP + "```\n"},
                new String[] {"leetcode/2727", "```python\n" + BenchSolutions.COUNT_SENIORS + "```\n"},
                new String[] {"atcoder/abc301_a", "```python\n" + BenchSolutions.OVERALL_WINNER + "```\n"});
    }
}
