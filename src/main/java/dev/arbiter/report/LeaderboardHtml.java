package dev.arbiter.report;

import dev.arbiter.run.Estimate;
import dev.arbiter.run.MetricSummary;
import java.util.List;

/** The site's front page: models as rows, benchmarks as columns, pass@1 ± its standard error, and the scores kept apart. */
final class LeaderboardHtml {
    private LeaderboardHtml() {}

    static String page(Grid grid, List<SiteRun> runs) {
        StringBuilder sb = Html.open("Leaderboard", "", false);
        sb.append("<h1>Leaderboard</h1><p class=\"lede\">pass@1 in percent ± its standard error over problems. Hover a score for its 95% "
                + "bootstrap interval; click it for the run; click a column's head to sort.</p>");
        sb.append("<table id=\"leaderboard\" class=\"sortable\"><thead><tr><th data-key=\"model\">Model</th>");
        for (String b : grid.benchmarks()) {
            sb.append("<th data-key=\"b:").append(Html.esc(b)).append("\" title=\"").append(Html.esc(grid.reference().get(b).describe()))
                    .append("\">").append(Html.esc(b)).append("</th>");
        }
        sb.append("<th data-key=\"avg\" title=\"the mean of the row's pass@1, when it has every benchmark\">Average</th></tr></thead><tbody>");
        for (Grid.Row row : grid.rows()) {
            sb.append("\n<tr class=\"model\" data-model=\"").append(Html.esc(row.model())).append("\"><td data-key=\"model\" data-value=\"")
                    .append(Html.esc(row.model())).append("\">").append(Html.esc(row.model())).append("</td>");
            for (String b : grid.benchmarks()) {
                Grid.Entry e = row.cells().get(b);
                if (e == null) {
                    sb.append("<td class=\"score none\" data-key=\"b:").append(Html.esc(b)).append("\" data-benchmark=\"").append(Html.esc(b))
                            .append("\" data-value=\"\">–</td>");
                } else {
                    sb.append(cell(e, "b:" + b));
                }
            }
            sb.append("<td class=\"avg\" data-key=\"avg\" data-value=\"").append(Double.isNaN(row.average()) ? "" : row.average()).append("\">")
                    .append(Html.pct(row.average())).append("</td></tr>");
        }
        sb.append("</tbody></table>");
        sb.append("<details class=\"settings\"><summary>Settings of each column</summary><ul>");
        grid.reference().forEach((b, s) -> sb.append("<li><b>").append(Html.esc(b)).append("</b>: ").append(Html.esc(s.describe())).append("</li>"));
        sb.append("</ul></details>");
        if (!grid.apart().isEmpty()) {
            sb.append("<h2>Not comparable</h2><p class=\"lede\">These scores were made under other settings than their column's, so they are "
                    + "not ranked beside it.</p><table id=\"incomparable\"><thead><tr><th>Model</th><th>Benchmark</th><th>pass@1</th>"
                    + "<th>What differs</th></tr></thead><tbody>");
            for (Grid.Apart a : grid.apart()) {
                String why = String.join("; ", a.differences());
                sb.append("\n<tr class=\"apart\" data-model=\"").append(Html.esc(a.entry().model())).append("\"><td>")
                        .append(Html.esc(a.entry().model())).append("</td><td>").append(Html.esc(a.entry().benchmark())).append("</td>")
                        .append(cell(a.entry(), "b:" + a.entry().benchmark())).append("<td><span class=\"flag\" title=\"").append(Html.esc(why))
                        .append("\">⚠ not comparable</span> ").append(Html.esc(why)).append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        sb.append("<h2>Runs</h2><ul class=\"runs\">");
        for (SiteRun r : runs) {
            sb.append("<li><a class=\"run\" href=\"runs/").append(Html.esc(r.id())).append("/index.html\">").append(Html.esc(r.id())).append("</a> ")
                    .append(Html.esc(r.modelKey())).append(", ").append(r.summary().finishedAt() == null ? "" : Html.esc(r.summary().finishedAt().toString()))
                    .append("</li>");
        }
        sb.append("</ul>");
        return Html.close(sb);
    }

    /** A score's cell: pass@1 ± s.e. linking to its run, the interval and sample counts on hover, a flag when samples are missing. */
    static String cell(Grid.Entry e, String key) {
        MetricSummary m = e.metrics();
        String benchmark = Html.esc(e.benchmark());
        if (m == null) {
            return "<td class=\"score none\" data-key=\"" + Html.esc(key) + "\" data-benchmark=\"" + benchmark + "\" data-value=\"\">no score</td>";
        }
        Estimate p = m.passAt1();
        int missing = m.missing().size();
        String title = "95% bootstrap interval " + Html.pct(p.ciLow()) + "–" + Html.pct(p.ciHigh()) + "; " + m.problems() + " problems, n="
                + m.samplesPerProblem() + (missing > 0 ? "; " + missing + " problems lack samples" : "");
        return "<td class=\"score\" data-key=\"" + Html.esc(key) + "\" data-benchmark=\"" + benchmark + "\" data-value=\"" + p.mean() + "\" title=\""
                + Html.esc(title) + "\"><a class=\"run\" href=\"runs/" + Html.esc(e.run().id()) + "/index.html#" + Html.esc(Site.slug(e.benchmark()))
                + "\">" + Html.pct(p.mean()) + " <span class=\"se\">± " + Html.pct(p.standardError()) + "</span></a>"
                + (missing > 0 ? " <span class=\"flag missing\" title=\"" + missing + " problems lack samples: the run is not whole\">⚠</span>" : "")
                + "</td>";
    }
}
