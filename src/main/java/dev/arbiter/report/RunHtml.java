package dev.arbiter.report;

import dev.arbiter.run.Estimate;
import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.RunSamples;
import dev.arbiter.run.RunSummary;
import java.util.List;
import java.util.Map;

/** A run's page: how it was made, then per benchmark its figures, breakdowns, curves and the list of its problems. */
final class RunHtml {
    private RunHtml() {}

    static String page(SiteRun run) {
        RunSummary s = run.summary();
        RunSummary.Config c = s.config();
        StringBuilder sb = Html.open(s.model() + " — run " + run.id(), "../../", false);
        sb.append("<p class=\"nav\"><a href=\"../../index.html\">Leaderboard</a></p><h1>").append(Html.esc(s.model())).append("</h1>");
        sb.append("<table class=\"settings\"><tbody>");
        row(sb, "model", s.model() + (c.modelRevision() == null ? "" : " @ " + c.modelRevision()));
        String identity = run.benchmarks().isEmpty() ? null : run.benchmarks().getFirst().spec().path("model_identity").asText(null);
        row(sb, "model identity", identity == null ? "(not fingerprinted)" : identity);
        row(sb, "served by", c.inProcess() != null ? "this process (" + c.inProcess() + (c.device() == null ? "" : ", " + c.device()) + ")"
                : String.join(", ", c.endpoints()));
        row(sb, "samples per problem (n)", String.valueOf(s.n()));
        row(sb, "extraction", c.extraction());
        row(sb, "truncated samples", c.truncated());
        row(sb, "strategy", c.strategy());
        row(sb, "arbiter", s.arbiterVersion() + (s.gitCommit() == null ? "" : " (" + s.gitCommit() + ")"));
        row(sb, "machine", s.machine() == null ? null : s.machine().describe());
        row(sb, "started", s.startedAt() == null ? null : s.startedAt().toString());
        row(sb, "finished", s.finishedAt() == null ? null : s.finishedAt().toString());
        row(sb, "wall time", s.wallS() == null ? null : String.format(java.util.Locale.ROOT, "%.1f s", s.wallS()));
        row(sb, "store", c.store());
        if (c.reproduce() != null) {
            row(sb, "preset", c.reproduce().preset() == null ? null : c.reproduce().preset()
                    + (c.reproduce().overridden().isEmpty() ? "" : " (overridden: " + String.join(", ", c.reproduce().overridden()) + ")"));
            row(sb, "rerun with", c.reproduce().rerun().isEmpty() ? null : c.reproduce().rerunLine());
        }
        sb.append("</tbody></table>");
        if (run.curvesSvg() != null) {
            sb.append("<h2>pass@k and maj@k</h2><div class=\"curves\">").append(run.curvesSvg()).append("</div>");
        } else if (run.curvesNote() != null) {
            sb.append("<p class=\"note\">No curves: ").append(Html.esc(run.curvesNote())).append("</p>");
        }
        for (RunSamples.BenchmarkSamples b : run.benchmarks()) {
            benchmark(sb, run, b);
        }
        return Html.close(sb);
    }

    private static void benchmark(StringBuilder sb, SiteRun run, RunSamples.BenchmarkSamples b) {
        String slug = Site.slug(b.bench().name());
        sb.append("\n<section class=\"benchmark\" id=\"").append(Html.esc(slug)).append("\"><h2>").append(Html.esc(b.bench().name())).append("</h2>");
        sb.append("<table class=\"settings\"><tbody>");
        row(sb, "verifier", b.bench().verifier());
        row(sb, "max_tokens", b.spec().path("max_tokens").asText());
        row(sb, "temperature", b.spec().path("temperature").asText());
        row(sb, "top_p", b.spec().path("top_p").asText());
        row(sb, "seed", b.spec().path("seed").asText());
        row(sb, "generation", b.bench().generationHash());
        sb.append("</tbody></table>");
        MetricSummary m = b.row() == null ? null : b.row().metrics();
        if (m != null) {
            Estimate p = m.passAt1();
            sb.append("<table class=\"metrics\"><thead><tr><th>problems</th><th>pass@1 ± s.e.</th><th>95% interval</th><th>pass@k</th><th>maj@k</th>")
                    .append("<th>no answer</th><th>truncated</th><th>problems lacking samples</th></tr></thead><tbody><tr><td>").append(m.problems())
                    .append("</td><td>").append(Html.pct(p.mean())).append(" ± ").append(Html.pct(p.standardError())).append("</td><td>")
                    .append(Html.pct(p.ciLow())).append("–").append(Html.pct(p.ciHigh())).append("</td><td>").append(atK(m.passAtK())).append("</td><td>")
                    .append(atK(m.majAtK())).append("</td><td>").append(Html.pct(m.noAnswerRate())).append("%</td><td>").append(Html.pct(m.truncationRate()))
                    .append("%</td><td>").append(m.missing().size()).append("</td></tr></tbody></table>");
            RunSummary.Cascade jc = b.row().cascade();
            if (jc != null) {
                // the judge cascade beside the rules' figures: never in place of them
                Estimate q = jc.metrics().passAt1();
                sb.append("<h3>With the LLM judge</h3><p class=\"note\">Answers the rules rejected or could not read went to ")
                        .append(Html.esc(jc.judge())).append("; a missing ruling is left out, never wrong.</p>")
                        .append("<table class=\"metrics\"><thead><tr><th>pass@1 rules</th><th>pass@1 rules+judge</th><th>pass@k rules+judge</th>")
                        .append("<th>maj@k rules+judge</th><th>judged</th><th>accepted</th><th>rejected</th><th>judge missing</th></tr></thead><tbody><tr><td>")
                        .append(Html.pct(p.mean())).append(" ± ").append(Html.pct(p.standardError())).append("</td><td>").append(Html.pct(q.mean()))
                        .append(" ± ").append(Html.pct(q.standardError())).append("</td><td>").append(atK(jc.metrics().passAtK())).append("</td><td>")
                        .append(atK(jc.metrics().majAtK())).append("</td><td>").append(jc.judged()).append("</td><td>").append(jc.accepted())
                        .append("</td><td>").append(jc.rejected()).append("</td><td>").append(jc.missing()).append("</td></tr></tbody></table>");
                jc.missingCauses().forEach(g -> sb.append("<p class=\"note\">Judge missing for ").append(g.count()).append(": ")
                        .append(Html.esc(g.reason())).append("</p>"));
            }
            b.row().breakdown().forEach((label, groups) -> breakdown(sb, label, groups));
        }
        sb.append("<h3>Problems</h3><table class=\"problems sortable\"><thead><tr><th data-key=\"i\">#</th><th data-key=\"id\">problem</th>")
                .append("<th data-key=\"correct\">correct</th><th data-key=\"graded\">graded</th><th data-key=\"missing\">missing</th>")
                .append("<th data-key=\"ungraded\">not graded</th></tr></thead><tbody>");
        List<RunSamples.ProblemSamples> problems = b.problems();
        for (int i = 0; i < problems.size(); i++) {
            Counts k = Counts.of(problems.get(i));
            sb.append("\n<tr class=\"problem-row\"><td data-key=\"i\" data-value=\"").append(i).append("\">").append(i)
                    .append("</td><td data-key=\"id\" data-value=\"").append(Html.esc(problems.get(i).problem().id())).append("\"><a class=\"problem\" href=\"")
                    .append(Html.esc(slug)).append('/').append(i).append(".html\">").append(Html.esc(problems.get(i).problem().id())).append("</a></td>");
            cell(sb, "correct", k.correct());
            cell(sb, "graded", k.graded());
            cell(sb, "missing", k.missing());
            cell(sb, "ungraded", k.ungraded());
            sb.append("</tr>");
        }
        sb.append("</tbody></table></section>");
    }

    /** A problem's slots counted by state. */
    record Counts(int correct, int graded, int missing, int ungraded) {
        static Counts of(RunSamples.ProblemSamples p) {
            int correct = 0;
            int graded = 0;
            int missing = 0;
            int ungraded = 0;
            for (RunSamples.Slot s : p.slots()) {
                switch (s) {
                    case RunSamples.Missing x -> missing++;
                    case RunSamples.Ungraded x -> ungraded++;
                    case RunSamples.Graded g -> {
                        graded++;
                        correct += g.verdict().outcome().correct() ? 1 : 0;
                    }
                }
            }
            return new Counts(correct, graded, missing, ungraded);
        }
    }

    private static void breakdown(StringBuilder sb, String label, Map<String, MetricSummary> groups) {
        sb.append("<h3>By ").append(Html.esc(label)).append("</h3><table class=\"breakdown sortable\"><thead><tr><th data-key=\"g\">")
                .append(Html.esc(label)).append("</th><th data-key=\"n\">problems</th><th data-key=\"p\">pass@1 ± s.e.</th></tr></thead><tbody>");
        groups.forEach((g, m) -> sb.append("<tr><td data-key=\"g\" data-value=\"").append(Html.esc(g)).append("\">").append(Html.esc(g))
                .append("</td><td data-key=\"n\" data-value=\"").append(m.problems()).append("\">").append(m.problems())
                .append("</td><td data-key=\"p\" data-value=\"").append(m.passAt1().mean()).append("\">").append(Html.pct(m.passAt1().mean()))
                .append(" ± ").append(Html.pct(m.passAt1().standardError())).append("</td></tr>"));
        sb.append("</tbody></table>");
    }

    private static void row(StringBuilder sb, String name, String value) {
        if (value != null && !value.isBlank()) {
            sb.append("<tr><th>").append(Html.esc(name)).append("</th><td>").append(Html.esc(value)).append("</td></tr>");
        }
    }

    private static void cell(StringBuilder sb, String key, int value) {
        sb.append("<td data-key=\"").append(key).append("\" data-value=\"").append(value).append("\">").append(value).append("</td>");
    }

    private static String atK(Map<Integer, Double> byK) {
        StringBuilder sb = new StringBuilder();
        byK.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(": ").append(Html.pct(v)));
        return sb.isEmpty() ? "–" : sb.toString();
    }
}
