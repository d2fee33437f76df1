package dev.arbiter.cli;

import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Measures the math verifier's speed and its agreement with Math-Verify's expected verdicts.",
            "The math verifier on Math-Verify's conformance corpus (each case with its own settings) and on",
            "MATH-500 (each gold answer against its full reference solution), single-threaded and on N threads.",
            "Prints cold start, verdicts per second, median and p99 latency, and the verdict counts."},
        footer = {"",
            "The corpus is --corpus, else $ARBITER_SHARED/conformance/math-verify-cases.jsonl, else",
            "../shared/conformance/math-verify-cases.jsonl from the working directory; its sympy_expr_eq rows",
            "(sympy objects, not text) are skipped. MATH-500 comes from --data-dir or ARBITER_DATA.",
            "Each row is the median of --passes passes by verdicts/s, after at least 3 s of warm-up passes.",
            "",
            "Example:",
            "  ARBITER_DATA=../shared/datasets arbiter bench verify --passes 5"})
final class VerifyBench implements Callable<Integer> {
    static final String CORPUS = "conformance/math-verify-cases.jsonl";

    @Option(names = "--corpus", paramLabel = "FILE", description = "JSONL with gold, prediction and optional config (default: see below).")
    Path corpus;

    @Option(names = "--passes", defaultValue = "5", paramLabel = "N", description = "Measured passes per row (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the parallel rows (default: one per core).")
    Integer threads;

    @CommandLine.Mixin
    dev.arbiter.cli.options.DataOptions data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One verdict to measure; expected is the reference verdict where the corpus has one. */
    record Case(String gold, String prediction, MathConfig config, Boolean expected) {}

    /** One measured pass: its timings, and how many verdicts were equal and timed out. */
    record Pass(BenchCommand.Row row, int equal, int timedOut, MathVerdict[] verdicts) {}

    /** Cases to measure, by the name their rows carry. */
    record Source(String name, List<Case> cases) {}

    /** A source's results: its first verdict's latency on a new verifier, and a median pass per thread count. */
    record Result(Source source, double coldMs, List<Pass> rows) {}

    @Override
    public Integer call() throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (passes < 1 || n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--passes and --threads must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("arbiter bench verify: %d cores, %s, the median of %d pass%s per row after at least 3 s of warm-up passes%n",
                Runtime.getRuntime().availableProcessors(), n > 1 ? "1 and " + n + " threads" : "1 thread", passes, passes == 1 ? "" : "es");
        List<Source> sources = new ArrayList<>();
        Path file = corpusFile();
        if (file != null) {
            Corpus c = corpusCases(file);
            String name = corpus == null ? "conformance" : "corpus";
            out.printf("%s: %d cases from %s%s%n", name, c.cases().size(), file, c.skipped() == 0 ? "" : " (" + c.skipped() + " sympy_expr_eq rows skipped)");
            if (!c.cases().isEmpty()) {
                sources.add(new Source(name, c.cases()));
            }
        } else {
            out.println("(conformance rows skipped: " + CORPUS + " not found under $ARBITER_SHARED or ../shared; give --corpus)");
        }
        try {
            Benchmarks.Loaded math = data.open().load("math500", Selection.DEFAULT);
            List<Case> cases = new ArrayList<>();
            for (Problem p : math.problems()) {
                if (p.gold() instanceof MathAnswer a && a.solution() != null) {
                    cases.add(new Case(a.answer(), a.solution(), MathConfig.defaults().withChoices(a.choices()), null));
                }
            }
            out.printf("math500: %d cases (gold answer against the full reference solution) from %s %s%n", cases.size(),
                    math.origin().label(), math.location());
            sources.add(new Source("math500", cases));
        } catch (BenchmarkException e) {
            out.println("(math500 rows skipped: " + e.getMessage() + "; set ARBITER_DATA)");
        }
        out.flush();
        if (sources.isEmpty()) {
            throw new Errors.UserError("nothing to measure: neither the conformance corpus nor math500 was found");
        }
        List<Result> results = new ArrayList<>();
        for (Source s : sources) {
            results.add(measure(s, n));
        }
        print(out, results, n);
        return 0;
    }

    private Result measure(Source s, int n) throws Exception {
        List<Case> cases = s.cases();
        long t0 = System.nanoTime();
        try (MathVerifier verifier = new MathVerifier()) {
            Case first = cases.getFirst();
            verifier.verify(first.gold(), first.prediction(), first.config());
            double coldMs = (System.nanoTime() - t0) / 1e6;
            // warm: the JIT has compiled the hot paths and the Symja children are up (at least 3 s of passes)
            long warmUntil = System.nanoTime() + 3_000_000_000L;
            do {
                pass(s.name(), verifier, cases, 1);
                pass(s.name(), verifier, cases, n);
            } while (System.nanoTime() < warmUntil);
            List<Pass> rows = new ArrayList<>();
            for (int threads : n > 1 ? new int[] {1, n} : new int[] {1}) {
                List<Pass> ps = new ArrayList<>();
                for (int i = 0; i < passes; i++) {
                    ps.add(pass(s.name(), verifier, cases, threads));
                }
                ps.sort(Comparator.comparingDouble(p -> p.row().perSecond()));
                rows.add(ps.get((ps.size() - 1) / 2));
            }
            return new Result(s, coldMs, rows);
        }
    }

    /** Every case once, on a pool of the given size. */
    private static Pass pass(String name, MathVerifier verifier, List<Case> cases, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger equal = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        MathVerdict[] verdicts = new MathVerdict[cases.size()];
        BenchCommand.Row row = BenchCommand.measure(name, threads, cases.size(), 0, () -> {
            int i = next.getAndIncrement();
            Case c = cases.get(i);
            MathVerdict v = verifier.verify(c.gold(), c.prediction(), c.config());
            verdicts[i] = v; // read after measure's pool has closed
            if (v.equal()) {
                equal.incrementAndGet();
            }
            if (v.timedOut()) {
                timedOut.incrementAndGet();
            }
            return v.equal();
        });
        return new Pass(row, equal.get(), timedOut.get(), verdicts);
    }

    private static void print(PrintWriter out, List<Result> results, int n) {
        out.printf("%-12s %7s %8s %11s %10s %9s %6s %9s %9s%n", "WHAT", "THREADS", "VERDICTS", "VERDICTS/S", "MEDIAN MS", "P99 MS",
                "EQUAL", "NOT EQUAL", "TIMED OUT");
        for (Result s : results) {
            for (Pass p : s.rows()) {
                BenchCommand.Row r = p.row();
                out.printf("%-12s %7d %8d %11.1f %10.3f %9.3f %6d %9d %9d%n", s.source().name(), r.concurrency(), r.runs(), r.perSecond(),
                        r.percentile(50), r.percentile(99), p.equal(), r.runs() - p.equal(), p.timedOut());
            }
        }
        for (int i = 0; i < results.size(); i++) {
            Result s = results.get(i);
            List<Case> cases = s.source().cases();
            Pass one = s.rows().getFirst();
            StringBuilder line = new StringBuilder(String.format("%s: cold start %.1f ms (new MathVerifier() to its first verdict, %s)",
                    s.source().name(), s.coldMs(), i == 0 ? "first verifier in this JVM" : "JVM already warm"));
            if (s.rows().size() > 1) {
                Pass many = s.rows().getLast();
                line.append(String.format("; %d threads give %.2fx the single-thread verdicts/s", n, many.row().perSecond() / one.row().perSecond()));
            }
            line.append(String.format("; p99 = %.1fx median", one.row().percentile(99) / Math.max(one.row().percentile(50), 1e-9)));
            out.println(line);
            int known = 0;
            int agree = 0;
            for (int c = 0; c < cases.size(); c++) {
                Boolean expected = cases.get(c).expected();
                if (expected != null) {
                    known++;
                    agree += expected == one.verdicts()[c].equal() ? 1 : 0;
                }
            }
            if (known > 0) {
                out.printf("%s: the single-thread verdicts agree with the corpus's expected verdict on %d of %d cases%n", s.source().name(), agree, known);
            }
        }
        out.flush();
    }

    /** --corpus, else the shared corpus where it is found; null when it is nowhere. */
    private Path corpusFile() {
        if (corpus != null) {
            return corpus;
        }
        String shared = System.getenv("ARBITER_SHARED");
        if (shared != null && Files.isRegularFile(Path.of(shared, CORPUS))) {
            return Path.of(shared, CORPUS);
        }
        Path beside = Path.of("..", "shared").resolve(CORPUS);
        return Files.isRegularFile(beside) ? beside.toAbsolutePath().normalize() : null;
    }

    /** A corpus's cases, and how many of its rows held sympy objects rather than text. */
    private record Corpus(List<Case> cases, int skipped) {}

    private static Corpus corpusCases(Path file) {
        int skipped = 0;
        List<Case> cases = new ArrayList<>();
        try (dev.arbiter.run.InputFiles.Lines lines = new dev.arbiter.run.InputFiles.Lines(file)) {
            for (String raw; (raw = lines.next()) != null; ) {
                if (raw.isBlank()) {
                    continue;
                }
                dev.arbiter.run.VerifyBatch.Item item = dev.arbiter.run.VerifyBatch.parse(raw, file + ":" + lines.number(), MathConfig.defaults());
                if ("sympy_expr_eq".equals(item.node().path("config").path("call").asText())) {
                    skipped++;
                    continue;
                }
                var expected = item.node().get("expected");
                cases.add(new Case(item.gold(), item.prediction(), item.config(),
                        expected != null && expected.isBoolean() ? expected.booleanValue() : null));
            }
        }
        return new Corpus(cases, skipped);
    }
}
