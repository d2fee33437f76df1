package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.run.RunPart;
import dev.arbiter.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three `arbiter eval --shard I/3` processes on one PostgreSQL store, one killed with SIGKILL and
 * restarted, against the single-process run of the same problems in a store of its own: the stores'
 * rows and the whole run's figures are the same. Needs ARBITER_TEST_POSTGRES (skipped without, except in CI).
 */
class ShardedEvalCliTest {
    @TempDir
    Path dir;

    private static final int PROBLEMS = 60;
    private static final int N = 4;
    private static final int SHARDS = 3;
    private static final int PROBES = dev.arbiter.inference.Fingerprint.PROMPTS.size();
    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");

    /** Right, one off, or no answer at all, by (problem, seed): the same reply to the same request, whichever process asks. */
    private static FakeOpenAiServer.Model adder(long delayMs) {
        return FakeOpenAiServer.slowed((prompt, seed) -> {
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            if ((sum + seed) % 7 == 0) {
                return new FakeOpenAiServer.Reply("I cannot tell.", "stop");
            }
            long said = (sum + seed) % 3 == 0 ? sum + 1 : sum;
            return new FakeOpenAiServer.Reply("Adding gives " + said + ".\nSo the answer is \\boxed{" + said + "}.", "stop");
        }, delayMs);
    }

    private Path problems() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PROBLEMS; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + (i * 7) + "?")
                    .put("answer", Integer.toString(8 * i)).put("level", 1 + i % 3)));
        }
        return Files.write(dir.resolve("sums.jsonl"), lines);
    }

    private static List<String> evalArgs(Path jsonl, FakeOpenAiServer s, String store, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "adder",
                "--n", Integer.toString(N), "--max-tokens", "256", "--concurrency", "2", "--store", store, "--out", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private Process child(List<String> args, Map<String, String> env, String log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
        pb.environment().remove(RunPart.INDEX_ENV);
        pb.environment().remove(RunPart.COUNT_ENV);
        pb.environment().putAll(env);
        return pb.start();
    }

    private String log(String name) throws Exception {
        return Files.readString(dir.resolve(name));
    }

    private static void finished(Process p, String log) throws Exception {
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(log).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
    }

    /** Every row of a query, its columns joined, in the query's order. */
    private static List<String> rows(String url, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= cols; i++) {
                    row.append(i > 1 ? " | " : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private static final String COMPLETIONS = "SELECT spec_hash, problem_id, sample_index, text, finish_reason, prompt_tokens, completion_tokens"
            + " FROM completions ORDER BY spec_hash, problem_id, sample_index";
    private static final String VERDICTS = "SELECT spec_hash, problem_id, sample_index, verifier, outcome, extracted, reason"
            + " FROM verdicts ORDER BY spec_hash, problem_id, sample_index, verifier";

    /** How many of shard {@code shard}'s slots the store holds. */
    private static long storedOf(String url, int shard) throws SQLException {
        return rows(url, "SELECT problem_id, sample_index FROM completions").stream().filter(r -> {
            String[] f = r.split(" \\| ");
            return RunPart.Shard.owner(Integer.parseInt(f[0].substring(1)), Integer.parseInt(f[1]), SHARDS) == shard;
        }).count();
    }

    private JsonNode summary(Path run) throws Exception {
        return Json.mapper().readTree(run.resolve("summary.json").toFile());
    }

    @Test
    void aShardIsNamedIOverNFromZeroAndAContradictionIsOneLine() throws Exception {
        Path jsonl = problems();
        List<String> base = List.of("eval", "--jsonl", jsonl.toString(), "--endpoint", "http://127.0.0.1:9", "--model", "m", "--dry-run");
        Map<List<String>, String> said = Map.of(
                List.of("--shard", "3/3"), "arbiter: --shard 3/3: I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX does, so it must be below N: 0/3 to 2/3",
                List.of("--shard", "1/3", "--gather"), "arbiter: --shard, --shard-from-env and --gather exclude each other: give one",
                List.of("--shard", "1/3", "--shard-count", "3"), "arbiter: --shard-count goes with --shard-from-env or --gather",
                List.of("--gather", "--shard-count", "0"), "arbiter: --shard-count must be at least 1, got 0");
        for (var e : said.entrySet()) {
            List<String> args = new ArrayList<>(base);
            args.addAll(e.getKey());
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().lines().toList()).as(r.err()).hasSize(1).first(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith(e.getValue());
        }
    }

    @Test
    @Tag("slow")
    void threeShardsOneKilledAndRestartedMakeTheSingleProcessRunsStoreAndFigures() throws Exception {
        String url = Postgres.url();
        String shardSchema = Postgres.newSchema("shards");
        String singleSchema = Postgres.newSchema("single");
        String shared = Postgres.inSchema(url, shardSchema);
        String alone = Postgres.inSchema(url, singleSchema);
        long started = System.nanoTime();
        Path jsonl = problems();
        int[] owned = new int[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            owned[i] = new RunPart.Shard(i, SHARDS).size(PROBLEMS, N);
        }
        // one server per shard, so each shard's calls are counted apart; they answer alike
        try (FakeOpenAiServer s0 = new FakeOpenAiServer(adder(50)); FakeOpenAiServer s1 = new FakeOpenAiServer(adder(50));
                FakeOpenAiServer s2 = new FakeOpenAiServer(adder(50)); FakeOpenAiServer single = new FakeOpenAiServer(adder(50))) {
            Process p0 = child(evalArgs(jsonl, s0, shared, dir.resolve("shard-0"), "--shard", "0/3"), Map.of(), "shard-0.log");
            Process p1 = child(evalArgs(jsonl, s1, shared, dir.resolve("shard-1"), "--shard", "1/3"), Map.of(), "shard-1.log");
            // the third as a pod of a Kubernetes Indexed Job sees it
            Process p2 = child(evalArgs(jsonl, s2, shared, dir.resolve("shard-2"), "--shard-from-env"),
                    Map.of(RunPart.INDEX_ENV, "2", RunPart.COUNT_ENV, "3"), "shard-2.log");

            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (s1.served.get() < 25 && p1.isAlive() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(p1.isAlive()).as(log("shard-1.log")).isTrue();
            new ProcessBuilder("kill", "-9", Long.toString(p1.pid())).start().waitFor();
            assertThat(p1.waitFor(30, TimeUnit.SECONDS)).isTrue();
            finished(p0, log("shard-0.log"));
            finished(p2, log("shard-2.log"));
            Thread.sleep(500); // a request of the killed shard's that is still being answered
            int callsBefore = s1.received.get();
            long storedAtKill = storedOf(shared, 1);
            assertThat(storedAtKill).isBetween(1L, owned[1] - 1L);
            assertThat(storedOf(shared, 0)).isEqualTo(owned[0]);
            assertThat(storedOf(shared, 2)).isEqualTo(owned[2]);
            // each shard asked for its own slots only
            assertThat(s0.received.get()).isEqualTo(owned[0] + PROBES);
            assertThat(s2.received.get()).isEqualTo(owned[2] + PROBES);

            // a shard's folder holds its summary, marked as the shard's, and no score
            JsonNode part = summary(dir.resolve("shard-2"));
            assertThat(part.path("config").path("shard").path("index").asInt()).isEqualTo(2);
            assertThat(part.path("config").path("shard").path("count").asInt()).isEqualTo(3);
            assertThat(part.path("benchmarks")).isEmpty();
            assertThat(dir.resolve("shard-2/leaderboard.md")).doesNotExist();
            assertThat(log("shard-2.log")).contains("jsonl:sums.jsonl: shard 2 of 3 holds " + owned[2] + " of the 240 slots: " + owned[2] + " graded")
                    .contains("this is shard 2 of 3, no whole-run score");

            // while shard 1 is missing, the whole run is read by nobody; each says which shard and how many slots
            String missing = "shard 1 of 3 has not finished: " + (owned[1] - storedAtKill) + " of 240 slots are missing";
            int calls0 = s0.received.get();
            CliTest.Result early = CliTest.run(evalArgs(jsonl, s0, shared, dir.resolve("whole"), "--gather", "--shard-count", "3").toArray(String[]::new));
            assertThat(early.code()).as(early.err()).isEqualTo(1);
            assertThat(early.err()).contains("arbiter: cannot gather the run yet: " + missing).contains("a missing slot is never scored as wrong");
            assertThat(dir.resolve("whole")).doesNotExist();
            CliTest.Result report = CliTest.run("report", "--from-run", dir.resolve("shard-0").toString(), "--store", shared, "--jsonl",
                    jsonl.toString(), "--out", dir.resolve("site").toString());
            assertThat(report.code()).isEqualTo(1);
            assertThat(report.err()).contains("shard-0 is shard 0 of 3's folder, and the whole run cannot be read yet: " + missing);
            CliTest.Result scale = CliTest.run("scale", "--from-run", dir.resolve("shard-0").toString(), "--store", shared, "--out",
                    dir.resolve("curves-early").toString());
            assertThat(scale.code()).isEqualTo(1);
            assertThat(scale.err()).contains(missing);

            Process again = child(evalArgs(jsonl, s1, shared, dir.resolve("shard-1"), "--shard", "1/3"), Map.of(), "shard-1-again.log");
            finished(again, log("shard-1-again.log"));
            assertThat(log("shard-1-again.log")).contains("jsonl:sums.jsonl: shard 1 of 3: resuming: " + storedAtKill + " of " + owned[1]
                    + " samples stored");
            // the restart asked for exactly what its shard lacked
            System.out.printf("sharded eval: shard 1 killed after %d calls with %d of its %d slots stored; the restart made %d calls%n",
                    callsBefore, storedAtKill, owned[1], s1.received.get() - callsBefore);
            assertThat(s1.received.get() - callsBefore).isEqualTo(owned[1] - storedAtKill + PROBES);

            CliTest.Result gather = CliTest.run(evalArgs(jsonl, s0, shared, dir.resolve("whole"), "--gather", "--shard-count", "3").toArray(String[]::new));
            assertThat(gather.code()).as(gather.err()).isZero();
            assertThat(s0.received.get()).as("a gather asks the model nothing").isEqualTo(calls0);
            long sharded = System.nanoTime() - started;

            long t = System.nanoTime();
            CliTest.Result one = CliTest.run(evalArgs(jsonl, single, alone, dir.resolve("single")).toArray(String[]::new));
            assertThat(one.code()).as(one.err()).isZero();
            assertThat(single.received.get()).isEqualTo(PROBLEMS * N + PROBES);
            long singleNanos = System.nanoTime() - t;

            // the same rows, slot by slot: completions (each slot once) and both extraction readings' verdicts
            assertThat(rows(shared, COMPLETIONS)).hasSize(PROBLEMS * N).isEqualTo(rows(alone, COMPLETIONS));
            assertThat(rows(shared, VERDICTS)).hasSize(2 * PROBLEMS * N).isEqualTo(rows(alone, VERDICTS));
            assertThat(rows(shared, "SELECT spec_hash, spec_json FROM specs")).isEqualTo(rows(alone, "SELECT spec_hash, spec_json FROM specs"));

            // the same figures: the whole row, breakdown by level included
            JsonNode whole = summary(dir.resolve("whole"));
            JsonNode ref = summary(dir.resolve("single"));
            assertThat(whole.path("config").path("shard").isNull()).isTrue();
            assertThat(whole.path("benchmarks")).hasSize(1).isEqualTo(ref.path("benchmarks"));
            JsonNode m = whole.path("benchmarks").path(0).path("metrics");
            assertThat(m.path("missing")).isEmpty();
            assertThat(m.path("outcomes").path("no_answer").asInt()).isPositive();
            System.out.printf("sharded eval: pass@1 %.4f, pass@k %s, maj@k %s, equal to one process's; 3 shards with the kill, restart and gather"
                    + " in %.1f s, the single-process run in %.1f s%n", m.path("pass_at1").path("mean").asDouble(), m.path("pass_at_k"),
                    m.path("maj_at_k"), sharded / 1e9, singleNanos / 1e9);
            assertThat(Files.readString(dir.resolve("whole/leaderboard.md"))).isEqualTo(Files.readString(dir.resolve("single/leaderboard.md")));

            // report and scale read the gathered run as they read one process's; scale reads a shard's folder as the whole run, once done
            assertThat(CliTest.run("report", "--from-run", dir.resolve("whole").toString(), "--jsonl", jsonl.toString(), "--out",
                    dir.resolve("site").toString()).code()).isZero();
            assertThat(CliTest.run("scale", "--from-run", dir.resolve("whole").toString(), "--out", dir.resolve("curves-whole").toString()).code())
                    .isZero();
            assertThat(CliTest.run("scale", "--from-run", dir.resolve("shard-0").toString(), "--out", dir.resolve("curves-shard").toString()).code())
                    .isZero();
            assertThat(CliTest.run("scale", "--from-run", dir.resolve("single").toString(), "--out", dir.resolve("curves-single").toString()).code())
                    .isZero();
            String curves = Files.readString(dir.resolve("curves-single/scale.csv"));
            assertThat(Files.readString(dir.resolve("curves-whole/scale.csv"))).isEqualTo(curves);
            assertThat(Files.readString(dir.resolve("curves-shard/scale.csv"))).isEqualTo(curves);
            CliTest.Result shardReport = CliTest.run("report", "--from-run", dir.resolve("shard-1").toString(), "--jsonl", jsonl.toString(), "--out",
                    dir.resolve("site2").toString());
            assertThat(shardReport.code()).isEqualTo(1);
            assertThat(shardReport.err()).contains("shard-1 is shard 1 of 3's folder, which scores no run; every shard is done")
                    .contains("--gather --shard-count 3");
            // one shard's folder is never written over by another shard, nor by the whole run
            CliTest.Result over = CliTest.run(evalArgs(jsonl, s0, shared, dir.resolve("shard-1"), "--shard", "0/3", "--dry-run").toArray(String[]::new));
            assertThat(over.code()).isEqualTo(1);
            assertThat(over.err()).contains("shard-1 holds shard 1 of 3's summary; shard 0 of 3 would replace it: give each shard its own --out");
        } finally {
            Postgres.drop(url, shardSchema);
            Postgres.drop(url, singleSchema);
        }
    }
}
