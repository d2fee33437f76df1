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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter grade` on other harnesses' outputs, written here in their documented layouts: lm-evaluation-harness's
 * samples_*.jsonl (one line per doc and filter, responses nested per request) and LightEval's details parquet (both
 * its older flat columns and its newer doc/model_response/metric structs), the parquet written by DuckDB, which
 * shares no code with our reader. Their own per-sample scores never decide a verdict: they are only compared.
 */
@Tag("data")
class HarnessOutputsGradeCliTest {
    @TempDir
    Path dir;

    List<Problem> ps;

    @BeforeEach
    void load() {
        DataConfig c = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        ps = new Benchmarks(new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()))
                .load("math500", Selection.DEFAULT).problems().subList(0, 3);
    }

    private String gold(int i) {
        return ((MathAnswer) ps.get(i).gold()).answer();
    }

    private CliTest.Result grade(Path gens, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("grade", "--generations", gens.toString(), "--out", out.toString(), "--offline",
                "--data-dir", Shared.datasets().toString()));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    private static List<JsonNode> verdicts(Path out) throws Exception {
        List<JsonNode> v = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            v.add(Json.mapper().readTree(l));
        }
        return v;
    }

    /** One lm-eval line: the doc is the dataset's own row, resps one list of repeats, the metric beside its name. */
    private Map<String, Object> lmEvalLine(int doc, String filter, List<String> responses, double exactMatch) {
        Problem p = ps.get(doc);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("doc_id", doc);
        row.put("doc", Map.of("problem", p.prompt(), "answer", gold(doc), "unique_id", "test/" + p.id() + ".json"));
        row.put("target", gold(doc));
        row.put("arguments", Map.of("gen_args_0", Map.of("arg_0", "Problem: " + p.prompt() + "\nAnswer:", "arg_1", Map.of("until", List.of()))));
        row.put("resps", List.of(responses));
        row.put("filtered_resps", List.of(responses.get(0)));
        row.put("filter", filter);
        row.put("metrics", List.of("exact_match"));
        row.put("doc_hash", "h" + doc);
        row.put("exact_match", exactMatch);
        return row;
    }

    private Path lmEvalFile() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String filter : List.of("strict-match", "flexible-extract")) {
            // lm-eval's own score: right on doc 0's first, and it calls doc 1's wrong answer right.
            lines.add(Json.line(lmEvalLine(0, filter, List.of("so \\boxed{" + gold(0) + "}", "I give up"), 0.5)));
            lines.add(Json.line(lmEvalLine(1, filter, List.of("\\boxed{definitely not it}"), 1.0)));
            lines.add(Json.line(lmEvalLine(2, filter, List.of("The answer is $\\boxed{" + gold(2) + "}$."), 0.0)));
        }
        return Files.write(dir.resolve("samples_minerva_math500_2026-12-04T10-00-00.jsonl"), lines);
    }

    @Test
    void lmEvalSamplesAreMatchedByStatementAndGradedByOurVerifier() throws Exception {
        Path out = dir.resolve("v.jsonl");
        CliTest.Result r = grade(lmEvalFile(), out, "--benchmark", "math500");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> v = verdicts(out);
        // Each doc once, not once per filter; every repeat graded.
        assertThat(v).extracting(n -> n.get("problem_id").asText())
                .containsExactly(ps.get(0).id(), ps.get(0).id(), ps.get(1).id(), ps.get(2).id());
        assertThat(v).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "no_answer", "wrong", "correct");
        // Their score rides along but decides nothing: doc 1 they called right is wrong here.
        assertThat(v.get(2).get("their_score").asDouble()).isEqualTo(1.0);
        assertThat(r.out()).contains("2 of 4 equal");
        // Scores of 0 or 1 only are compared: doc 0's 0.5 is neither.
        assertThat(r.out()).contains("against lm-eval (exact_match)'s own scores on 2 generations: lm-eval (exact_match) passed 1,"
                + " Arbiter 1; they disagree on 2 (Arbiter alone passed 1, lm-eval (exact_match) alone 1)");
    }

    @Test
    void aFieldMappingNamesTheProblemInstead() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> row = lmEvalLine(i, "none", List.of("\\boxed{" + gold(i) + "}"), 1.0);
            row.put("doc", Map.of("question", "reworded so no statement matches " + i, "pid", ps.get(i).id()));
            lines.add(Json.line(row));
        }
        Path gens = Files.write(dir.resolve("samples_x.jsonl"), lines);
        CliTest.Result unmatched = grade(gens, dir.resolve("a.jsonl"), "--benchmark", "math500");
        assertThat(unmatched.code()).isNotZero();
        assertThat(unmatched.err()).contains("samples_x.jsonl:1: names no problem");
        Path out = dir.resolve("b.jsonl");
        CliTest.Result r = grade(gens, out, "--benchmark", "math500", "--field", "problem_id=doc.pid");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(verdicts(out)).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "correct", "correct");
    }

    @Test
    void withoutABenchmarkTheFilesOwnTargetsAreTheGold() throws Exception {
        Path out = dir.resolve("v.jsonl");
        CliTest.Result r = grade(lmEvalFile(), out);
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> v = verdicts(out);
        assertThat(v).extracting(n -> n.get("problem_id").asText()).containsExactly("0", "0", "1", "2");
        assertThat(v).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "no_answer", "wrong", "correct");
        // A rerun finds every verdict in place and grades nothing.
        CliTest.Result again = grade(lmEvalFile(), out);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("resuming: 4 of 4 verdicts already in");
        assertThat(verdicts(out)).hasSize(4);
    }

    @Test
    void aFileMixingRunsIsRefused() throws Exception {
        List<String> lines = List.of(
                Json.line(lmEvalLine(0, "strict-match", List.of("\\boxed{1}"), 0)),
                Json.line(lmEvalLine(0, "flexible-extract", List.of("\\boxed{2}"), 0)));
        Path gens = Files.write(dir.resolve("samples_mixed.jsonl"), lines);
        CliTest.Result r = grade(gens, dir.resolve("v.jsonl"), "--benchmark", "math500");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("samples_mixed.jsonl:2: doc_id 0 appears again with other responses");
    }

    /** LightEval's newer layout: doc, model_response and metric structs, the query wrapping the statement in its template. */
    @Test
    void lightEvalDetailsParquetNewLayout() throws Exception {
        Path file = dir.resolve("details_lighteval|math_500|0_2026-12-04T10-00-00.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE d (doc STRUCT(query VARCHAR, choices VARCHAR[], gold_index BIGINT, task_name VARCHAR),"
                    + " model_response STRUCT(\"text\" VARCHAR[], output_tokens BIGINT[][]), metric STRUCT(extractive_match DOUBLE))");
            String[][] texts = {{"\\boxed{" + gold(0) + "}"}, {"\\boxed{" + gold(1) + "}", "no idea"}, {"\\boxed{0}"}};
            double[] theirs = {1, 0, 0};
            for (int i = 0; i < 3; i++) {
                String list = String.join(", ", java.util.Collections.nCopies(texts[i].length, "?"));
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO d VALUES ({'query': ?, 'choices': [?], 'gold_index': 0,"
                        + " 'task_name': 'lighteval|math_500'}, {'text': [" + list + "], 'output_tokens': [[1, 2]]}, {'extractive_match': ?})")) {
                    int k = 1;
                    ins.setString(k++, "Solve the following math problem efficiently and clearly.\n\n" + ps.get(i).prompt()
                            + "\n\nRemember to put your answer in a box.");
                    ins.setString(k++, "$" + gold(i) + "$");
                    for (String t : texts[i]) {
                        ins.setString(k++, t);
                    }
                    ins.setDouble(k, theirs[i]);
                    ins.executeUpdate();
                }
            }
            st.execute("COPY d TO '" + file + "' (FORMAT parquet, COMPRESSION snappy)");
        }
        Path out = dir.resolve("v.jsonl");
        CliTest.Result r = grade(file, out, "--benchmark", "math500");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> v = verdicts(out);
        assertThat(v).extracting(n -> n.get("problem_id").asText()).containsExactly(ps.get(0).id(), ps.get(1).id(), ps.get(1).id(), ps.get(2).id());
        assertThat(v).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "correct", "no_answer", "wrong");
        assertThat(r.out()).contains("against lighteval (metric.extractive_match)'s own scores on 4 generations");
        // Without a benchmark, the gold choice is the reference.
        Path own = dir.resolve("own.jsonl");
        CliTest.Result r2 = grade(file, own);
        assertThat(r2.code()).as(r2.err()).isZero();
        assertThat(verdicts(own)).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "correct", "no_answer", "wrong");
    }

    /** LightEval's older flat layout: example, predictions, gold and metrics columns. */
    @Test
    void lightEvalDetailsParquetFlatLayout() throws Exception {
        Path file = dir.resolve("details_old.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE d (example VARCHAR, full_prompt VARCHAR, predictions VARCHAR[], gold VARCHAR[],"
                    + " metrics STRUCT(qem DOUBLE))");
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO d VALUES (?, ?, [?], [?], {'qem': ?})")) {
                for (int i = 0; i < 3; i++) {
                    ins.setString(1, ps.get(i).prompt());
                    ins.setString(2, "Question: " + ps.get(i).prompt() + "\nAnswer:");
                    ins.setString(3, i == 1 ? "\\boxed{7}" : "\\boxed{" + gold(i) + "}");
                    ins.setString(4, gold(i));
                    ins.setDouble(5, i == 1 ? 1 : 0);
                    ins.executeUpdate();
                }
            }
            st.execute("COPY d TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        Path out = dir.resolve("v.jsonl");
        CliTest.Result r = grade(file, out, "--benchmark", "math500");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(verdicts(out)).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "wrong", "correct");
        assertThat(r.out()).contains("lighteval (metrics.qem) passed 1, Arbiter 2; they disagree on 3");
    }
}
