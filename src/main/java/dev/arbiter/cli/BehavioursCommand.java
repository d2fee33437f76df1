package dev.arbiter.cli;

import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.StoredVerdict;
import dev.arbiter.scaling.Behaviours;
import dev.arbiter.scaling.Curve;
import dev.arbiter.scaling.CurveCsv;
import dev.arbiter.scaling.CurvePlot;
import dev.arbiter.run.RunSummary;
import dev.arbiter.verify.Outcome;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "behaviours", aliases = "behaviors", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Counts reasoning behaviours in a run's stored completions: backtracking, verification, exploring",
            "alternatives and self-correction, by a lexicon of marker patterns (see the README; --lexicon for your own).",
            "Reports each behaviour against correctness and length, and, given runs at several token budgets,",
            "plots how often each appears as the budget grows. No model is called."},
        footer = {"", "Examples:",
            "  arbiter behaviours --from-run results/r1-7b-1a2b3c4d5e6f",
            "  arbiter behaviours --from-run results/r1-budget-4k --from-run results/r1-budget-16k --lexicon my-markers.json"})
final class BehavioursCommand implements Callable<Integer> {
    @Option(names = "--from-run", required = true, paramLabel = "DIR", description = "A finished eval run folder; repeat for runs at other budgets.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--lexicon", paramLabel = "FILE", description = "A JSON object of behaviour name to a list of regular expressions (default: the shipped one).")
    Path lexicon;

    @Option(names = "--store", paramLabel = "FILE|URL", description = "The completion store, when not the runs' own.")
    String store;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the tables and the plot go (default: <first run>/behaviours).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One completion's counts. */
    private record Row(String run, String benchmark, String problem, int index, Outcome outcome, int tokens, Map<String, Integer> counts) {}

    @Override
    public Integer call() throws Exception {
        Behaviours b;
        try {
            b = lexicon == null ? Behaviours.shipped() : Behaviours.load(lexicon);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        Map<String, List<Curve.Point>> rates = new LinkedHashMap<>();
        b.names().forEach(nm -> rates.put(nm, new ArrayList<>()));
        StringBuilder csv = new StringBuilder("run,benchmark,problem,sample,outcome,tokens," + String.join(",", b.names()) + "\n");
        for (Path dir : runs) {
            RunSummary run = ScaleCommand.readRun(dir, store);
            List<Row> rows = new ArrayList<>();
            try (CompletionStore st = CompletionStore.open(run.store())) {
                for (RunSummary.Bench bench : run.config().benchmarks()) {
                    for (String id : bench.problemIds()) {
                        Map<Integer, StoredVerdict> v = st.verdictsWithAnswers(bench.generationHash(), id, bench.verifier());
                        for (Completion c : st.completions(bench.generationHash(), id)) {
                            if (c.sampleIndex() >= run.n() || !v.containsKey(c.sampleIndex())) {
                                continue;
                            }
                            rows.add(new Row(dir.getFileName().toString(), bench.name(), id, c.sampleIndex(), v.get(c.sampleIndex()).outcome(),
                                    c.completionTokens(), b.count(c.text())));
                        }
                    }
                }
            }
            if (rows.isEmpty()) {
                throw new Errors.UserError(dir + ": no graded completions to count");
            }
            for (Row r : rows) {
                csv.append(r.run()).append(',').append(r.benchmark()).append(',').append(r.problem()).append(',').append(r.index()).append(',')
                        .append(r.outcome().name().toLowerCase()).append(',').append(r.tokens());
                r.counts().values().forEach(c -> csv.append(',').append(c));
                csv.append('\n');
            }
            report(o, dir, rows, b.names());
            double meanTokens = rows.stream().mapToInt(Row::tokens).average().orElse(1);
            for (String nm : b.names()) {
                double[] has = rows.stream().mapToDouble(r -> r.counts().get(nm) > 0 ? 1 : 0).toArray();
                double p = Arrays.stream(has).average().orElse(0);
                double half = 1.96 * Math.sqrt(p * (1 - p) / has.length);
                rates.get(nm).add(new Curve.Point(Math.max(1, meanTokens), p, Math.max(0, p - half), Math.min(1, p + half),
                        dir.getFileName().toString()));
            }
        }
        Path dest = out != null ? out : runs.getFirst().resolve("behaviours");
        Files.createDirectories(dest);
        Files.writeString(dest.resolve("behaviours.csv"), csv, StandardCharsets.UTF_8);
        List<Curve> curves = new ArrayList<>();
        rates.forEach((nm, pts) -> curves.add(new Curve(nm, "share of completions", pts.stream().sorted((x, y) -> Double.compare(x.x(), y.x())).toList())));
        CurveCsv.write(dest.resolve("behaviour-rates.csv"), curves);
        CurvePlot.write(dest.resolve("behaviours"), new CurvePlot.Labels("Reasoning behaviours across budgets",
                "share of completions with at least one marker; one point per run; bands: 95% normal interval", "mean completion tokens",
                "share of completions", true), curves);
        o.printf("per completion: %s; rates and plot: behaviour-rates.csv, behaviours.png, behaviours.svg%n", dest.resolve("behaviours.csv"));
        o.flush();
        return 0;
    }

    private static void report(PrintWriter o, Path dir, List<Row> rows, List<String> names) {
        int[] lengths = rows.stream().mapToInt(Row::tokens).sorted().toArray();
        int median = lengths[lengths.length / 2];
        o.printf("%n%s: %d completions, median %d tokens%n", dir, rows.size(), median);
        o.println("| behaviour | share with any | per completion | per 1k tokens | correct | wrong | shorter half | longer half |");
        o.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        long tokens = rows.stream().mapToLong(Row::tokens).sum();
        for (String nm : names) {
            double share = rows.stream().filter(r -> r.counts().get(nm) > 0).count() / (double) rows.size();
            long total = rows.stream().mapToLong(r -> r.counts().get(nm)).sum();
            o.printf(Locale.ROOT, "| %s | %.1f%% | %.2f | %.2f | %s | %s | %s | %s |%n", nm, 100 * share, total / (double) rows.size(),
                    tokens == 0 ? 0 : 1000.0 * total / tokens,
                    mean(rows, nm, r -> r.outcome() == Outcome.CORRECT), mean(rows, nm, r -> r.outcome() != Outcome.CORRECT),
                    mean(rows, nm, r -> r.tokens() < median), mean(rows, nm, r -> r.tokens() >= median));
        }
    }

    private static String mean(List<Row> rows, String nm, java.util.function.Predicate<Row> which) {
        var sel = rows.stream().filter(which).toList();
        return sel.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", sel.stream().mapToInt(r -> r.counts().get(nm)).average().orElse(0));
    }
}
