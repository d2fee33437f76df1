package dev.arbiter.report;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.RunSamples;
import java.util.HashMap;
import java.util.Map;

/**
 * A problem's page: the prompt and gold (typeset by KaTeX in the browser), then each sample slot with its
 * verdict, extracted answer, finish reason and tokens, the verifier's reason, and the completion (rendered
 * as Markdown when opened). A slot without a completion says it is missing; one without a verdict says it
 * was not graded: neither is shown as wrong. Filters show only the wrong samples, only those whose answer
 * differs from the most common one, or only the truncated.
 */
final class ProblemHtml {
    private ProblemHtml() {}

    static String page(SiteRun run, RunSamples.BenchmarkSamples b, int index) {
        RunSamples.ProblemSamples p = b.problems().get(index);
        String majority = majority(p);
        StringBuilder sb = Html.open(p.problem().id() + " — " + b.bench().name(), "../../../", true);
        sb.append("<p class=\"nav\"><a href=\"../../../index.html\">Leaderboard</a> › <a href=\"../index.html#").append(Html.esc(Site.slug(b.bench().name())))
                .append("\">").append(Html.esc(run.summary().model())).append(", ").append(Html.esc(b.bench().name())).append("</a>");
        if (index > 0) {
            sb.append(" · <a class=\"prev\" href=\"").append(index - 1).append(".html\">previous</a>");
        }
        if (index + 1 < b.problems().size()) {
            sb.append(" · <a class=\"next\" href=\"").append(index + 1).append(".html\">next</a>");
        }
        sb.append("</p><h1>").append(Html.esc(p.problem().id())).append("</h1>");
        sb.append("<h2>Prompt</h2><div class=\"prompt tex\">").append(Html.esc(p.prompt())).append("</div>");
        sb.append("<h2>Gold</h2><div class=\"gold tex\">");
        if (p.problem().gold() instanceof CodeTests t) {
            sb.append(Html.esc(t.tests().size() + " tests"));
        } else {
            sb.append("\\(").append(Html.esc(p.goldText())).append("\\)");
        }
        sb.append("</div>");
        RunHtml.Counts k = RunHtml.Counts.of(p);
        sb.append("<h2>Samples</h2><p class=\"counts\">").append(k.correct()).append(" correct of ").append(k.graded()).append(" graded");
        if (k.missing() > 0) {
            sb.append(", ").append(k.missing()).append(" missing (no completion: the request failed)");
        }
        if (k.ungraded() > 0) {
            sb.append(", ").append(k.ungraded()).append(" not graded (the verifier or sandbox failed; the next run grades them)");
        }
        sb.append(". Most common answer: <code class=\"majority\">").append(Html.esc(majority == null ? "none" : majority)).append("</code></p>");
        sb.append("<div class=\"filters\"><label><input type=\"checkbox\" id=\"only-wrong\"> only wrong</label>")
                .append("<label><input type=\"checkbox\" id=\"only-disagree\"> only answers other than the most common</label>")
                .append("<label><input type=\"checkbox\" id=\"only-truncated\"> only truncated</label></div>");
        sb.append("<div class=\"samples\" data-majority=\"").append(Html.esc(majority == null ? "" : majority)).append("\">");
        Map<String, CompletionStore.StoredJudgement> rulings = run.judgements().getOrDefault(b.bench().name(), Map.of());
        for (RunSamples.Slot s : p.slots()) {
            slot(sb, s, rulings.get(p.problem().id() + "#" + s.index()));
        }
        sb.append("</div>");
        return Html.close(sb);
    }

    /** One sample; {@code ruling} is an LLM judge's on it (the rules rejected it), or null. */
    private static void slot(StringBuilder sb, RunSamples.Slot s, CompletionStore.StoredJudgement ruling) {
        Completion c = s.stored().orElse(null);
        String extracted = s instanceof RunSamples.Graded g ? g.verdict().extracted() : null;
        boolean truncated = c != null && c.truncated();
        sb.append("\n<details class=\"sample ").append(Html.esc(s.label())).append("\" data-outcome=\"").append(Html.esc(s.label()))
                .append("\" data-truncated=\"").append(truncated).append("\" data-answer=\"").append(Html.esc(extracted == null ? "" : extracted))
                .append("\"><summary><span class=\"index\">#").append(s.index()).append("</span> <span class=\"verdict\">")
                .append(Html.esc(s.label().replace('_', ' '))).append("</span>");
        switch (s) {
            case RunSamples.Missing m -> sb.append(" — no completion is stored: its request failed or the run stopped first</summary>");
            case RunSamples.Ungraded u -> sb.append(" — the verifier or the sandbox failed on it; the next run grades it again</summary>");
            case RunSamples.Graded g -> sb.append(" <span class=\"answer\">").append(Html.esc(extracted == null ? "" : extracted)).append("</span>")
                    .append("</summary>");
        }
        if (c != null) {
            sb.append("<p class=\"meta\">finish: ").append(Html.esc(c.finishReason() == null ? "unknown" : c.finishReason())).append(" · ")
                    .append(c.completionTokens()).append(" tokens");
            if (s instanceof RunSamples.Graded g && g.verdict().reason() != null && !g.verdict().reason().isBlank()) {
                sb.append(" · <span class=\"reason\">").append(Html.esc(g.verdict().reason())).append("</span>");
            }
            if (ruling != null) {
                // beside the rules' verdict, never in place of it
                sb.append(" · <span class=\"judge\">judge: ").append(ruling.outcome() == null ? "no ruling"
                        : ruling.outcome() == dev.arbiter.verify.Outcome.CORRECT ? "accepted" : "rejected").append(" (")
                        .append(Html.esc(ruling.reason())).append(")</span>");
            }
            sb.append("</p><pre class=\"completion\">").append(Html.esc(c.text())).append("</pre>");
        }
        sb.append("</details>");
    }

    /** The extracted answer most graded samples gave, or null when none gave one. */
    static String majority(RunSamples.ProblemSamples p) {
        Map<String, Integer> counts = new HashMap<>();
        String best = null;
        for (RunSamples.Slot s : p.slots()) {
            if (s instanceof RunSamples.Graded g && g.verdict().extracted() != null && !g.verdict().extracted().isBlank()) {
                int n = counts.merge(g.verdict().extracted().strip(), 1, Integer::sum);
                if (best == null || n > counts.get(best)) {
                    best = g.verdict().extracted().strip();
                }
            }
        }
        return best;
    }
}
