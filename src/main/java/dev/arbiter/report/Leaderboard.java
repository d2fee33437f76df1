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

/** Writes a run's results: summary.json (everything) and leaderboard.md (the table people read). */
public final class Leaderboard {
    /** One benchmark's row. */
    public record Row(String benchmark, String model, MetricSummary metrics) {}

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

    /** Writes both files into {@code dir}, each through a temporary file and a rename. */
    public static void write(Path dir, ObjectNode config, List<Row> rows, ObjectNode extra) throws IOException {
        Files.createDirectories(dir);
        ObjectNode summary = Json.mapper().createObjectNode();
        summary.set("config", config);
        var list = summary.putArray("benchmarks");
        for (Row r : rows) {
            ObjectNode b = list.addObject();
            b.put("benchmark", r.benchmark()).put("model", r.model());
            b.set("metrics", Json.mapper().valueToTree(r.metrics()));
        }
        summary.set("run", extra);
        atomically(dir.resolve("summary.json"), Json.pretty(summary));
        atomically(dir.resolve("leaderboard.md"), markdown(rows));
    }

    private static void atomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
