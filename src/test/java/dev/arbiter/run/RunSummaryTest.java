package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {
    @TempDir
    Path dir;

    private static MetricSummary metrics(double mean) {
        Estimate e = new Estimate(mean, 0.1, mean - 0.2, mean + 0.2, 3);
        return new MetricSummary(3, 4, TruncationPolicy.AS_GRADED, e, Map.of(1, mean, 4, Double.NaN), Map.of(1, 0.5), Map.of(8, "n is 4"),
                0.25, 0.0, 0, List.of(new MissingSamples("p2", 3, 4)), Map.of("correct", 6L, "no_answer", 3L),
                new MetricSummary.Extraction("flexible", e, new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0), 0.75));
    }

    private static RunSummary summary(Instant start) throws Exception {
        GenerationSpec spec = new GenerationSpec("m", PromptTemplates.MATH, true, 0.6, 0.95, 256, 0, List.of());
        RunSummary.Config config = new RunSummary.Config(Json.mapper().readTree(spec.canonicalJson()), spec.hash(), "key", 4, "graded", "flexible",
                "arbiter-math/1", "results/store.db", "out", List.of(1, 4), List.of(new RunSummary.Bench("aime24", 3, spec.hash(), "arbiter-math/1",
                List.of("p1", "p2", "p3"))), "m", "sample", null, List.of("http://localhost:8000"), null, null, null, null, null, null);
        RunSummary.Run run = new RunSummary.Run(Map.of("aime24", new RunSummary.BenchmarkRun(12, 11, 1, 100, 2000,
                List.of(new RequestFailures.Group("HTTP 400", 400, true, "too long", 1, "p2#3")), List.of(new RunSummary.NotGraded("no program", 2)))),
                15L, 2L, 3L, 0L, null, null, null);
        return RunSummary.finished(start, config, List.of(new RunSummary.Row("aime24", "m", metrics(Double.NaN),
                Map.of("level", Map.of("Level 1", metrics(0.5))))), run);
    }

    /** Every field name under {@code node}, except the keys of maps whose keys are data (k, outcome labels, groups, benchmarks). */
    private static void fieldNames(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            boolean dataKeys = path.matches(".*/(pass_at_k|maj_at_k|unavailable|outcomes|breakdown|breakdown/[^/]+|benchmarks|calls|branches)");
            node.fields().forEachRemaining(e -> {
                if (!dataKeys) {
                    out.add(e.getKey());
                }
                fieldNames(e.getValue(), path + "/" + e.getKey(), out);
            });
        } else if (node.isArray()) {
            node.forEach(x -> fieldNames(x, path + "[]", out));
        }
    }

    @Test
    void writtenInSnakeCaseWithNanAsNullAndReadBackTheSame() throws Exception {
        Instant start = Instant.now().minusSeconds(90);
        RunSummary s = summary(start);
        s.write(dir);
        String text = Files.readString(dir.resolve("summary.json"));
        assertThat(text).doesNotContain("NaN");
        JsonNode root = Json.mapper().readTree(text);
        List<String> names = new ArrayList<>();
        fieldNames(root, "", names);
        assertThat(names).contains("arbiter_version", "git_commit", "started_at", "finished_at", "wall_s", "pass_at1", "pass_at_k",
                "samples_per_problem", "no_answer_rate", "problem_ids", "generation_hash", "prompt_tokens", "not_graded", "http_requests");
        assertThat(names).allMatch(n -> n.matches("[a-z0-9_]+"), "snake_case");
        assertThat(root.has("git_commit")).isTrue();
        assertThat(root.path("arbiter_version").asText()).isNotBlank();
        assertThat(root.path("wall_s").asDouble()).isBetween(89.0, 3600.0);
        assertThat(Instant.parse(root.path("started_at").asText())).isEqualTo(start);
        assertThat(root.at("/benchmarks/0/metrics/pass_at1/mean").isNull()).isTrue();
        assertThat(root.at("/benchmarks/0/metrics/pass_at_k/4").isNull()).isTrue();
        assertThat(root.at("/benchmarks/0/breakdown/level/Level 1/pass_at1/mean").asDouble()).isEqualTo(0.5);
        assertThat(root.at("/run/benchmarks/aime24/failures/0/permanent").asBoolean()).isTrue();

        RunSummary back = RunSummary.read(dir);
        assertThat(back).isEqualTo(s);
        assertThat(back.benchmarks().getFirst().metrics().passAt1().mean()).isNaN();
        assertThat(back.benchmarks().getFirst().metrics().passAtK().get(4)).isNaN();
        assertThat(RunSummary.readRun(dir).config().benchmarks().getFirst().problemIds()).containsExactly("p1", "p2", "p3");
    }

    @Test
    void aSummaryWrittenBeforeTheRecordStillReads() throws Exception {
        // the form eval wrote before: camelCase metrics, NaN as a string, the run's per-benchmark counts beside its totals
        Files.writeString(dir.resolve("summary.json"), """
                {"config": {"generation": {"model": "m", "max_tokens": 256}, "generation_hash": "abc", "run_key": "k", "n": 2,
                            "store": "results/store.db", "benchmarks": [{"name": "math500", "problems": 1, "generation_hash": "abc",
                            "verifier": "arbiter-math/1", "problem_ids": ["q1"]}]},
                 "benchmarks": [{"benchmark": "math500", "model": "m", "metrics": {"problems": 1, "samplesPerProblem": 2,
                     "truncation": "as_graded", "passAt1": {"mean": "NaN", "standardError": 0.0, "ciLow": 0.0, "ciHigh": 1.0, "problems": 1},
                     "passAtK": {"1": 0.5}, "majAtK": {}, "unavailable": {}, "noAnswerRate": 0.5, "truncationRate": 0.0,
                     "truncatedExcluded": 0, "missing": [{"problemId": "q1", "have": 1, "want": 2}], "outcomes": {"correct": 1}},
                   "breakdown": {}}],
                 "run": {"math500": {"requested": 2, "stored": 2, "failed": 0, "prompt_tokens": 10, "completion_tokens": 20}, "retries": 1}}
                """);
        RunSummary s = RunSummary.readRun(dir);
        assertThat(s.model()).isEqualTo("m");
        assertThat(s.n()).isEqualTo(2);
        assertThat(s.arbiterVersion()).isNull();
        MetricSummary m = s.benchmarks().getFirst().metrics();
        assertThat(m.passAt1().mean()).isNaN();
        assertThat(m.samplesPerProblem()).isEqualTo(2);
        assertThat(m.noAnswerRate()).isEqualTo(0.5);
        assertThat(m.missing()).containsExactly(new MissingSamples("q1", 1, 2));
        assertThat(s.run().benchmarks().get("math500").completionTokens()).isEqualTo(20);
        assertThat(s.run().retries()).isEqualTo(1L);
    }

    @Test
    void aRunWithoutProblemIdsOrStoreIsRefusedWithTheFix() throws Exception {
        assertThatThrownBy(() -> RunSummary.readRun(dir)).isInstanceOf(RunException.class).hasMessageContaining("no summary.json");
        Files.writeString(dir.resolve("summary.json"), """
                {"arbiter_version": "0.1.0", "config": {"model": "m", "n": 2, "store": "s.db", "benchmarks": [{"name": "b", "verifier": "v"}]}}
                """);
        assertThatThrownBy(() -> RunSummary.readRun(dir)).isInstanceOf(RunException.class).hasMessageContaining("lists no problem ids");
        Files.writeString(dir.resolve("summary.json"), "{\"arbiter_version\": \"0.1.0\", \"config\": {\"model\": \"m\", \"n\": 2}}");
        assertThatThrownBy(() -> RunSummary.readRun(dir)).isInstanceOf(RunException.class).hasMessageContaining("no n, store or model");
    }
}
