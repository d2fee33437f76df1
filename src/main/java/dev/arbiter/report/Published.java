package dev.arbiter.report;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Published scores (published.json beside this class): each with the source it was read in, the benchmark of Arbiter's
 * catalogue it maps to, and the metric it is. Every number was read in its source; none is derived.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Published(String about, Map<String, Source> sources, List<Score> scores) {
    public static final String RESOURCE = "published.json";

    public Published {
        sources = Map.copyOf(sources);
        scores = List.copyOf(scores);
    }

    /**
     * Where scores were published.
     *
     * @param evaluation the preset holding the settings the scores were made with, or null when the source publishes none
     * @param settings   why there is no preset, when there is none
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Source(String title, String url, String evaluation, String settings) {}

    /**
     * One published number.
     *
     * @param score     in percent, as published
     * @param metric    "pass@1" (estimated from {@code samples} samples per problem) or "cons@k" (majority vote of k samples)
     * @param samples   samples per problem, or null when the source does not say
     * @param problems  how many problems the benchmark had, or null when the source does not say
     * @param where     where in the source: table, row and column
     * @param selection a LiveCodeBench window ("from", "to", "release") the score was made on, or null
     * @param compare   false for a score kept as data but never put beside a run's, for the reason {@code why}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Score(String model, String benchmark, double score, String metric, Integer samples, Integer problems, String source,
                        String where, Map<String, String> selection, Boolean compare, String why) {
        public boolean comparable() {
            return compare == null || compare;
        }

        /** Half a unit of the score's last decimal (44.0 counts one): the rounding it carries. */
        public double rounding() {
            return 0.5 * Math.pow(10, -Math.max(0, BigDecimal.valueOf(score).scale()));
        }

        /** The metric in words: "pass@1 over 64 samples", "pass@1 (samples not stated)", "cons@64". */
        public String metricText() {
            return metric.equals("pass@1") ? "pass@1" + (samples == null ? " (samples not stated)" : samples == 1 ? " of 1 sample" : " over " + samples + " samples")
                    : metric;
        }
    }

    /** The shipped scores. */
    public static Published load() {
        try (InputStream in = Published.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return Json.mapper().readValue(in, Published.class);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** A model name as scores are matched: the part after the last '/', in lower case (a Hugging Face id matches its model's name). */
    public static String key(String model) {
        return model.substring(model.lastIndexOf('/') + 1).strip().toLowerCase(Locale.ROOT);
    }

    /** The scores published for {@code model} (matched by {@link #key}) on {@code benchmark}. */
    public List<Score> of(String model, String benchmark) {
        return scores.stream().filter(s -> key(s.model()).equals(key(model)) && s.benchmark().equals(benchmark)).toList();
    }

    /** The names of the models with published scores, each once, in the file's order. */
    public List<String> models() {
        return scores.stream().map(Score::model).distinct().toList();
    }
}
