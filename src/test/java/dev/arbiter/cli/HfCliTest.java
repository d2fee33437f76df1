package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.FakeHub;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arbiter benchmarks show hf:...} as a user runs it: a child JVM whose environment points
 * HF_ENDPOINT at a local hub and ARBITER_CACHE at a temporary folder, online and then offline.
 */
class HfCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    private Result arbiter(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("ARBITER_") || k.startsWith("HF_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void showReadsAParquetDatasetFromTheHubThenFromTheCacheOffline() throws Exception {
        Path parquet = dir.resolve("test.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 'q' || i AS qid, 'What is ' || i || '+' || i || '?' AS question, 2 * i AS answer FROM range(4) r(i))"
                    + " TO '" + parquet + "' (FORMAT parquet, COMPRESSION snappy)");
        }
        try (FakeHub hub = new FakeHub("tok")) {
            String sha = hub.commit("org/sums", "main", Map.of("data/test-00000-of-00001.parquet", Files.readAllBytes(parquet),
                    "README.md", "# sums\n".getBytes(StandardCharsets.UTF_8)));
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_TOKEN", "tok",
                    "ARBITER_CACHE", dir.resolve("cache").toString());

            Result online = arbiter(env, "benchmarks", "show", "hf:org/sums", "--field", "id=qid", "--field", "prompt=question", "--limit", "2");

            assertThat(online.code()).as(online.err()).isZero();
            List<String> lines = online.out().lines().toList();
            assertThat(lines).hasSize(2);
            JsonNode p = Json.mapper().readTree(lines.get(1));
            assertThat(p.get("id").asText()).isEqualTo("q1");
            assertThat(p.get("prompt").asText()).isEqualTo("What is 1+1?");
            assertThat(p.at("/gold/answer").asText()).isEqualTo("2");
            assertThat(p.get("benchmark").asText()).isEqualTo("hf:org/sums@" + sha + "/test?id=qid&prompt=question");
            assertThat(online.err()).contains("hf:org/sums@" + sha + "/test?id=qid&prompt=question: 2 of 4 problems from hub ")
                    .contains("commit " + sha.substring(0, 12));
            int requests = hub.requests();

            Result offline = arbiter(env, "benchmarks", "show", "hf:org/sums", "--field", "id=qid", "--field", "prompt=question", "--limit", "2",
                    "--offline");

            assertThat(offline.code()).as(offline.err()).isZero();
            assertThat(offline.out()).isEqualTo(online.out());
            assertThat(offline.err()).contains("from cache ");
            assertThat(hub.requests()).isEqualTo(requests);

            // grade by the recorded name, offline: the same problems, graded by the math verifier
            Path gens = Files.write(dir.resolve("gens.jsonl"), List.of(
                    "{\"problem_id\": \"q1\", \"completion\": \"1+1 is \\\\boxed{2}.\"}",
                    "{\"problem_id\": \"q3\", \"completion\": \"3+3 is \\\\boxed{7}.\"}"));
            Path verdicts = dir.resolve("verdicts.jsonl");
            Result grade = arbiter(env, "grade", "--benchmark", p.get("benchmark").asText(), "--generations", gens.toString(),
                    "--out", verdicts.toString(), "--offline");
            assertThat(grade.code()).as(grade.err()).isZero();
            List<String> v = Files.readAllLines(verdicts);
            assertThat(v).hasSize(2);
            assertThat(Json.mapper().readTree(v.get(0)).get("outcome").asText()).isEqualTo("correct");
            assertThat(Json.mapper().readTree(v.get(1)).get("outcome").asText()).isEqualTo("wrong");
            assertThat(hub.requests()).isEqualTo(requests);

            Result bad = arbiter(env, "benchmarks", "show", "hf:sums");
            assertThat(bad.code()).isNotZero();
            assertThat(bad.err()).contains("bad dataset name 'hf:sums': expected hf:ORG/NAME[@REVISION][:CONFIG][/SPLIT], got no ORG/")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");

    @Test
    void evalRecordsTheResolvedCommitAndAFinishedRunReloadsItOfflineAfterTheHubMoves() throws Exception {
        Path parquet = dir.resolve("test.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT 'q' || i AS qid, 'What is ' || i || ' + ' || (i * 7) || '?' AS question, (8 * i)::VARCHAR AS answer"
                    + " FROM range(3) r(i)) TO '" + parquet + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        FakeOpenAiServer.Model adder = (prompt, seed) -> {
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            return new FakeOpenAiServer.Reply("So the answer is \\boxed{" + sum + "}.", "stop");
        };
        Path report = dir.resolve("report");
        String name = "hf:org/adds?id=qid&prompt=question";
        String sha;
        try (FakeHub hub = new FakeHub("tok"); FakeOpenAiServer s = new FakeOpenAiServer(adder)) {
            sha = hub.commit("org/adds", "main", Map.of("data/test-00000-of-00001.parquet", Files.readAllBytes(parquet)));
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint().toString(), "ARBITER_CACHE", dir.resolve("cache").toString());
            Result eval = arbiter(env, "eval", "--benchmark", name, "--endpoint", s.uri().toString(), "--model", "adder", "--n", "2",
                    "--max-tokens", "64", "--store", dir.resolve("store.db").toString(), "--out", report.toString());
            assertThat(eval.code()).as(eval.err()).isZero();
            // main moves on: a finished run must still read the commit it ran on
            hub.commit("org/adds", "main", Map.of("data/test-00000-of-00001.parquet", "not even parquet".getBytes(StandardCharsets.UTF_8)));
        }
        JsonNode summary = Json.mapper().readTree(report.resolve("summary.json").toFile());
        String recorded = summary.at("/config/benchmarks/0/name").asText();
        assertThat(recorded).isEqualTo("hf:org/adds@" + sha + "/test?id=qid&prompt=question");

        // the hub is gone; the run's problems come back from the cache at the recorded commit
        Path samples = dir.resolve("samples.jsonl");
        Result export = arbiter(Map.of("ARBITER_CACHE", dir.resolve("cache").toString(), "ARBITER_OFFLINE", "1"),
                "export", "--from-run", report.toString(), "--out", samples.toString());
        assertThat(export.code()).as(export.err()).isZero();
        List<String> lines = Files.readAllLines(samples);
        assertThat(lines).hasSize(6);
        for (String l : lines) {
            JsonNode o = Json.mapper().readTree(l);
            assertThat(o.get("benchmark").asText()).isEqualTo(recorded);
            assertThat(o.get("prompt").asText()).containsPattern(SUM);
            assertThat(o.get("outcome").asText()).isEqualTo("correct");
        }
    }
}
