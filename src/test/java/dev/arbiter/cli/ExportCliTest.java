package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.StoredVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter export` of a real eval run, some of whose requests the server refused: what the JSONL and the
 * Parquet file hold, read back by Jackson and by DuckDB (a reader that shares no code with the writer),
 * is exactly what the store holds.
 */
class ExportCliTest {
    @TempDir
    Path dir;

    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
    private static final List<String> KEYS = List.of("benchmark", "model", "problem_id", "sample_index", "prompt", "completion", "outcome",
            "extracted", "reason", "finish_reason", "prompt_tokens", "completion_tokens", "generation_hash");

    /** Right unless (seed + i) % 4 == 3; every request for 2 + 14 is refused, so that problem's slots stay missing. */
    private static final FakeOpenAiServer.Model ADDER = (prompt, seed) -> {
        Matcher m = SUM.matcher(prompt);
        if (!m.find()) {
            return new FakeOpenAiServer.Reply("I cannot tell.", "stop");
        }
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(2));
        if (a == 2 && b == 14) {
            throw new FakeOpenAiServer.Refusal("this prompt is refused");
        }
        long said = seed % 4 == 3 ? a + b + 1 : a + b;
        return new FakeOpenAiServer.Reply("Adding gives " + said + ".\nSo the answer is \\boxed{" + said + "}.", "stop");
    };

    private Path problems(String name, int count, int first) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int a = first + i;
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", name.charAt(0) + "" + i).put("prompt", "What is " + a + " + " + (a * 7) + "?")
                    .put("answer", Integer.toString(8 * a))));
        }
        return Files.write(dir.resolve(name + ".jsonl"), lines);
    }

    /** One record per stored sample, as the store holds it: benchmark|problem|index|outcome|extracted, and the counts of the rest. */
    private record Stored(List<String> keys, Map<String, Completion> completions, Map<String, Long> perBenchmark, long missing, long notGraded) {}

    private Stored stored(JsonNode summary) {
        List<String> keys = new ArrayList<>();
        Map<String, Completion> completions = new HashMap<>();
        Map<String, Long> perBenchmark = new TreeMap<>();
        long missing = 0;
        long notGraded = 0;
        int n = summary.at("/config/n").asInt();
        try (CompletionStore st = CompletionStore.open(dir.resolve("store.db"))) {
            for (JsonNode b : summary.at("/config/benchmarks")) {
                String name = b.path("name").asText();
                String hash = b.path("generation_hash").asText();
                for (JsonNode id : b.path("problem_ids")) {
                    List<Completion> cs = st.completions(hash, id.asText());
                    Map<Integer, StoredVerdict> vs = st.verdictsWithAnswers(hash, id.asText(), b.path("verifier").asText());
                    missing += n - cs.size();
                    for (Completion c : cs) {
                        StoredVerdict v = vs.get(c.sampleIndex());
                        notGraded += v == null ? 1 : 0;
                        String key = name + "|" + c.problemId() + "|" + c.sampleIndex() + "|" + (v == null ? "not_graded" : v.outcome().label())
                                + "|" + (v == null ? null : v.extracted());
                        keys.add(key);
                        completions.put(name + "|" + c.problemId() + "|" + c.sampleIndex(), c);
                        perBenchmark.merge(name, 1L, Long::sum);
                    }
                }
            }
        }
        return new Stored(keys, completions, perBenchmark, missing, notGraded);
    }

    private static String key(Map<String, Object> r) {
        return r.get("benchmark") + "|" + r.get("problem_id") + "|" + r.get("sample_index") + "|" + r.get("outcome") + "|" + r.get("extracted");
    }

    @Test
    void everyStoredSampleRoundTripsThroughJsonlAndParquet() throws Exception {
        Path sums = problems("sums", 6, 0);
        Path more = problems("more", 4, 20);
        Path report = dir.resolve("report");
        try (FakeOpenAiServer s = new FakeOpenAiServer(ADDER)) {
            CliTest.Result eval = CliTest.run("eval", "--jsonl", sums.toString(), "--jsonl", more.toString(), "--endpoint", s.uri().toString(),
                    "--model", "adder", "--n", "4", "--max-tokens", "256", "--concurrency", "8", "--store", dir.resolve("store.db").toString(),
                    "--out", report.toString());
            // the refused samples are missing, which eval reports as a failure; the run is written all the same
            assertThat(eval.code()).as(eval.err()).isEqualTo(1);
            assertThat(eval.err()).contains("4 samples are missing");
        }
        JsonNode summary = Json.mapper().readTree(report.resolve("summary.json").toFile());
        // a completion whose grading never happened (as when the verifier or the sandbox failed): stored, with no verdict
        JsonNode sumsBench = summary.at("/config/benchmarks/0");
        assertThat(sumsBench.path("name").asText()).isEqualTo("jsonl:sums.jsonl");
        try (CompletionStore st = CompletionStore.open(dir.resolve("store.db"))) {
            assertThat(st.put(sumsBench.path("generation_hash").asText(), new Completion("s2", 1, "It is \\boxed{16}.", "stop", 12, 5))).isTrue();
        }
        Stored truth = stored(summary);
        assertThat(truth.missing()).isEqualTo(3);
        assertThat(truth.notGraded()).isEqualTo(1);

        Path jsonl = dir.resolve("out/samples.jsonl");
        CliTest.Result r = CliTest.run("export", "--from-run", report.toString(), "--out", jsonl.toString(), "--jsonl", sums.toString(),
                "--jsonl", more.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String line = String.format(Locale.ROOT, "exported %,d samples of 2 benchmarks to %s (%d missing, %d not graded)", truth.keys().size(), jsonl,
                truth.missing(), truth.notGraded());
        assertThat(r.out().strip()).isEqualTo(line);
        List<Map<String, Object>> fromJsonl = new ArrayList<>();
        for (String l : Files.readAllLines(jsonl)) {
            JsonNode o = Json.mapper().readTree(l);
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            assertThat(names).isEqualTo(KEYS);
            Map<String, Object> rec = new LinkedHashMap<>();
            for (String k : KEYS) {
                JsonNode v = o.get(k);
                rec.put(k, v.isNull() ? null : v.isInt() ? (Object) v.asInt() : v.asText());
            }
            fromJsonl.add(rec);
        }
        assertThat(fromJsonl.stream().map(ExportCliTest::key).toList()).containsExactlyInAnyOrderElementsOf(truth.keys());
        Map<String, String> hashes = new HashMap<>();
        summary.at("/config/benchmarks").forEach(b -> hashes.put(b.path("name").asText(), b.path("generation_hash").asText()));
        for (Map<String, Object> rec : fromJsonl) {
            Completion c = truth.completions().get(rec.get("benchmark") + "|" + rec.get("problem_id") + "|" + rec.get("sample_index"));
            assertThat(rec.get("completion")).isEqualTo(c.text());
            assertThat(rec.get("finish_reason")).isEqualTo(c.finishReason());
            assertThat(rec.get("prompt_tokens")).isEqualTo(c.promptTokens());
            assertThat(rec.get("completion_tokens")).isEqualTo(c.completionTokens());
            assertThat(rec.get("model")).isEqualTo("adder");
            assertThat((String) rec.get("prompt")).containsPattern(SUM);
            assertThat(rec.get("generation_hash")).isEqualTo(hashes.get(rec.get("benchmark")));
            if (rec.get("outcome").equals("not_graded")) {
                assertThat(rec.get("reason")).isNull();
            } else {
                assertThat(rec.get("reason")).isNotNull();
            }
        }

        Path parquet = dir.resolve("out/samples.parquet");
        CliTest.Result p = CliTest.run("export", "--from-run", report.toString(), "--format", "parquet", "--out", parquet.toString(),
                "--jsonl", sums.toString(), "--jsonl", more.toString());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out().strip()).isEqualTo(line.replace(jsonl.toString(), parquet.toString()));
        List<Map<String, Object>> fromParquet = new ArrayList<>();
        Map<String, Long> perBenchmark = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + parquet + "')")) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    names.add(md.getColumnName(i));
                }
                assertThat(names).isEqualTo(KEYS);
                while (rs.next()) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    for (String k : KEYS) {
                        rec.put(k, rs.getObject(k));
                    }
                    fromParquet.add(rec);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT benchmark, count(*) FROM read_parquet('" + parquet + "') GROUP BY benchmark")) {
                while (rs.next()) {
                    perBenchmark.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        assertThat(perBenchmark).isEqualTo(truth.perBenchmark());
        assertThat(fromParquet.stream().map(ExportCliTest::key).toList()).containsExactlyInAnyOrderElementsOf(truth.keys());
        // both files hold the same records, field for field
        assertThat(fromParquet).containsExactlyElementsOf(fromJsonl);
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path out = dir.resolve("out.jsonl");
        CliTest.Result notRun = CliTest.run("export", "--from-run", dir.toString(), "--out", out.toString());
        assertThat(notRun.code()).isEqualTo(1);
        assertThat(notRun.err().lines().toList()).containsExactly("arbiter: " + dir + " is not a run folder: it has no summary.json"
                + " (give the folder `arbiter eval` reported)");
        assertThat(out).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temporary file left behind").isEmpty();
        }

        CliTest.Result csv = CliTest.run("export", "--from-run", dir.toString(), "--format", "csv", "--out", out.toString());
        assertThat(csv.code()).isEqualTo(2);
        assertThat(csv.err().lines().toList()).singleElement().asString().startsWith("arbiter: Invalid value for option '--format'")
                .contains("csv").contains("(see 'arbiter export --help')");

        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a folder");
        Path under = blocker.resolve("x.jsonl");
        CliTest.Result unwritable = CliTest.run("export", "--from-run", dir.toString(), "--out", under.toString());
        assertThat(unwritable.code()).isEqualTo(1);
        assertThat(unwritable.err().lines().toList()).containsExactly("arbiter: cannot write " + under + ": " + blocker + " is a file, not a folder");

        CliTest.Result folder = CliTest.run("export", "--from-run", dir.toString(), "--out", dir.toString());
        assertThat(folder.code()).isEqualTo(1);
        assertThat(folder.err().lines().toList()).containsExactly("arbiter: " + dir + " is a folder; --out names the file to write");
    }
}
