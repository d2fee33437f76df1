package dev.arbiter.perf;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.json.Json;
import dev.arbiter.verify.math.ConfigJson;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The math verifier's speed, cold and warm side by side. A cold pass is a new {@link MathVerifier} (new
 * Symja children, an empty answer cache) given every input once, no two alike, as a verifier meets an RL
 * rollout's fresh responses; the warm pass then gives the same verifier the same inputs again, so that
 * Symja's answer cache serves what it asked before.
 */
public final class VerifyThroughput {
    /** One verdict to measure; expected is the reference verdict where the corpus has one. */
    public record Case(String gold, String prediction, MathConfig config, Boolean expected) {}

    /**
     * Cases to measure, by the name their rows carry, with a line on where they came from; {@code primer}
     * holds other cases, none of them among {@code cases}, that start a new verifier's Symja children.
     */
    public record Source(String name, List<Case> cases, List<Case> primer, String origin) {}

    /** Every case once: its timings, and how many verdicts were equal and timed out. */
    public record Pass(Timings timings, int equal, int timedOut, MathVerdict[] verdicts) {}

    /** The median cold pass and the median warm pass at one thread count. */
    public record Row(int threads, Pass cold, Pass warm) {}

    /** A source's rows, and its first verdict's latency on a new verifier. */
    public record Result(Source source, double coldStartMs, List<Row> rows) {}

    /** Math-Verify's conformance corpus, relative to the shared folder. */
    public static final String CORPUS = "conformance/math-verify-cases.jsonl";

    /** Cases that start a new verifier's children before its cold pass. */
    static final int PRIMER = 300;

    /** Response kinds a gold answer is paired with; see {@link #fromBenchmark}. */
    private static final int KINDS = 4;

    private final int passes;
    private final double warmupSeconds;

    public VerifyThroughput(int passes, double warmupSeconds) {
        this.passes = passes;
        this.warmupSeconds = warmupSeconds;
    }

    /**
     * Up to {@code max} distinct cases from a math benchmark with reference solutions. Problem i's gold
     * answer meets, in turn, its own solution, a near miss (that solution with its final answer changed),
     * and the solutions of problems i+1 and i+2; the kinds rotate so that any prefix mixes them. A pair
     * already taken is skipped, so that no (gold, response) pair is verified twice in a pass. The primer
     * is up to {@link #PRIMER} further pairs, none of them among the cases.
     */
    public static Source fromBenchmark(Benchmarks.Loaded loaded, int max) {
        List<MathAnswer> golds = new ArrayList<>();
        for (Problem p : loaded.problems()) {
            if (p.gold() instanceof MathAnswer a && a.solution() != null && !a.solution().isBlank()) {
                golds.add(a);
            }
        }
        List<Case> cases = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        int n = golds.size();
        List<Case> primer = new ArrayList<>();
        for (int c = 0; c < n * KINDS && primer.size() < PRIMER; c++) {
            int i = c % n;
            MathAnswer a = golds.get(i);
            String response = switch ((c / n + i) % KINDS) {
                case 0 -> a.solution();
                case 1 -> nearMiss(a.solution(), a.answer());
                case 2 -> golds.get((i + 1) % n).solution();
                default -> golds.get((i + 2) % n).solution();
            };
            if (seen.add(List.of(a.answer(), response))) {
                (cases.size() < max ? cases : primer).add(new Case(a.answer(), response, MathConfig.defaults().withChoices(a.choices()), null));
            }
        }
        return new Source(loaded.name(), cases, primer, String.format("%d distinct cases (each gold answer against its own solution, a near miss"
                + " of it, and other problems' solutions) from %s %s", cases.size(), loaded.origin().label(), loaded.location()));
    }

    /** The solution with its last \boxed{} answer changed (or such a box appended): a wrong answer in a right-looking response. */
    static String nearMiss(String solution, String answer) {
        int at = solution.lastIndexOf("\\boxed{");
        int end = at < 0 ? -1 : closing(solution, at + "\\boxed{".length());
        if (end < 0) {
            return solution + "\n\nThe final answer is $\\boxed{" + changed(answer) + "}$.";
        }
        String inner = solution.substring(at + "\\boxed{".length(), end);
        return solution.substring(0, at) + "\\boxed{" + changed(inner) + "}" + solution.substring(end + 1);
    }

    /** The last number in the text plus one, or the text plus one when it holds no digit. */
    private static String changed(String answer) {
        int end = answer.length();
        while (end > 0 && !Character.isDigit(answer.charAt(end - 1))) {
            end--;
        }
        if (end == 0) {
            return answer + "+1";
        }
        int start = end;
        while (start > 0 && Character.isDigit(answer.charAt(start - 1)) && end - start < 15) {
            start--;
        }
        return answer.substring(0, start) + (Long.parseLong(answer.substring(start, end)) + 1) + answer.substring(end);
    }

    private static int closing(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '{') {
                depth++;
            } else if (ch == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Floats as BigDecimal, trailing zeros kept: a gold written 0.50 is compared as 0.50. */
    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    /** A corpus of gold, prediction, optional config and expected verdict per line; rows of sympy objects are skipped and counted. */
    public static Source fromCorpus(String name, Path file) {
        List<Case> cases = new ArrayList<>();
        int skipped = 0;
        int line = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String raw; (raw = r.readLine()) != null; ) {
                line++;
                if (raw.isBlank()) {
                    continue;
                }
                String where = file + ":" + line;
                JsonNode n;
                try {
                    n = READER.readTree(raw);
                } catch (IOException e) {
                    throw new BenchmarkException(where + ": not valid JSON");
                }
                if (!(n instanceof ObjectNode o)) {
                    throw new BenchmarkException(where + ": not a JSON object");
                }
                if ("sympy_expr_eq".equals(o.path("config").path("call").asText())) {
                    skipped++;
                    continue;
                }
                MathConfig config;
                try {
                    config = ConfigJson.read(o.get("config"), MathConfig.defaults());
                } catch (IllegalArgumentException e) {
                    throw new BenchmarkException(where + ": config: " + e.getMessage());
                }
                JsonNode expected = o.get("expected");
                cases.add(new Case(text(o, "gold", where), text(o, "prediction", where), config,
                        expected != null && expected.isBoolean() ? expected.booleanValue() : null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the primer asks the corpus's questions the other way round: other pairs, and other texts for Symja
        Set<List<String>> taken = new HashSet<>();
        cases.forEach(c -> taken.add(List.of(c.gold(), c.prediction())));
        List<Case> primer = cases.stream().filter(c -> !taken.contains(List.of(c.prediction(), c.gold())))
                .map(c -> new Case(c.prediction(), c.gold(), c.config(), null)).toList();
        return new Source(name, cases, primer, cases.size() + " cases from " + file + (skipped == 0 ? "" : " (" + skipped + " sympy_expr_eq rows skipped)"));
    }

    private static String text(ObjectNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v != null && v.isTextual()) {
            return v.asText();
        }
        if (v != null && v.isNumber()) {
            return v.isIntegralNumber() ? v.bigIntegerValue().toString() : v.decimalValue().toPlainString();
        }
        throw new BenchmarkException(where + ": needs " + field + " as a string or a number");
    }

    /** The conformance corpus shipped beside the repository: $ARBITER_SHARED's, else ../shared's; null when neither has it. */
    public static Path sharedCorpus() {
        String shared = System.getenv("ARBITER_SHARED");
        if (shared != null && Files.isRegularFile(Path.of(shared, CORPUS))) {
            return Path.of(shared, CORPUS);
        }
        Path beside = Path.of("..", "shared").resolve(CORPUS);
        return Files.isRegularFile(beside) ? beside.toAbsolutePath().normalize() : null;
    }

    /**
     * Measures the corpus (when given) and each named benchmark at 1 thread and at {@code threads}, and prints
     * the table. A benchmark that cannot be loaded is skipped with a line saying why.
     */
    public List<Result> run(PrintWriter out, Path corpus, String corpusName, Supplier<Benchmarks> data, List<String> benchmarks,
            int maxCases, int threads) throws Exception {
        out.printf("arbiter bench verify: %d cores, %s, the median of %d pass%s per row, cold and warm%n",
                Runtime.getRuntime().availableProcessors(), threads > 1 ? "1 and " + threads + " threads" : "1 thread", passes,
                passes == 1 ? "" : "es");
        List<Source> sources = new ArrayList<>();
        if (corpus != null) {
            Source c = fromCorpus(corpusName, corpus);
            out.println(c.name() + ": " + c.origin());
            if (!c.cases().isEmpty()) {
                sources.add(c);
            }
        } else {
            out.println("(conformance rows skipped: " + CORPUS + " not found under $ARBITER_SHARED or ../shared; give --corpus)");
        }
        for (String name : benchmarks) {
            try {
                Source s = fromBenchmark(data.get().load(name, Selection.DEFAULT), maxCases);
                if (s.cases().isEmpty()) {
                    out.println("(" + name + " rows skipped: no problem has a reference solution)");
                    continue;
                }
                out.println(s.name() + ": " + s.origin());
                sources.add(s);
            } catch (BenchmarkException e) {
                out.println("(" + name + " rows skipped: " + e.getMessage() + "; set ARBITER_DATA)");
            }
        }
        out.flush();
        if (sources.isEmpty()) {
            throw new BenchmarkException("nothing to measure: neither the conformance corpus nor " + String.join(", ", benchmarks) + " was found");
        }
        int[] counts = threads > 1 ? new int[] {1, threads} : new int[] {1};
        List<Result> results = new ArrayList<>();
        for (Source s : sources) {
            results.add(measure(s, counts));
        }
        print(out, results);
        return results;
    }

    /**
     * Measures a source at each thread count: {@code passes} times a new verifier, primed on other inputs
     * so that its Symja children are up, then its cold pass and its warm pass, keeping the median of each
     * by verdicts/s. A long-running verifier (a reward server, a trainer's) meets new responses with its
     * children up; the start itself is the cold start line. Before the first pass this JVM's own code is
     * compiled on a throwaway verifier, so that the first cold pass is not also the JIT's first sight of it.
     */
    public Result measure(Source s, int[] threadCounts) throws Exception {
        List<Case> cases = s.cases();
        long t0 = System.nanoTime();
        double coldStartMs;
        try (MathVerifier first = new MathVerifier()) {
            Case c = cases.getFirst();
            first.verify(c.gold(), c.prediction(), c.config());
            coldStartMs = (System.nanoTime() - t0) / 1e6;
        }
        try (MathVerifier jit = new MathVerifier()) {
            long until = System.nanoTime() + (long) (warmupSeconds * 1e9);
            do {
                for (int t : threadCounts) {
                    pass(s.name(), jit, cases, t);
                }
            } while (System.nanoTime() < until);
        }
        List<Row> rows = new ArrayList<>();
        for (int t : threadCounts) {
            List<Pass> cold = new ArrayList<>();
            List<Pass> warm = new ArrayList<>();
            for (int i = 0; i < passes; i++) {
                try (MathVerifier verifier = new MathVerifier()) {
                    verifier.warmUp(t);
                    if (!s.primer().isEmpty()) {
                        pass(s.name(), verifier, s.primer(), t);
                    }
                    cold.add(pass(s.name(), verifier, cases, t));
                    warm.add(pass(s.name(), verifier, cases, t));
                }
            }
            rows.add(new Row(t, median(cold), median(warm)));
        }
        return new Result(s, coldStartMs, rows);
    }

    private static Pass median(List<Pass> ps) {
        List<Pass> sorted = new ArrayList<>(ps);
        sorted.sort(Comparator.comparingDouble(p -> p.timings().perSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Every case once, on a pool of the given size. */
    static Pass pass(String name, MathVerifier verifier, List<Case> cases, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger equal = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        MathVerdict[] verdicts = new MathVerdict[cases.size()];
        Timings t = Timings.measure(name, threads, cases.size(), 0, () -> {
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
        return new Pass(t, equal.get(), timedOut.get(), verdicts);
    }

    /** The table, cold beside warm, then a line per source and the fastest cold thread count. */
    public static void print(PrintWriter out, List<Result> results) {
        out.printf("%-12s %7s %8s | %9s %8s %8s | %9s %8s %8s | %6s %9s %9s%n", "WHAT", "THREADS", "VERDICTS", "COLD/S", "COLD P50",
                "COLD P99", "WARM/S", "WARM P50", "WARM P99", "EQUAL", "NOT EQUAL", "TIMED OUT");
        for (Result s : results) {
            for (Row r : s.rows()) {
                Timings c = r.cold().timings();
                Timings w = r.warm().timings();
                out.printf("%-12s %7d %8d | %9.1f %8.3f %8.3f | %9.1f %8.3f %8.3f | %6d %9d %9d%n", s.source().name(), r.threads(), c.runs(),
                        c.perSecond(), c.percentile(50), c.percentile(99), w.perSecond(), w.percentile(50), w.percentile(99),
                        r.cold().equal(), c.runs() - r.cold().equal(), r.cold().timedOut());
            }
        }
        out.println("COLD: a new MathVerifier (its own Symja children, started on other inputs; an empty answer cache), every input once;"
                + " WARM: the same verifier and inputs again. Latencies in ms.");
        for (int i = 0; i < results.size(); i++) {
            Result s = results.get(i);
            Row one = s.rows().getFirst();
            StringBuilder line = new StringBuilder(String.format("%s: cold start %.1f ms (new MathVerifier() to its first verdict, %s)",
                    s.source().name(), s.coldStartMs(), i == 0 ? "first verifier in this JVM" : "JVM already warm"));
            line.append(String.format("; warm is %.1fx cold on 1 thread", one.warm().timings().perSecond() / one.cold().timings().perSecond()));
            if (s.rows().size() > 1) {
                Row many = s.rows().getLast();
                line.append(String.format("; %d threads give %.2fx the single-thread verdicts/s cold, %.2fx warm", many.threads(),
                        many.cold().timings().perSecond() / one.cold().timings().perSecond(),
                        many.warm().timings().perSecond() / one.warm().timings().perSecond()));
            }
            out.println(line);
            int known = 0;
            int agree = 0;
            List<Case> cases = s.source().cases();
            for (int c = 0; c < cases.size(); c++) {
                Boolean expected = cases.get(c).expected();
                if (expected != null) {
                    known++;
                    agree += expected == one.cold().verdicts()[c].equal() ? 1 : 0;
                }
            }
            if (known > 0) {
                out.printf("%s: the single-thread verdicts agree with the corpus's expected verdict on %d of %d cases%n", s.source().name(), agree, known);
            }
        }
        fastest(results).ifPresent(t -> out.printf("fastest cold thread count over these sources: %d; the default on this machine"
                + " (verify-batch, MathVerifier.defaultThreads()): %d%n", t, MathVerifier.defaultThreads()));
        out.flush();
    }

    /** The thread count whose cold passes took the least time, all sources together; empty when only one count was measured. */
    static OptionalInt fastest(List<Result> results) {
        if (results.isEmpty() || results.getFirst().rows().size() < 2) {
            return OptionalInt.empty();
        }
        int best = -1;
        double bestSeconds = Double.MAX_VALUE;
        for (int r = 0; r < results.getFirst().rows().size(); r++) {
            double seconds = 0;
            for (Result s : results) {
                seconds += s.rows().get(r).cold().timings().seconds();
            }
            if (seconds < bestSeconds) {
                bestSeconds = seconds;
                best = results.getFirst().rows().get(r).threads();
            }
        }
        return OptionalInt.of(best);
    }
}
