package dev.arbiter.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.run.MetricSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's results: summary.json (everything), leaderboard.md (the table people read, with
 * breakdowns by subject, level or difficulty where the benchmark has them) and, for a run, a
 * self-contained index.html with every problem's samples.
 */
public final class Leaderboard {
    /** One benchmark's row; {@code breakdown} maps a label (subject, level, ...) to its groups' metrics. */
    public record Row(String benchmark, String model, MetricSummary metrics, Map<String, Map<String, MetricSummary>> breakdown) {
        public Row {
            breakdown = breakdown == null ? Map.of() : breakdown;
        }

        public Row(String benchmark, String model, MetricSummary metrics) {
            this(benchmark, model, metrics, Map.of());
        }
    }

    private Leaderboard() {}

    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | model | problems | n | pass@1 (± s.e.) | 95% CI | pass@k | maj@k | no answer | truncated | missing |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            MetricSummary m = r.metrics();
            sb.append(String.format("| %s | %s | %d | %d | %.1f ± %.1f | %.1f–%.1f | %s | %s | %.1f%% | %.1f%% | %d |%n", r.benchmark(), r.model(),
                    m.problems(), m.samplesPerProblem(), 100 * m.passAt1().mean(), 100 * m.passAt1().standardError(),
                    100 * m.passAt1().ciLow(), 100 * m.passAt1().ciHigh(), atK(m.passAtK()), atK(m.majAtK()),
                    100 * m.noAnswerRate(), 100 * m.truncationRate(), m.missing().size()));
        }
        for (Row r : rows) {
            MetricSummary.Extraction e = r.metrics().extraction();
            if (e != null) {
                sb.append(String.format("%n%s (%s): pass@1 %.1f ± %.1f flexible, %.1f ± %.1f boxed (only a final \\boxed{} answer counts);"
                        + " boxed rate %.1f%%; the table uses %s%n", r.benchmark(), r.model(), 100 * e.flexiblePassAt1().mean(),
                        100 * e.flexiblePassAt1().standardError(), 100 * e.boxedPassAt1().mean(), 100 * e.boxedPassAt1().standardError(),
                        100 * e.boxedRate(), e.primary()));
            }
        }
        for (Row r : rows) {
            r.breakdown().forEach((label, groups) -> {
                sb.append(String.format("%n%s (%s) by %s:%n%n| %s | problems | pass@1 (± s.e.) |%n|---|---|---|%n", r.benchmark(), r.model(), label, label));
                groups.forEach((g, m) -> sb.append(String.format("| %s | %d | %.1f ± %.1f |%n", g, m.problems(), 100 * m.passAt1().mean(),
                        100 * m.passAt1().standardError())));
            });
        }
        return sb.toString();
    }

    private static String atK(Map<Integer, Double> byK) {
        if (byK.isEmpty()) {
            return "–";
        }
        StringBuilder sb = new StringBuilder();
        byK.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(": ").append(String.format("%.1f", 100 * v)));
        return sb.toString();
    }

    /** Writes the files into {@code dir}, each through a temporary file and a rename; no index.html when {@code html} is null. */
    public static void write(Path dir, ObjectNode config, List<Row> rows, ObjectNode extra, String html) throws IOException {
        Files.createDirectories(dir);
        ObjectNode summary = Json.mapper().createObjectNode();
        summary.set("config", config);
        var list = summary.putArray("benchmarks");
        for (Row r : rows) {
            ObjectNode b = list.addObject();
            b.put("benchmark", r.benchmark()).put("model", r.model());
            b.set("metrics", Json.mapper().valueToTree(r.metrics()));
            b.set("breakdown", Json.mapper().valueToTree(r.breakdown()));
        }
        summary.set("run", extra);
        atomically(dir.resolve("summary.json"), Json.pretty(summary));
        atomically(dir.resolve("leaderboard.md"), markdown(rows));
        if (html != null) {
            atomically(dir.resolve("index.html"), html);
        }
    }

    /** Reads back the rows of a summary.json that {@link #write} made. */
    public static List<Row> read(Path summaryJson) throws IOException {
        var root = Json.mapper().readTree(summaryJson.toFile());
        List<Row> rows = new java.util.ArrayList<>();
        for (var b : root.path("benchmarks")) {
            MetricSummary m = Json.mapper().treeToValue(b.path("metrics"), MetricSummary.class);
            Map<String, Map<String, MetricSummary>> breakdown = Json.mapper().convertValue(b.path("breakdown"),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Map<String, MetricSummary>>>() {});
            rows.add(new Row(b.path("benchmark").asText(), b.path("model").asText(), m, breakdown));
        }
        return rows;
    }

    private static void atomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
