package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the statement matching of `arbiter grade`: a few-shot example must never take a generation. */
@Tag("data")
class HarnessOutputsAttackTest {
    @TempDir
    Path dir;

    /**
     * LightEval's flat layout: 'example' is the templated question (no exact match), 'full_prompt' holds a few-shot example
     * that is another benchmark problem with a longer statement, then the question. The longest contained statement wins across
     * all texts once, so the generation was silently graded against the few-shot problem; now the record's own query is read
     * first, and one text holding two statements apart is refused as ambiguous.
     */
    @Test
    void aLongerFewShotStatementInFullPromptStealsTheGeneration() throws Exception {
        DataConfig c = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        List<Problem> ps = new Benchmarks(new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()))
                .load("math500", Selection.DEFAULT).problems().subList(0, 6).stream().sorted(Comparator.comparingInt(p -> p.prompt().length()))
                .toList();
        Problem asked = ps.getFirst();
        Problem shot = ps.getLast();
        assertThat(shot.prompt().length()).isGreaterThan(asked.prompt().length());
        Path file = dir.resolve("details_old.parquet");
        try (Connection cn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = cn.createStatement()) {
            st.execute("CREATE TABLE d (example VARCHAR, full_prompt VARCHAR, predictions VARCHAR[], gold VARCHAR[], metrics STRUCT(qem DOUBLE))");
            try (PreparedStatement ins = cn.prepareStatement("INSERT INTO d VALUES (?, ?, [?], [?], {'qem': ?})")) {
                ins.setString(1, "Question: " + asked.prompt() + "\nAnswer:");
                ins.setString(2, "Question: " + shot.prompt() + "\nAnswer: " + ((MathAnswer) shot.gold()).answer() + "\n\nQuestion: "
                        + asked.prompt() + "\nAnswer:");
                ins.setString(3, "\\boxed{" + ((MathAnswer) asked.gold()).answer() + "}");
                ins.setString(4, ((MathAnswer) asked.gold()).answer());
                ins.setDouble(5, 1);
                ins.executeUpdate();
            }
            st.execute("COPY d TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        Path out = dir.resolve("v.jsonl");
        CliTest.Result r = CliTest.run("grade", "--generations", file.toString(), "--out", out.toString(), "--offline", "--data-dir",
                Shared.datasets().toString(), "--benchmark", "math500");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode v = Json.mapper().readTree(Files.readAllLines(out).getFirst());
        assertThat(v.path("problem_id").asText()).as("graded against the few-shot problem").isEqualTo(asked.id());
        // Only the full prompt, with the example and the question in it: ambiguous, refused, never a guess.
        Path onlyFull = dir.resolve("details_full.parquet");
        try (Connection cn = DriverManager.getConnection("jdbc:duckdb:"); Statement st = cn.createStatement()) {
            st.execute("CREATE TABLE d (full_prompt VARCHAR, predictions VARCHAR[])");
            try (PreparedStatement ins = cn.prepareStatement("INSERT INTO d VALUES (?, [?])")) {
                ins.setString(1, "Question: " + shot.prompt() + "\nAnswer: 1\n\nQuestion: " + asked.prompt() + "\nAnswer:");
                ins.setString(2, "\\boxed{1}");
                ins.executeUpdate();
            }
            st.execute("COPY d TO '" + onlyFull + "' (FORMAT parquet)");
        }
        CliTest.Result refused = CliTest.run("grade", "--generations", onlyFull.toString(), "--out", dir.resolve("w.jsonl").toString(),
                "--offline", "--data-dir", Shared.datasets().toString(), "--benchmark", "math500");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("details_full.parquet:1: its text holds the statements of several problems");
    }
}
