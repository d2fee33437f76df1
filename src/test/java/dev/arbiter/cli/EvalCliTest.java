package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.GenerationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter eval` end to end against a real HTTP server: killed with SIGKILL and resumed, through
 * injected faults, and with n raised on a finished run.
 */
@Tag("slow")
class EvalCliTest {
    @TempDir
    Path dir;

    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");

    /** Sample i of every problem answers right unless (seed + i) % 4 == 3; so pass@1 is exactly 3/4 at n = 4. */
    private static FakeOpenAiServer.Model adder(long delayMs) {
        return (prompt, seed) -> {
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            long said = seed % 4 == 3 ? sum + 1 : sum;
            return new FakeOpenAiServer.Reply("Adding the two numbers gives " + said + ".\nSo the answer is \\boxed{" + said + "}.", "stop");
        };
    }

    private Path problems(int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + (i * 7) + "?")
                    .put("answer", Integer.toString(8 * i)).put("level", 1 + i % 3)));
        }
        Path f = dir.resolve("sums.jsonl");
        Files.write(f, lines);
        return f;
    }

    private List<String> evalArgs(Path jsonl, FakeOpenAiServer s, int n, String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "adder",
                "--n", Integer.toString(n), "--max-tokens", "256", "--concurrency", "8", "--store", dir.resolve("store.db").toString(),
                "--out", dir.resolve("report").toString()));
        a.addAll(List.of(more));
        return a;
    }

    /** Requests made before sampling: the fingerprint's probes (the test server has no /v1/models, so no context check). */
    private static final int PROBES = dev.arbiter.inference.Fingerprint.PROMPTS.size();

    /** The store key of the adder's samples: the spec, with the identity its fingerprint settled on (read from a dry run). */
    private String hash(FakeOpenAiServer s) throws Exception {
        Path one = Files.write(dir.resolve("one.jsonl"), List.of(Files.readAllLines(dir.resolve("sums.jsonl")).getFirst()));
        List<String> args = evalArgs(one, s, 4, "--dry-run");
        args.set(args.indexOf(dir.resolve("report").toString()), dir.resolve("dry").toString());
        CliTest.Result dry = CliTest.run(args.toArray(String[]::new));
        Matcher m = Pattern.compile("\"model_identity\" : \"(fingerprint fp-[0-9a-f]{10})\"").matcher(dry.err());
        assertThat(m.find()).as(dry.err()).isTrue();
        return new GenerationSpec("adder", PromptTemplates.MATH, true, 0.6, 0.95, 256, 0, List.of(), m.group(1)).hash();
    }

    private Process child(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    }

    private static void waitIdle(FakeOpenAiServer s) throws InterruptedException {
        int last = -1;
        while (s.received.get() != last) {
            last = s.received.get();
            Thread.sleep(500);
        }
    }

    @Test
    void killedWithSigkillAndResumedEverySampleExactlyOnce() throws Exception {
        Path jsonl = problems(200);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder(15))) {
            Process first = child(evalArgs(jsonl, s, 4));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (s.served.get() < 300 && first.isAlive() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(first.isAlive()).as(Files.readString(dir.resolve("child.log"))).isTrue();
            new ProcessBuilder("kill", "-9", Long.toString(first.pid())).start().waitFor();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            waitIdle(s);
            String hash = hash(s);
            int callsBefore = s.received.get();
            long storedAtKill;
            try (CompletionStore st = CompletionStore.open(dir.resolve("store.db"))) {
                storedAtKill = st.count(hash);
            }
            assertThat(storedAtKill).isBetween(250L, 799L);

            Process second = child(evalArgs(jsonl, s, 4));
            assertThat(second.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();
            // The resume asked for exactly what was missing, and now every slot holds one completion.
            System.out.printf("eval resume: killed after %d model calls with %d of 800 samples stored; the resume made %d calls%n",
                    callsBefore, storedAtKill, s.received.get() - callsBefore);
            assertThat(s.received.get() - callsBefore).isEqualTo(800 - storedAtKill + PROBES);
            try (CompletionStore st = CompletionStore.open(dir.resolve("store.db"))) {
                assertThat(st.count(hash)).isEqualTo(800);
                assertThat(st.missing(hash, ids(200), 4)).isEmpty();
            }
            JsonNode m = metrics();
            assertThat(m.path("pass_at1").path("mean").asDouble()).isEqualTo(0.75);
            assertThat(m.path("pass_at_k").path("4").asDouble()).isEqualTo(1.0);
            assertThat(m.path("maj_at_k").path("4").asDouble()).isEqualTo(1.0);
            assertThat(m.path("missing")).isEmpty();
            assertThat(Files.readString(dir.resolve("report/leaderboard.md"))).contains("| jsonl:sums.jsonl | adder | 200 | 4 | 75.0 ± 0.0 | 75.0–75.0 | 1: 75.0, 2: 100.0, 4: 100.0 | 1: 75.0, 2: 75.0, 4: 100.0 |");

            // Raising n to 8 on the finished run: exactly 4 new calls per problem.
            int before = s.received.get();
            CliTest.Result r = CliTest.run(evalArgs(jsonl, s, 8).toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            System.out.printf("eval n 4 -> 8: %d new calls for 200 problems%n", s.received.get() - before);
            assertThat(s.received.get() - before).isEqualTo(200 * 4 + PROBES);
            assertThat(metrics().path("samples_per_problem").asInt()).isEqualTo(8);
        }
    }

    @Test
    void withOneRequestInFiveFailingTheRunCompletesAndCountsRetries() throws Exception {
        Path jsonl = problems(50);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder(0))) {
            s.faultRate(0.2, 1_500); // slow replies outlast the 1 s timeout
            CliTest.Result r = CliTest.run(evalArgs(jsonl, s, 4, "--timeout-s", "1").toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            System.out.printf("eval faults: %d of %d requests faulted (500, 429, reset, slow); %d retries reported%n", s.faults.get(), s.received.get(),
                    Json.mapper().readTree(dir.resolve("report/summary.json").toFile()).path("run").path("retries").asInt());
            assertThat(s.faults.get()).isGreaterThan(10);
            JsonNode summary = Json.mapper().readTree(dir.resolve("report/summary.json").toFile());
            // every fault cost one retry, while sampling or while probing the model before it
            int retries = summary.path("run").path("retries").asInt();
            assertThat(retries + summary.path("run").path("preflight_retries").asInt()).isEqualTo(s.faults.get());
            assertThat(summary.path("run").path("http_requests").asInt()).isEqualTo(200 + retries);
            assertThat(metrics().path("missing")).isEmpty();
            assertThat(metrics().path("pass_at1").path("mean").asDouble()).isEqualTo(0.75);
            assertThat(r.out()).contains("retries " + retries);
        }
    }

    @Test
    void dryRunCountsWhatWouldBeRequested() throws Exception {
        Path jsonl = problems(10);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder(0))) {
            CliTest.Result r = CliTest.run(evalArgs(jsonl, s, 3, "--dry-run").toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("sums.jsonl: 10 problems x 3 samples = 30; stored 0; would request 30");
            // the key holds the identity the fingerprint settled on; probing is all a dry run asks of the server
            Matcher identity = Pattern.compile("\"model_identity\" : \"(fingerprint fp-[0-9a-f]{10})\"").matcher(r.err());
            assertThat(identity.find()).as(r.err()).isTrue();
            assertThat(r.err()).contains("\"generation_hash\" : \"" + new GenerationSpec("adder", PromptTemplates.MATH, true, 0.6, 0.95, 256, 0,
                    List.of(), identity.group(1)).hash() + "\"");
            assertThat(s.received.get()).isEqualTo(PROBES);
        }
    }

    @Test
    void badInputIsOneLineNotAStackTrace() throws Exception {
        Path jsonl = problems(2);
        CliTest.Result noEndpoint = CliTest.run("eval", "--jsonl", jsonl.toString(), "--model", "m");
        assertThat(noEndpoint.code()).isEqualTo(2);
        assertThat(noEndpoint.err()).contains("name at least one --endpoint").doesNotContain("Exception");
        CliTest.Result badK = CliTest.run("eval", "--jsonl", jsonl.toString(), "--model", "m", "--n", "2", "--k", "4", "--dry-run");
        assertThat(badK.code()).isEqualTo(2);
        assertThat(badK.err()).contains("--k values must be between 1 and --n (2), got 4");
    }

    @Test
    void bothReadingsOfAnAnswerAreReportedAndBoxedCountsOnlyTheBox() throws Exception {
        Path jsonl = problems(6);
        // Every sample is right, but only odd seeds put the answer in a box; the others say it in prose.
        FakeOpenAiServer.Model prose = (prompt, seed) -> {
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            return new FakeOpenAiServer.Reply(seed % 2 == 1 ? "So \\boxed{" + sum + "}." : "Adding them, the answer is " + sum + ".", "stop");
        };
        try (FakeOpenAiServer s = new FakeOpenAiServer(prose)) {
            CliTest.Result flexible = CliTest.run(evalArgs(jsonl, s, 4).toArray(String[]::new));
            assertThat(flexible.code()).as(flexible.err()).isZero();
            JsonNode m = metrics();
            assertThat(m.at("/pass_at1/mean").asDouble()).isEqualTo(1.0);
            assertThat(m.at("/extraction/primary").asText()).isEqualTo("flexible");
            assertThat(m.at("/extraction/flexible_pass_at1/mean").asDouble()).isEqualTo(1.0);
            assertThat(m.at("/extraction/boxed_pass_at1/mean").asDouble()).isEqualTo(0.5);
            assertThat(m.at("/extraction/boxed_rate").asDouble()).isEqualTo(0.5);
            assertThat(Files.readString(dir.resolve("report/leaderboard.md")))
                    .contains("pass@1 100.0 ± 0.0 flexible, 50.0 ± 0.0 boxed (only a final \\boxed{} answer counts); boxed rate 50.0%");

            // The same samples, no new request: the table now uses the strict reading.
            int before = s.received.get();
            List<String> strict = evalArgs(jsonl, s, 4, "--extraction", "boxed");
            strict.set(strict.indexOf(dir.resolve("report").toString()), dir.resolve("strict").toString());
            CliTest.Result boxed = CliTest.run(strict.toArray(String[]::new));
            assertThat(boxed.code()).as(boxed.err()).isZero();
            assertThat(s.received.get() - before).isEqualTo(PROBES);
            JsonNode b = Json.mapper().readTree(dir.resolve("strict/summary.json").toFile()).path("benchmarks").path(0).path("metrics");
            assertThat(b.at("/pass_at1/mean").asDouble()).isEqualTo(0.5);
            assertThat(b.at("/outcomes/no_answer").asInt()).isEqualTo(12);
            assertThat(b.at("/extraction/primary").asText()).isEqualTo("boxed");
            assertThat(boxed.out()).contains("| jsonl:sums.jsonl | adder | 6 | 4 | 50.0 ± 0.0 |");
        }
    }

    @Test
    void theReportHasAPagePerProblemABreakdownAndMergesAcrossRuns() throws Exception {
        Path jsonl = problems(6);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder(0))) {
            assertThat(CliTest.run(evalArgs(jsonl, s, 4).toArray(String[]::new)).code()).isZero();
            // the run folder's index.html opens the run's page in the site eval wrote beside it
            String index = Files.readString(dir.resolve("report/index.html"));
            String runPage = index.replaceFirst("(?s).*url=([^\"]+)\".*", "$1");
            assertThat(runPage).startsWith("site/runs/").endsWith("/index.html");
            String run = Files.readString(dir.resolve("report").resolve(runPage));
            assertThat(run).contains("<a class=\"problem\" href=\"jsonl-sums.jsonl/5.html\">q5</a>")
                    .contains("<td data-key=\"correct\" data-value=\"3\">3</td><td data-key=\"graded\" data-value=\"4\">4</td>");
            String q5 = Files.readString(dir.resolve("report").resolve(runPage).resolveSibling("jsonl-sums.jsonl/5.html"));
            assertThat(q5).contains("What is 5 + 35?").contains("\\boxed{40}").contains("data-outcome=\"wrong\"").contains("3 correct of 4 graded");
            String md = Files.readString(dir.resolve("report/leaderboard.md"));
            assertThat(md).contains("by level:").contains("| 1 | 2 | 75.0 ± 0.0 |");

            // A second model's run, then one merged leaderboard.
            List<String> other = evalArgs(jsonl, s, 4);
            other.set(other.indexOf("adder"), "adder-2");
            other.set(other.indexOf(dir.resolve("report").toString()), dir.resolve("report-2").toString());
            assertThat(CliTest.run(other.toArray(String[]::new)).code()).isZero();
            CliTest.Result merged = CliTest.run("report", "--from-run", dir.resolve("report").toString(), "--from-run",
                    dir.resolve("report-2").toString(), "--out", dir.resolve("board").toString(), "--jsonl", jsonl.toString());
            assertThat(merged.code()).as(merged.err()).isZero();
            assertThat(merged.out()).contains("| jsonl:sums.jsonl | adder | 6 | 4 | 75.0").contains("| jsonl:sums.jsonl | adder-2 | 6 | 4 | 75.0");
            assertThat(merged.out()).startsWith(Files.readString(dir.resolve("board/leaderboard.md")))
                    .contains("2 runs, 2 models in the grid, 0 scores kept apart");
            CliTest.Result notARun = CliTest.run("report", "--from-run", dir.toString(), "--out", dir.resolve("x").toString());
            assertThat(notARun.code()).isEqualTo(1);
            assertThat(notARun.err()).contains("no summary.json");
        }
    }

    @Test
    void aYamlConfigSetsOptionsAndTheCommandLineWins() throws Exception {
        Path jsonl = problems(3);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder(0))) {
            Path yaml = Files.writeString(dir.resolve("run.yaml"), String.join("\n",
                    "jsonl: " + jsonl,
                    "endpoint: [" + s.uri() + "]",
                    "model: adder",
                    "n: 2",
                    "top-p: 0.9",
                    "max-tokens: 256",
                    "stop: ['</answer>']",
                    "store: " + dir.resolve("store.db"),
                    "out: " + dir.resolve("report"),
                    ""));
            CliTest.Result r = CliTest.run("eval", "--config", yaml.toString(), "--n", "3");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(s.received.get()).isEqualTo(9 + PROBES); // n from the command line, not the file
            JsonNode config = Json.mapper().readTree(dir.resolve("report/summary.json").toFile()).path("config");
            String hash = new GenerationSpec("adder", PromptTemplates.MATH, true, 0.6, 0.9, 256, 0, List.of("</answer>"),
                    config.at("/served/identity").asText()).hash();
            assertThat(config.path("generation_hash").asText()).isEqualTo(hash);
            assertThat(s.bodies.stream().filter(b -> b.has("stop")).toList()).hasSize(9)
                    .allMatch(b -> b.path("stop").path(0).asText().equals("</answer>"));

            Files.writeString(yaml, "modle: adder\n");
            CliTest.Result typo = CliTest.run("eval", "--config", yaml.toString());
            assertThat(typo.code()).isEqualTo(1);
            assertThat(typo.err()).contains("unknown option 'modle'");
            Files.writeString(yaml, "model: adder\nn: many\n");
            CliTest.Result wrongType = CliTest.run("eval", "--config", yaml.toString(), "--dry-run", "--jsonl", jsonl.toString());
            assertThat(wrongType.code()).isEqualTo(1);
            assertThat(wrongType.err()).contains("'n' should be int, got \"many\"");
        }
    }

    @Test
    void aTeamStoreOnPostgresWorksTheSame() throws Exception {
        String url = System.getenv("ARBITER_TEST_POSTGRES");
        org.junit.jupiter.api.Assumptions.assumeTrue(url != null && !url.isBlank(), "no PostgreSQL server; `bash .ci/run` starts one");
        Path jsonl = problems(5);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder(0))) {
            String model = "adder-" + java.util.UUID.randomUUID(); // a fresh key in a database other runs share
            List<String> args = evalArgs(jsonl, s, 4);
            args.set(args.indexOf("adder"), model);
            args.set(args.indexOf(dir.resolve("store.db").toString()), url);
            assertThat(CliTest.run(args.toArray(String[]::new)).code()).isZero();
            assertThat(CliTest.run(args.toArray(String[]::new)).code()).isZero();
            assertThat(s.received.get()).isEqualTo(20 + 2 * PROBES); // the second run found every sample in PostgreSQL
            assertThat(metrics().path("pass_at1").path("mean").asDouble()).isEqualTo(0.75);
        }
    }

    private JsonNode metrics() throws Exception {
        return Json.mapper().readTree(dir.resolve("report/summary.json").toFile()).path("benchmarks").path(0).path("metrics");
    }

    private static List<String> ids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("q" + i);
        }
        return out;
    }
}
