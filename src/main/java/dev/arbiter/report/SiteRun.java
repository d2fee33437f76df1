package dev.arbiter.report;

import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.RunSamples;
import dev.arbiter.run.RunSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run as the site shows it: its summary, its samples read back from the store, and its sample-budget
 * curves as SVG (null when n is 1 or the run is not whole, with {@code curvesNote} saying why).
 *
 * @param id the run's folder name under SITE/runs/, unique within the site
 * @param judgements an LLM judge's stored rulings by benchmark, then by "problem id#sample index" (empty without a cascade)
 */
record SiteRun(String id, Path dir, RunSummary summary, List<RunSamples.BenchmarkSamples> benchmarks, String curvesSvg, String curvesNote,
               Map<String, Map<String, CompletionStore.StoredJudgement>> judgements) {
    SiteRun {
        benchmarks = List.copyOf(benchmarks);
        judgements = judgements == null ? Map.of() : Map.copyOf(judgements);
    }

    SiteRun(String id, Path dir, RunSummary summary, List<RunSamples.BenchmarkSamples> benchmarks, String curvesSvg, String curvesNote) {
        this(id, dir, summary, benchmarks, curvesSvg, curvesNote, Map.of());
    }

    /** The model as a row of the grid: its name, with its revision and the identity the store recorded when there are. */
    String modelKey() {
        String identity = benchmarks.isEmpty() ? null : benchmarks.getFirst().spec().path("model_identity").asText(null);
        String revision = summary.config().modelRevision();
        return summary.model() + (revision == null ? "" : "@" + revision) + (identity == null ? "" : " [" + shortIdentity(identity) + "]");
    }

    /** An identity short enough for a row's label: "fingerprint fp-0123456789" becomes "fp-0123456789". */
    static String shortIdentity(String identity) {
        String s = identity.replaceFirst("^fingerprint ", "");
        return s.length() > 24 ? s.substring(0, 24) : s;
    }
}
