package dev.arbiter.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.run.Estimate;
import dev.arbiter.run.Preset;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSettings;
import dev.arbiter.run.RunSummary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A run's pass@1 beside the published scores of its model: our 95% bootstrap interval, and whether the published score lies
 * inside it. A score is put beside ours only when the run was made the way the source made it: every setting that changes what
 * the model writes (temperature, top-p, max tokens, prompt, chat or raw, stop strings, the problems, LiveCodeBench's window)
 * must equal the source's, as its preset records them. Otherwise that score is refused, with the differences. n and the seed
 * only change how precisely the same quantity is estimated, so they are noted, not refused.
 */
public final class PublishedComparison {
    private PublishedComparison() {}

    public enum Verdict { INSIDE, OUTSIDE, REFUSED, NOT_COMPARED }

    /**
     * One published score against one benchmark of the run.
     *
     * @param ours        our pass@1 (fractions, as the summary holds them)
     * @param differences the settings that differ from the source's, each "name ours vs published" (REFUSED when any)
     * @param notes       what differs without refusing the comparison, and where Arbiter departs from the source knowingly
     */
    public record Line(String benchmark, String model, int n, Estimate ours, Published.Score published, Published.Source source, Verdict verdict,
                       List<String> differences, List<String> notes) {
        public Line {
            differences = List.copyOf(differences);
            notes = List.copyOf(notes);
        }
    }

    /** Every line for one run, and the command that makes the run again (null for a run that predates it). */
    public record Result(String run, List<Line> lines, String rerun) {
        public boolean anyCompared() {
            return lines.stream().anyMatch(l -> l.verdict() == Verdict.INSIDE || l.verdict() == Verdict.OUTSIDE);
        }
    }

    /**
     * Compares a finished run with the published scores of {@code publishedModel} (or, when null, of the run's own model).
     *
     * @throws RunException when no published score is for that model on the run's benchmarks, or when every score there is
     *     was refused for differing settings (the message lists the differences, in one line)
     */
    public static Result compare(String runName, RunSummary run, String publishedModel, Published data) {
        String model = publishedModel != null ? publishedModel : run.model();
        List<Line> lines = new ArrayList<>();
        for (RunSummary.Row row : run.benchmarks()) {
            for (Published.Score score : data.of(model, row.benchmark())) {
                lines.add(line(run, row, score, data.sources().get(score.source())));
            }
        }
        if (lines.isEmpty()) {
            throw new RunException(runName + ": no published score for " + model + " on " + String.join(", ", run.benchmarks().stream()
                    .map(RunSummary.Row::benchmark).toList()) + "; pass --published-model NAME, one of: " + String.join(", ", data.models()));
        }
        RunSettings rs = run.config().reproduce();
        Result result = new Result(runName, lines, rs == null || rs.rerun().isEmpty() ? null : rs.rerunLine());
        if (!result.anyCompared()) {
            List<String> why = lines.stream().filter(l -> l.verdict() == Verdict.REFUSED)
                    .map(l -> l.benchmark() + " vs " + l.source().title() + ": " + String.join(", ", l.differences())).toList();
            if (!why.isEmpty()) {
                throw new RunException(runName + ": not compared, the run's settings differ from the published evaluation's: " + String.join("; ", why)
                        + (result.rerun() == null ? "" : " (rerun with the source's settings: arbiter eval --preset NAME)"));
            }
        }
        return result;
    }

    private static Line line(RunSummary run, RunSummary.Row row, Published.Score score, Published.Source source) {
        Estimate ours = row.metrics().passAt1();
        int n = row.metrics().samplesPerProblem();
        if (!score.comparable()) {
            return new Line(row.benchmark(), score.model(), n, ours, score, source, Verdict.NOT_COMPARED, List.of(), List.of(score.why()));
        }
        if (!score.metric().equals("pass@1")) {
            return new Line(row.benchmark(), score.model(), n, ours, score, source, Verdict.NOT_COMPARED, List.of(),
                    List.of(score.metric() + " is a majority vote; the interval here is for pass@1"));
        }
        List<String> differences = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        RunSummary.Bench bench = run.config().benchmarks().stream().filter(b -> b.name().equals(row.benchmark())).findFirst().orElse(null);
        if (score.problems() != null && row.metrics().problems() != score.problems()) {
            differences.add("problems " + row.metrics().problems() + " vs " + score.problems());
        }
        if (source.evaluation() == null) {
            notes.add("the source publishes no settings (" + source.settings() + "); inside or outside says nothing about a reproduction");
        } else {
            settings(run, bench, score, Preset.named(source.evaluation()), differences, notes);
        }
        if (!differences.isEmpty()) {
            return new Line(row.benchmark(), score.model(), n, ours, score, source, Verdict.REFUSED, differences, notes);
        }
        double low = 100 * ours.ciLow() - score.rounding();
        double high = 100 * ours.ciHigh() + score.rounding();
        boolean inside = !Double.isNaN(ours.ciLow()) && score.score() >= low && score.score() <= high;
        return new Line(row.benchmark(), score.model(), n, ours, score, source, inside ? Verdict.INSIDE : Verdict.OUTSIDE, differences, notes);
    }

    /** The run's settings against the preset's for this benchmark: what changes output goes to {@code differences}, the rest to {@code notes}. */
    private static void settings(RunSummary run, RunSummary.Bench bench, Published.Score score, Preset preset, List<String> differences,
                                 List<String> notes) {
        JsonNode gen = run.config().generation();
        RunSettings rs = run.config().reproduce();
        boolean code = bench != null && bench.code();
        for (Preset.Setting s : preset.resolve(List.of(score.benchmark()))) {
            String theirs = s.shown();
            String ours;
            switch (s.option()) {
                case "temperature" -> ours = num(gen.path("temperature").asDouble());
                case "top-p" -> ours = num(gen.path("top_p").asDouble());
                case "max-tokens" -> ours = gen.path("max_tokens").asText();
                case "template" -> ours = code ? null : gen.path("prompt_template").asText();
                case "code-template" -> ours = !code ? null : rs == null ? "(not recorded)" : rs.codeTemplate();
                case "raw" -> ours = Boolean.toString(!gen.path("chat").asBoolean(true));
                case "stop" -> {
                    List<String> stops = new ArrayList<>();
                    gen.path("stop").forEach(x -> stops.add(x.asText()));
                    ours = String.join(",", stops);
                }
                case "from" -> ours = rs == null ? "(not recorded)" : Objects.toString(rs.from(), "(the manifest's)");
                case "to" -> ours = rs == null ? "(not recorded)" : Objects.toString(rs.to(), "(the manifest's)");
                case "release" -> ours = rs == null ? "(not recorded)" : Objects.toString(rs.release(), "(the manifest's)");
                case "n" -> {
                    if (run.n() != Integer.parseInt(theirs)) {
                        notes.add("n " + run.n() + " vs " + theirs + ": the same pass@1 estimated from fewer or more samples; the interval shows it");
                    }
                    continue;
                }
                case "seed" -> {
                    if (gen.path("seed").asLong() != Long.parseLong(theirs)) {
                        notes.add("seed " + gen.path("seed").asLong() + " vs " + theirs);
                    }
                    continue;
                }
                default -> ours = "(not compared)";
            }
            if (ours == null) {
                continue; // a math template on a code benchmark, or the other way round
            }
            boolean same = s.option().equals("temperature") || s.option().equals("top-p")
                    ? Double.parseDouble(ours) == s.value().asDouble() : ours.equals(theirs);
            if (!same) {
                differences.add(s.option() + " " + shortText(ours) + " vs " + shortText(theirs));
            } else if (s.deviation() != null) {
                notes.add(s.option() + ": " + s.deviation());
            }
        }
        // what the preset leaves unset is the plain case: one chat message, no stop strings
        List<Preset.Setting> set = preset.resolve(List.of(score.benchmark()));
        if (set.stream().noneMatch(x -> x.option().equals("raw")) && !gen.path("chat").asBoolean(true)) {
            differences.add("raw (/v1/completions) vs chat");
        }
        if (set.stream().noneMatch(x -> x.option().equals("stop")) && !gen.path("stop").isEmpty()) {
            List<String> stops = new ArrayList<>();
            gen.path("stop").forEach(x -> stops.add(x.asText()));
            differences.add("stop " + shortText(String.join(",", stops)) + " vs none");
        }
        if (score.selection() != null && rs != null) { // a window the score names that its preset does not (none today)
            score.selection().forEach((k, v) -> {
                String mine = switch (k) {
                    case "from" -> rs.from();
                    case "to" -> rs.to();
                    default -> rs.release();
                };
                if (!v.equals(mine) && differences.stream().noneMatch(d -> d.startsWith(k + " "))) {
                    differences.add(k + " " + Objects.toString(mine, "(the manifest's)") + " vs " + v);
                }
            });
        }
    }

    private static String shortText(String v) {
        String one = v.replace("\n", "\\n");
        return one.length() > 60 ? "'" + one.substring(0, 57) + "...'" : one.contains(" ") ? "'" + one + "'" : one;
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The comparison as markdown: the table, what was refused and why, the notes, the sources, and the command to rerun the run. */
    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Published scores beside ").append(r.run()).append(" (pass@1 in %; ours with its 95% bootstrap interval over problems):\n\n");
        sb.append("| benchmark | published model | ours (95% CI) | n | published | metric | source | published inside our interval? |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Line l : r.lines()) {
            String verdict = switch (l.verdict()) {
                case INSIDE -> "yes";
                case OUTSIDE -> "no";
                case REFUSED -> "refused: settings differ";
                case NOT_COMPARED -> "not compared";
            };
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f (%.1f–%.1f) | %d | %s | %s | %s | %s |%n", l.benchmark(), l.model(), 100 * l.ours().mean(),
                    100 * l.ours().ciLow(), 100 * l.ours().ciHigh(), l.n(), asPublished(l.published().score()), l.published().metricText(),
                    l.source().title(), verdict));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Line l : r.lines()) {
            String head = l.benchmark() + " vs " + l.source().title() + " (" + l.model() + ")";
            if (!l.differences().isEmpty()) {
                seen.add("- " + head + ": refused, the settings differ: " + String.join("; ", l.differences()));
            }
            l.notes().forEach(n -> seen.add("- " + head + ": " + n));
        }
        if (!seen.isEmpty()) {
            sb.append("\n");
            seen.forEach(s -> sb.append(s).append('\n'));
        }
        sb.append("\nSources:\n");
        r.lines().stream().map(l -> "- " + l.source().title() + ": " + l.source().url()).distinct().forEach(s -> sb.append(s).append('\n'));
        r.lines().stream().map(l -> "  - " + l.benchmark() + ", " + l.model() + ": " + l.published().where()).distinct()
                .forEach(s -> sb.append(s).append('\n'));
        sb.append("\nRerun with:\n  ").append(r.rerun() == null ? "(the run predates the recorded command; its summary.json holds its settings)" : r.rerun())
                .append('\n');
        return sb.toString();
    }

    /** A published number as it was printed (59.79, 44.0). */
    private static String asPublished(double d) {
        return java.math.BigDecimal.valueOf(d).toPlainString();
    }
}
