package dev.arbiter.report;

import dev.arbiter.run.RunSummary;
import dev.arbiter.run.RunView.BenchmarkView;
import dev.arbiter.run.RunView.ProblemView;
import dev.arbiter.run.RunView.SampleView;
import java.util.List;

/**
 * One self-contained HTML page for a run: the leaderboard, then every problem with its prompt, gold
 * answer and samples (verdict, extracted answer, finish reason, tokens, the completion's last part).
 * No scripts or external files: it opens from disk and can be mailed.
 */
public final class RunPage {
    /** How much of each completion the page keeps: its end, where the answer is. */
    public static final int TEXT_TAIL = 3000;

    private RunPage() {}

    public static String html(String title, List<BenchmarkView> benchmarks) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse}td,th{border:1px solid #ccc;")
                .append("padding:.2em .5em;text-align:left}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}")
                .append(".correct{color:#060}.wrong{color:#a00}.no_answer{color:#a60}summary{cursor:pointer}")
                .append("</style></head><body><h1>").append(esc(title)).append("</h1>");
        List<RunSummary.Row> rows = benchmarks.stream().map(b -> new RunSummary.Row(b.benchmark(), b.model(), b.metrics())).toList();
        sb.append("<pre>").append(esc(Leaderboard.markdown(rows))).append("</pre>");
        for (BenchmarkView b : benchmarks) {
            sb.append("<h2>").append(esc(b.benchmark())).append("</h2>");
            for (ProblemView p : b.problems()) {
                sb.append("<details><summary>").append(esc(p.id())).append(String.format(" &mdash; %.0f%% correct", 100 * p.passRate()))
                        .append("</summary><p><b>Gold:</b> ").append(esc(p.gold())).append("</p><pre>").append(esc(p.prompt())).append("</pre>")
                        .append("<table><tr><th>#</th><th>verdict</th><th>extracted</th><th>finish</th><th>tokens</th><th>completion (end)</th></tr>");
                for (SampleView s : p.samples()) {
                    String text = s.text().length() > TEXT_TAIL ? "…" + s.text().substring(s.text().length() - TEXT_TAIL) : s.text();
                    sb.append("<tr><td>").append(s.index()).append("</td><td class=\"").append(esc(s.outcome())).append("\">").append(esc(s.outcome()))
                            .append("</td><td>").append(esc(s.extracted() == null ? "" : s.extracted())).append("</td><td>")
                            .append(esc(s.finishReason() == null ? "" : s.finishReason())).append("</td><td>").append(s.completionTokens())
                            .append("</td><td><details><summary>show</summary><pre>").append(esc(text)).append("</pre></details></td></tr>");
                }
                sb.append("</table></details>");
            }
        }
        return sb.append("</body></html>\n").toString();
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    // A lone surrogate (a tail cut inside a pair, say) has no UTF-8 form: the page shows U+FFFD instead.
                    boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                            : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                    sb.append(Character.isSurrogate(c) && !paired ? '\uFFFD' : c);
                }
            }
        }
        return sb.toString();
    }
}
