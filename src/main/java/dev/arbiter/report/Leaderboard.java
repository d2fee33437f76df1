package dev.arbiter.report;

import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.RunSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A run's results as files: summary.json (everything) and leaderboard.md (the table people read, with
 * breakdowns by subject, level or difficulty where the benchmark has them). The pages are the {@link Site}'s.
 */
public final class Leaderboard {
    /** The rows by benchmark, then the highest pass@1 first. */
    public static List<RunSummary.Row> sorted(List<RunSummary.Row> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing(RunSummary.Row::benchmark)
                .thenComparing(r -> -r.metrics().passAt1().mean())).toList();
    }

    private Leaderboard() {}

    public static String markdown(List<RunSummary.Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | model | problems | n | pass@1 (± s.e.) | 95% CI | pass@k | maj@k | no answer | truncated | missing |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunSummary.Row r : rows) {
            MetricSummary m = r.metrics();
            sb.append(String.format("| %s | %s | %d | %d | %.1f ± %.1f | %.1f–%.1f | %s | %s | %.1f%% | %.1f%% | %d |%n", r.benchmark(), r.model(),
                    m.problems(), m.samplesPerProblem(), 100 * m.passAt1().mean(), 100 * m.passAt1().standardError(),
                    100 * m.passAt1().ciLow(), 100 * m.passAt1().ciHigh(), atK(m.passAtK()), atK(m.majAtK()),
                    100 * m.noAnswerRate(), 100 * m.truncationRate(), m.missing().size()));
        }
        for (RunSummary.Row r : rows) {
            MetricSummary.Extraction e = r.metrics().extraction();
            if (e != null) {
                sb.append(String.format("%n%s (%s): pass@1 %.1f ± %.1f flexible, %.1f ± %.1f boxed (only a final \\boxed{} answer counts);"
                        + " boxed rate %.1f%%; the table uses %s%n", r.benchmark(), r.model(), 100 * e.flexiblePassAt1().mean(),
                        100 * e.flexiblePassAt1().standardError(), 100 * e.boxedPassAt1().mean(), 100 * e.boxedPassAt1().standardError(),
                        100 * e.boxedRate(), e.primary()));
            }
        }
        sb.append(cascade(rows));
        for (RunSummary.Row r : rows) {
            r.breakdown().forEach((label, groups) -> {
                sb.append(String.format("%n%s (%s) by %s:%n%n| %s | problems | pass@1 (± s.e.) |%n|---|---|---|%n", r.benchmark(), r.model(), label, label));
                groups.forEach((g, m) -> sb.append(String.format("| %s | %d | %.1f ± %.1f |%n", g, m.problems(), 100 * m.passAt1().mean(),
                        100 * m.passAt1().standardError())));
            });
        }
        return sb.toString();
    }

    /**
     * The judge cascade's table, for the rows that have one: pass@1 by the rules alone and with the judge side by side, the
     * cascade's pass@k and maj@k, and what the judge made of the rule-rejected answers. Empty when no row was judged.
     */
    static String cascade(List<RunSummary.Row> rows) {
        List<RunSummary.Row> judged = rows.stream().filter(r -> r.cascade() != null).toList();
        if (judged.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("\nJudge cascade (rule-rejected answers re-judged by an LLM; a missing ruling is left out, never wrong):\n\n");
        sb.append("| benchmark | model | judge | pass@1 rules | pass@1 rules+judge | pass@k rules+judge | maj@k rules+judge | judged | accepted"
                + " | rejected | judge missing |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunSummary.Row r : judged) {
            RunSummary.Cascade c = r.cascade();
            MetricSummary m = c.metrics();
            sb.append(String.format("| %s | %s | %s | %.1f ± %.1f | %.1f ± %.1f | %s | %s | %d | %d | %d | %d |%n", r.benchmark(), r.model(),
                    c.judge(), 100 * r.metrics().passAt1().mean(), 100 * r.metrics().passAt1().standardError(), 100 * m.passAt1().mean(),
                    100 * m.passAt1().standardError(), atK(m.passAtK()), atK(m.majAtK()), c.judged(), c.accepted(), c.rejected(),
                    c.missing()));
        }
        for (RunSummary.Row r : judged) {
            r.cascade().missingCauses().forEach(g -> sb.append(String.format("%n%s (%s): judge missing for %d: %s%n", r.benchmark(), r.model(),
                    g.count(), g.reason())));
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

    /** Writes summary.json and leaderboard.md into {@code dir}, each through a temporary file and a rename. */
    public static void write(Path dir, RunSummary summary) throws IOException {
        summary.write(dir);
        atomically(dir.resolve("leaderboard.md"), markdown(summary.benchmarks()));
    }

    private static void atomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
