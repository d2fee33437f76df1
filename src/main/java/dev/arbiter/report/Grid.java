package dev.arbiter.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.RunSamples;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The leaderboard's model × benchmark grid. Per benchmark the settings most runs share are the reference;
 * a score made under other settings (another problem set, n, max_tokens, temperature, top_p, prompt or
 * extraction) is not put beside the others but listed apart with what differs. A model is its name and the
 * identity the store recorded for it (the served weights' fingerprint), so two different models served
 * under one name are two rows.
 */
record Grid(List<String> benchmarks, Map<String, Settings> reference, List<Row> rows, List<Apart> apart) {

    /** One benchmark's score in one run. */
    record Entry(SiteRun run, RunSamples.BenchmarkSamples bench, String model, Settings settings) {
        String benchmark() {
            return bench.bench().name();
        }

        MetricSummary metrics() {
            return bench.row() == null ? null : bench.row().metrics();
        }
    }

    /** A model's row: its best-placed comparable entry per benchmark, and the mean pass@1 when it has them all. */
    record Row(String model, Map<String, Entry> cells, double average) {}

    /** An entry kept out of the grid, with the settings that differ from its benchmark's reference. */
    record Apart(Entry entry, List<String> differences) {}

    /** What makes two scores of one benchmark comparable. */
    record Settings(String problemSet, int problems, int n, long maxTokens, double temperature, double topP, String promptTemplate,
                    String extraction) {
        static Settings of(SiteRun run, RunSamples.BenchmarkSamples b) {
            JsonNode spec = b.spec();
            return new Settings(digest(b.bench().problemIds()), b.bench().problemIds().size(), run.summary().n(), spec.path("max_tokens").asLong(),
                    spec.path("temperature").asDouble(), spec.path("top_p").asDouble(), spec.path("prompt_template").asText(),
                    Objects.requireNonNullElse(run.summary().config().extraction(), "flexible"));
        }

        /** What differs from {@code ref}, each as "name this vs reference". */
        List<String> differences(Settings ref) {
            List<String> out = new ArrayList<>();
            if (!problemSet.equals(ref.problemSet)) {
                out.add(problems == ref.problems ? "other problems (" + problems + ")" : "problems " + problems + " vs " + ref.problems);
            }
            diff(out, "n", n, ref.n);
            diff(out, "max_tokens", maxTokens, ref.maxTokens);
            diff(out, "temperature", temperature, ref.temperature);
            diff(out, "top_p", topP, ref.topP);
            if (!promptTemplate.equals(ref.promptTemplate)) {
                out.add("another prompt template");
            }
            diff(out, "extraction", extraction, ref.extraction);
            return out;
        }

        /** The settings in one line, for a column's header. */
        String describe() {
            return String.format(java.util.Locale.ROOT, "%d problems, n=%d, max_tokens %d, temperature %s, top_p %s, %s extraction", problems, n,
                    maxTokens, num(temperature), num(topP), extraction);
        }

        private static void diff(List<String> out, String name, Object mine, Object ref) {
            if (!mine.equals(ref)) {
                out.add(name + " " + (mine instanceof Double d ? num(d) : mine) + " vs " + (ref instanceof Double d ? num(d) : ref));
            }
        }

        private static String num(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }

        private static String digest(List<String> ids) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ids.stream().sorted().forEach(id -> md.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Grid of(List<SiteRun> runs) {
        List<Entry> entries = new ArrayList<>();
        for (SiteRun run : runs) {
            for (RunSamples.BenchmarkSamples b : run.benchmarks()) {
                entries.add(new Entry(run, b, run.modelKey(), Settings.of(run, b)));
            }
        }
        Set<String> names = new LinkedHashSet<>();
        entries.forEach(e -> names.add(e.benchmark()));
        Map<String, Settings> reference = new LinkedHashMap<>();
        for (String name : names) {
            Map<Settings, Integer> counts = new LinkedHashMap<>();
            entries.stream().filter(e -> e.benchmark().equals(name)).forEach(e -> counts.merge(e.settings(), 1, Integer::sum));
            // the most common settings; on a tie, those seen first
            Settings best = null;
            for (var c : counts.entrySet()) {
                if (best == null || c.getValue() > counts.get(best)) {
                    best = c.getKey();
                }
            }
            reference.put(name, best);
        }
        Map<String, Map<String, Entry>> byModel = new LinkedHashMap<>();
        List<Apart> apart = new ArrayList<>();
        for (Entry e : entries) {
            Settings ref = reference.get(e.benchmark());
            if (!e.settings().equals(ref)) {
                apart.add(new Apart(e, e.settings().differences(ref)));
                continue;
            }
            // of a model's comparable runs of one benchmark, the one that finished last
            byModel.computeIfAbsent(e.model(), k -> new HashMap<>()).merge(e.benchmark(), e,
                    (a, b) -> b.run().summary().finishedAt().isAfter(a.run().summary().finishedAt()) ? b : a);
        }
        List<Row> rows = new ArrayList<>();
        byModel.forEach((model, cells) -> rows.add(new Row(model, cells, average(cells, names))));
        return new Grid(List.copyOf(names), reference, rows, apart);
    }

    private static double average(Map<String, Entry> cells, Set<String> names) {
        if (!cells.keySet().containsAll(names)) {
            return Double.NaN;
        }
        return names.stream().mapToDouble(n -> {
            MetricSummary m = cells.get(n).metrics();
            return m == null ? Double.NaN : m.passAt1().mean();
        }).average().orElse(Double.NaN);
    }
}
