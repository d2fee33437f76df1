package dev.arbiter.scaling;

import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSummary;
import dev.arbiter.run.StoredVerdict;
import dev.arbiter.verify.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reasoning behaviours counted in finished runs' graded completions: a table per run against
 * correctness and length, and how often each behaviour appears across runs (budgets). No model is called.
 */
public final class BehaviourCounts {
    /** One completion's counts. */
    private record Row(String run, String benchmark, String problem, int index, Outcome outcome, int tokens, Map<String, Integer> counts) {}

    private final Behaviours lexicon;
    private final Map<String, List<Curve.Point>> rates = new LinkedHashMap<>();
    private final StringBuilder csv;

    public BehaviourCounts(Behaviours lexicon) {
        this.lexicon = lexicon;
        lexicon.names().forEach(nm -> rates.put(nm, new ArrayList<>()));
        csv = new StringBuilder("run,benchmark,problem,sample,outcome,tokens," + String.join(",", lexicon.names()) + "\n");
    }

    /** Counts one run's graded completions and returns its table (markdown lines); {@code store} overrides the run's own. */
    public List<String> add(Path dir, String store) {
        RunSummary run = RunSummary.openRun(dir, store);
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
                                c.completionTokens(), lexicon.count(c.text())));
                    }
                }
            }
        }
        if (rows.isEmpty()) {
            throw new RunException(dir + ": no graded completions to count");
        }
        for (Row r : rows) {
            csv.append(r.run()).append(',').append(r.benchmark()).append(',').append(r.problem()).append(',').append(r.index()).append(',')
                    .append(r.outcome().name().toLowerCase(Locale.ROOT)).append(',').append(r.tokens());
            r.counts().values().forEach(c -> csv.append(',').append(c));
            csv.append('\n');
        }
        double meanTokens = rows.stream().mapToInt(Row::tokens).average().orElse(1);
        for (String nm : lexicon.names()) {
            double[] has = rows.stream().mapToDouble(r -> r.counts().get(nm) > 0 ? 1 : 0).toArray();
            double p = Arrays.stream(has).average().orElse(0);
            double half = 1.96 * Math.sqrt(p * (1 - p) / has.length);
            rates.get(nm).add(new Curve.Point(Math.max(1, meanTokens), p, Math.max(0, p - half), Math.min(1, p + half),
                    dir.getFileName().toString()));
        }
        return table(dir, rows);
    }

    /** Writes behaviours.csv (one row per completion), behaviour-rates.csv and the plot into {@code dest}. */
    public void write(Path dest) throws IOException {
        Files.createDirectories(dest);
        Files.writeString(dest.resolve("behaviours.csv"), csv, StandardCharsets.UTF_8);
        List<Curve> curves = new ArrayList<>();
        rates.forEach((nm, pts) -> curves.add(new Curve(nm, "share of completions", pts.stream().sorted((x, y) -> Double.compare(x.x(), y.x())).toList())));
        CurveCsv.write(dest.resolve("behaviour-rates.csv"), curves);
        CurvePlot.write(dest.resolve("behaviours"), new CurvePlot.Labels("Reasoning behaviours across budgets",
                "share of completions with at least one marker; one point per run; bands: 95% normal interval", "mean completion tokens",
                "share of completions", true), curves);
    }

    private List<String> table(Path dir, List<Row> rows) {
        List<String> out = new ArrayList<>();
        int[] lengths = rows.stream().mapToInt(Row::tokens).sorted().toArray();
        int median = lengths[lengths.length / 2];
        out.add("");
        out.add(String.format("%s: %d completions, median %d tokens", dir, rows.size(), median));
        out.add("| behaviour | share with any | per completion | per 1k tokens | correct | wrong | shorter half | longer half |");
        out.add("|---|---:|---:|---:|---:|---:|---:|---:|");
        long tokens = rows.stream().mapToLong(Row::tokens).sum();
        for (String nm : lexicon.names()) {
            double share = rows.stream().filter(r -> r.counts().get(nm) > 0).count() / (double) rows.size();
            long total = rows.stream().mapToLong(r -> r.counts().get(nm)).sum();
            out.add(String.format(Locale.ROOT, "| %s | %.1f%% | %.2f | %.2f | %s | %s | %s | %s |", nm, 100 * share, total / (double) rows.size(),
                    tokens == 0 ? 0 : 1000.0 * total / tokens,
                    mean(rows, nm, r -> r.outcome() == Outcome.CORRECT), mean(rows, nm, r -> r.outcome() != Outcome.CORRECT),
                    mean(rows, nm, r -> r.tokens() < median), mean(rows, nm, r -> r.tokens() >= median)));
        }
        return out;
    }

    private static String mean(List<Row> rows, String nm, Predicate<Row> which) {
        var sel = rows.stream().filter(which).toList();
        return sel.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", sel.stream().mapToInt(r -> r.counts().get(nm)).average().orElse(0));
    }
}
