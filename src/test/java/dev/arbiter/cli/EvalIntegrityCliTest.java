package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter eval` against `arbiter serve`'s server over real HTTP, on tiny random-weight models: which
 * model a served name stands for, run folders, and failures named by their cause before and during sampling.
 */
@Tag("data")
@Tag("slow")
class EvalIntegrityCliTest {
    @TempDir
    static Path models;
    static Path first;
    static Path second;
    static Path shortContext;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeModels() {
        first = models.resolve("first");
        second = models.resolve("second");
        shortContext = models.resolve("short");
        // two models of one shape, different random weights; the context is the default 32768
        for (Object[] m : new Object[][] {{first, "1", "32768"}, {second, "2", "32768"}, {shortContext, "1", "512"}}) {
            CliTest.Result made = CliTest.run("model", "tiny", "--out", m[0].toString(), "--seed", (String) m[1], "--init-std", "0.3",
                    "--max-positions", (String) m[2]);
            assertThat(made.code()).as(made.err()).isZero();
        }
    }

    /** `arbiter serve` of one model folder under a name, on a free port. */
    record Served(LocalEngine engine, OpenAiServer server) implements AutoCloseable {
        static Served of(Path model, String name) throws Exception {
            LocalEngine e = LocalEngine.open(model, name, "cpu", null, new Generator.Limits(64, 4096));
            return new Served(e, new OpenAiServer(e, "127.0.0.1", 0));
        }

        String uri() {
            return server.uri().toString();
        }

        @Override
        public void close() {
            server.close();
            engine.close();
        }
    }

    private Path problems(String file, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + i + "?")
                    .put("answer", Integer.toString(2 * i))));
        }
        return Files.write(dir.resolve(file), lines);
    }

    /** The eval command line; {@code more} holds options, each with its value, that replace or add to the defaults here. */
    /**
     * A served model behind a proxy that has no /tokenize or /detokenize (404, as a server without
     * them answers) and passes every other request through, over real HTTP.
     */
    record WithoutTokenize(HttpServer server) implements AutoCloseable {
        static WithoutTokenize of(String upstream) throws IOException {
            HttpClient http = HttpClient.newHttpClient();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                try {
                    String path = ex.getRequestURI().toString();
                    int status = 404;
                    byte[] body = "{\"error\":{\"message\":\"Not Found\",\"type\":\"invalid_request_error\"}}".getBytes(StandardCharsets.UTF_8);
                    String type = "application/json";
                    if (!path.startsWith("/tokenize") && !path.startsWith("/detokenize")) {
                        byte[] sent = ex.getRequestBody().readAllBytes();
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + path)).method(ex.getRequestMethod(),
                                sent.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(sent));
                        String sentType = ex.getRequestHeaders().getFirst("Content-Type");
                        if (sentType != null) {
                            b.header("Content-Type", sentType);
                        }
                        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                        status = r.statusCode();
                        body = r.body();
                        type = r.headers().firstValue("Content-Type").orElse(type);
                    }
                    ex.getResponseHeaders().set("Content-Type", type);
                    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                    ex.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } finally {
                    ex.close();
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return new WithoutTokenize(server);
        }

        String uri() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private List<String> eval(Path jsonl, Served s, String... more) {
        return eval(jsonl, s.uri(), more);
    }

    private List<String> eval(Path jsonl, String endpoint, String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "--jsonl", jsonl.toString(), "--endpoint", endpoint, "--model", "policy",
                "--n", "2", "--max-tokens", "12", "--temperature", "0.7", "--store", dir.resolve("store.db").toString()));
        for (int i = 0; i < more.length; i += 2) {
            int at = a.indexOf(more[i]);
            if (at >= 0) {
                a.set(at + 1, more[i + 1]);
            } else {
                a.addAll(List.of(more[i], more[i + 1]));
            }
        }
        return a;
    }

    private static CliTest.Result run(List<String> args) {
        return CliTest.run(args.toArray(String[]::new));
    }

    private static String fingerprintOf(CliTest.Result r) {
        Matcher m = Pattern.compile("fingerprint (fp-[0-9a-f]{10})").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        return m.group(1);
    }

    private static List<String> errorLines(CliTest.Result r) {
        return r.err().lines().filter(l -> l.startsWith("arbiter: ")).toList();
    }

    /** The first model served as 'policy' and evaluated into an empty store: its fingerprint, recorded. */
    private String firstRun(Path jsonl, String out) throws Exception {
        try (Served a = Served.of(first, "policy")) {
            CliTest.Result r = run(eval(jsonl, a, "--out", dir.resolve(out).toString()));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("requests 12, retries 0");
            assertThat(r.err()).contains("first seen under this name; recorded").doesNotContain("resuming");
            return fingerprintOf(r);
        }
    }

    @Test
    void anotherModelServedUnderTheSameNameIsRefusedOrKeptApartByRevision() throws Exception {
        Path jsonl = problems("sums.jsonl", 6);
        String before = firstRun(jsonl, "a");
        try (Served b = Served.of(second, "policy")) {
            long tokens = b.engine().stats().generatedTokens();
            CliTest.Result r = run(eval(jsonl, b, "--out", dir.resolve("b").toString()));
            System.out.println("other weights, same name: " + errorLines(r));
            assertThat(r.code()).isEqualTo(1);
            assertThat(errorLines(r)).hasSize(1);
            assertThat(errorLines(r).getFirst()).contains("'policy' at " + b.uri() + " is not the model whose samples the store holds under that name")
                    .containsPattern("fingerprint fp-[0-9a-f]{10} now, " + before + " recorded")
                    .contains("--model-revision");
            assertThat(fingerprintOf(r)).isNotEqualTo(before);
            assertThat(r.out()).isEmpty(); // no leaderboard, no old score
            assertThat(dir.resolve("b")).doesNotExist();
            // the probes are all it generated: four prompts of at most 8 tokens, and the 1-token context check
            assertThat(b.engine().stats().generatedTokens() - tokens).isLessThanOrEqualTo(4 * 8 + 1);

            CliTest.Result revised = run(eval(jsonl, b, "--model-revision", "step-200", "--out", dir.resolve("b").toString()));
            assertThat(revised.code()).as(revised.err()).isZero();
            assertThat(revised.out()).contains("requests 12, retries 0").contains("| policy@step-200 |");
            assertThat(revised.err()).contains("revision step-200").doesNotContain("resuming");
            CliTest.Result again = run(eval(jsonl, b, "--model-revision", "step-200", "--out", dir.resolve("b").toString()));
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.out()).contains("requests 0, retries 0");
            assertThat(again.err()).contains("sums.jsonl: resuming: 12 of 12 samples stored");
            JsonNode config = Json.mapper().readTree(dir.resolve("b/summary.json").toFile()).path("config");
            assertThat(config.path("generation").path("model_identity").asText()).isEqualTo("revision step-200");
            assertThat(config.path("served").path("endpoints").path(b.uri()).path("root").asText()).isEqualTo(second.toString());
            assertThat(config.path("served").path("endpoints").path(b.uri()).path("max_model_len").asInt()).isEqualTo(32768);
        }
        // the revision now names the second model: the first one served under it again is refused, not given the second's samples
        try (Served a = Served.of(first, "policy")) {
            CliTest.Result reused = run(eval(jsonl, a, "--model-revision", "step-200", "--out", dir.resolve("c").toString()));
            System.out.println("a revision reused for other weights: " + errorLines(reused));
            assertThat(reused.code()).isEqualTo(1);
            assertThat(errorLines(reused)).singleElement().asString()
                    .startsWith("arbiter: '" + "policy' at " + a.uri() + " is not the model recorded for revision step-200: fingerprint " + before + " now, ")
                    .containsPattern("fp-[0-9a-f]{10} recorded ")
                    .endsWith("; pass a new --model-revision for this model");
            assertThat(reused.out()).isEmpty();
            assertThat(dir.resolve("c")).doesNotExist();
        }
    }

    @Test
    void withoutLogprobsEveryProbeTextMustMatch() throws Exception {
        Path jsonl = problems("sums.jsonl", 3);
        // two models that continue the first two probes alike (short, common continuations) and the others not
        FakeOpenAiServer.Model one = (prompt, seed) -> new FakeOpenAiServer.Reply(common(prompt, " 21, 34", " Rayleigh scattering."), "stop");
        FakeOpenAiServer.Model two = (prompt, seed) -> new FakeOpenAiServer.Reply(common(prompt, " 20, 33", " Because of the sun."), "stop");
        try (FakeOpenAiServer a = new FakeOpenAiServer(one)) {
            CliTest.Result r = run(eval(jsonl, a.uri().toString(), "--out", dir.resolve("a").toString()));
            assertThat(r.code()).as(r.err()).isZero();
        }
        try (FakeOpenAiServer b = new FakeOpenAiServer(two)) {
            CliTest.Result r = run(eval(jsonl, b.uri().toString(), "--out", dir.resolve("b").toString()));
            System.out.println("no logprobs, 2 of 4 probes alike: " + errorLines(r));
            assertThat(r.code()).isEqualTo(1);
            assertThat(errorLines(r)).singleElement().asString().contains("is not the model whose samples the store holds under that name")
                    .contains("(probe 3 differs: 2 of 4 probe texts equal (no logprobs to compare))");
            assertThat(b.received.get()).isEqualTo(4); // the probes alone
        }
    }

    private static String common(String prompt, String numbers, String why) {
        java.util.regex.Matcher m = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?").matcher(prompt);
        if (m.find()) {
            return "\\boxed{" + (Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))) + "}";
        }
        return prompt.startsWith("The capital") ? " Paris." : prompt.startsWith("def ") ? " if n < 2:" : prompt.startsWith("1, 2") ? numbers : why;
    }

    @Test
    void theSameModelServedAgainIsAcceptedAndResumes() throws Exception {
        Path jsonl = problems("sums.jsonl", 6);
        String fp = firstRun(jsonl, "run");
        // restarted, and probed while other requests share its batches
        try (Served a = Served.of(first, "policy"); var load = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var stop = new java.util.concurrent.atomic.AtomicBoolean();
            var http = java.net.http.HttpClient.newHttpClient();
            for (int c = 0; c < 4; c++) {
                int seed = c;
                load.submit(() -> {
                    while (!stop.get()) {
                        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.uri() + "/v1/completions"))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"policy\",\"prompt\":\"Load " + seed
                                        + "\",\"max_tokens\":32,\"temperature\":1,\"seed\":" + seed + "}")).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                    }
                    return null;
                });
            }
            CliTest.Result r = run(eval(jsonl, a, "--n", "3", "--out", dir.resolve("run").toString()));
            stop.set(true);
            assertThat(r.code()).as(r.err()).isZero();
            System.out.println("same weights, restarted: " + r.err().lines().filter(l -> l.contains("fingerprint")).findFirst().orElse(""));
            assertThat(r.err()).contains("(matches " + fp + " recorded ").contains("sums.jsonl: resuming: 12 of 18 samples stored");
            assertThat(r.out()).contains("requests 6, retries 0");
        }
    }

    @Test
    void twoBenchmarksWithTheSameSettingsKeepTheirOwnReports() throws Exception {
        Path a = problems("algebra.jsonl", 3);
        Path b = problems("geometry.jsonl", 3);
        try (Served s = Served.of(first, "policy")) {
            List<Path> runs = runFolders(eval(a, s, "--store", "store.db"), eval(b, s, "--store", "store.db"));
            assertThat(runs).hasSize(2);
            assertThat(runs.get(0).getFileName().toString()).startsWith("policy-jsonl_algebra.jsonl-");
            assertThat(runs.get(1).getFileName().toString()).startsWith("policy-jsonl_geometry.jsonl-");
            for (int i = 0; i < 2; i++) {
                JsonNode summary = Json.mapper().readTree(runs.get(i).resolve("summary.json").toFile());
                assertThat(summary.path("benchmarks").path(0).path("benchmark").asText()).isEqualTo(i == 0 ? "jsonl:algebra.jsonl" : "jsonl:geometry.jsonl");
            }
            // a folder holding another run's report is not written over
            CliTest.Result over = run(eval(b, s, "--out", runs.get(0).toString()));
            assertThat(over.code()).isEqualTo(1);
            assertThat(errorLines(over)).containsExactly("arbiter: " + runs.get(0) + " holds the report of another run (policy on jsonl:algebra.jsonl,"
                    + " generation " + Json.mapper().readTree(runs.get(0).resolve("summary.json").toFile()).at("/config/generation_hash").asText()
                    .substring(0, 12) + "); pass another --out, or remove that folder");
        }
    }

    /** Runs each command line in its own process in {@link #dir}, where the default run folders go; the folders made, by name. */
    @SafeVarargs
    private List<Path> runFolders(List<String>... commands) throws Exception {
        for (List<String> args : commands) {
            Process p = child(args);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();
        }
        try (var l = Files.list(dir.resolve("results"))) {
            List<Path> runs = l.filter(Files::isDirectory).sorted().toList();
            System.out.println("run folders: " + runs.stream().map(r -> r.getFileName().toString()).toList());
            return runs;
        }
    }

    private Process child(List<String> args) throws Exception {
        return child(args, java.util.Map.of());
    }

    private Process child(List<String> args, java.util.Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void aBoxedRunGetsItsOwnFolderAndASmallerNDoesNotReplaceALargerReport() throws Exception {
        Path jsonl = problems("sums.jsonl", 3);
        try (Served s = Served.of(first, "policy")) {
            List<Path> runs = runFolders(eval(jsonl, s, "--store", "store.db", "--extraction", "flexible"),
                    eval(jsonl, s, "--store", "store.db", "--extraction", "boxed"));
            assertThat(runs).hasSize(2);
            Path flexible = runs.stream().filter(r -> !r.getFileName().toString().endsWith("-boxed")).findFirst().orElseThrow();
            Path boxed = runs.stream().filter(r -> r.getFileName().toString().endsWith("-boxed")).findFirst().orElseThrow();
            assertThat(boxed.getFileName().toString()).matches("policy-jsonl_sums\\.jsonl-[0-9a-f]{12}-boxed");
            for (Path r : List.of(flexible, boxed)) {
                JsonNode summary = Json.mapper().readTree(r.resolve("summary.json").toFile());
                String mode = r == boxed ? "boxed" : "flexible";
                assertThat(summary.at("/config/extraction").asText()).isEqualTo(mode);
                assertThat(summary.at("/benchmarks/0/metrics/extraction/primary").asText()).isEqualTo(mode);
            }

            // n: a run raised to a larger n grows its report; a smaller n would replace it with fewer samples, so it is refused
            Path report = dir.resolve("report");
            assertThat(run(eval(jsonl, s, "--n", "3", "--out", report.toString())).code()).isZero();
            CliTest.Result smaller = run(eval(jsonl, s, "--n", "2", "--out", report.toString()));
            assertThat(smaller.code()).isEqualTo(1);
            assertThat(errorLines(smaller)).containsExactly("arbiter: " + report + " holds this run's report at --n 3; --n 2 would replace it"
                    + " with fewer samples per problem; pass --n 3 or more (stored samples are reused), or another --out");
            assertThat(Json.mapper().readTree(report.resolve("summary.json").toFile()).at("/config/n").asInt()).isEqualTo(3);
            CliTest.Result larger = run(eval(jsonl, s, "--n", "4", "--out", report.toString()));
            assertThat(larger.code()).as(larger.err()).isZero();
            assertThat(larger.err()).contains("resuming: 9 of 12 samples stored");
            assertThat(Json.mapper().readTree(report.resolve("summary.json").toFile()).at("/config/n").asInt()).isEqualTo(4);
        }
    }

    @Test
    void aBenchmarkNoneOfWhoseSamplesGotAVerdictHasNoRowAndItsCauses() throws Exception {
        Path jsonl = problems("sums.jsonl", 2);
        FakeOpenAiServer.Model model = (prompt, seed) -> new FakeOpenAiServer.Reply(prompt.contains("```python")
                ? "Here it is.\n```python\nprint(input())\n```\n" : common(prompt, " 21, 34", " Rayleigh scattering."), "stop");
        try (FakeOpenAiServer s = new FakeOpenAiServer(model)) {
            List<String> args = eval(jsonl, s.uri().toString(), "--out", dir.resolve("report").toString());
            args.addAll(List.of("--benchmark", "lcb_v1_samples", "--offline", "--data-dir", Shared.datasets().toString()));
            // Docker down: no daemon at the address the sandbox is told to use
            Process p = child(args, java.util.Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock")));
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(dir.resolve("child.log"));
            System.out.println(log.lines().filter(l -> l.startsWith("arbiter")).toList());
            assertThat(p.exitValue()).as(log).isEqualTo(1);
            assertThat(log).contains("arbiter eval: lcb_v1_samples has no row: none of its 6 samples got a verdict (6 x the sandbox did not start:"
                    + " Docker is not reachable at unix://" + dir.resolve("no-docker.sock") + "; start the daemon");
            assertThat(log.lines().toList().getLast()).isEqualTo("arbiter eval: 6 samples are still missing (failed requests, or programs the"
                    + " sandbox could not grade); run the same command again to fetch or grade only those");
            String board = Files.readString(dir.resolve("report/leaderboard.md"));
            assertThat(board).contains("jsonl:sums.jsonl").doesNotContain("lcb_v1_samples").doesNotContain("NaN");
            String summaryText = Files.readString(dir.resolve("report/summary.json"));
            assertThat(summaryText).doesNotContain("NaN");
            JsonNode summary = Json.mapper().readTree(summaryText);
            assertThat(summary.path("benchmarks")).hasSize(1);
            JsonNode notGraded = summary.at("/run/benchmarks/lcb_v1_samples/not_graded");
            assertThat(notGraded).hasSize(1);
            assertThat(notGraded.get(0).path("count").asInt()).isEqualTo(6);
            assertThat(notGraded.get(0).path("reason").asText()).startsWith("the sandbox did not start: Docker is not reachable");
        }
    }

    @Test
    void aContextOverflowAWrongNameAndADeadPortAreNamedBeforeSampling() throws Exception {
        Path jsonl = problems("sums.jsonl", 4);
        try (Served s = Served.of(first, "policy")) {
            long tokens = s.engine().stats().generatedTokens();
            List<String> args = eval(jsonl, s);
            // the user's own --max-tokens (the default is fitted to the context instead: ServeOpsCliTest)
            args.set(args.indexOf("--max-tokens") + 1, "32768");
            CliTest.Result overflow = run(args);
            System.out.println("context: " + errorLines(overflow));
            assertThat(overflow.code()).isEqualTo(1);
            assertThat(errorLines(overflow)).hasSize(1);
            assertThat(errorLines(overflow).getFirst()).matches("arbiter: --max-tokens 32768 leaves no room for a prompt in 'policy''s context of 32768"
                    + " tokens \\(max_model_len, GET " + Pattern.quote(s.uri()) + "/v1/models\\); lower --max-tokens to \\d+ or less");
            assertThat(s.engine().stats().generatedTokens() - tokens).as("the prompts counted by /tokenize").isZero();
            int room = Integer.parseInt(errorLines(overflow).getFirst().replaceAll(".*lower --max-tokens to (\\d+) or less", "$1"));
            CliTest.Result oneOver = run(eval(jsonl, s, "--max-tokens", Integer.toString(room + 1)));
            assertThat(errorLines(oneOver)).containsExactly("arbiter: the longest prompt (jsonl:sums.jsonl q0, " + (32768 - room) + " tokens) plus"
                    + " --max-tokens " + (room + 1) + " is over 'policy''s context of 32768 tokens (max_model_len, GET " + s.uri() + "/v1/models);"
                    + " lower --max-tokens to " + room + " or less");

            CliTest.Result wrongName = run(eval(jsonl, s, "--model", "polciy"));
            System.out.println("name: " + errorLines(wrongName));
            assertThat(wrongName.code()).isEqualTo(1);
            assertThat(errorLines(wrongName)).containsExactly("arbiter: " + s.uri() + " serves no model 'polciy' (GET /v1/models lists: policy);"
                    + " pass --model policy");
        }
        int dead;
        try (ServerSocket free = new ServerSocket(0)) {
            dead = free.getLocalPort();
        }
        long t = System.nanoTime();
        CliTest.Result unreachable = CliTest.run("eval", "--jsonl", jsonl.toString(), "--endpoint", "http://127.0.0.1:" + dead, "--model", "policy",
                "--store", dir.resolve("store.db").toString());
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("dead port: %.2f s: %s%n", seconds, errorLines(unreachable));
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(errorLines(unreachable)).hasSize(1);
        assertThat(errorLines(unreachable).getFirst()).startsWith("arbiter: cannot reach http://127.0.0.1:" + dead + " (GET /v1/models: ConnectException")
                .endsWith("; start the server there, or correct --endpoint");
        assertThat(seconds).isLessThan(10); // not a minute of retries
    }

    /**
     * Two prompts: a prose one, and a shorter one of letters the tokenizer never merged, which cost a
     * token each, so that the shorter in bytes is the longer in tokens.
     */
    private Path mixedPrompts() throws Exception {
        String prose = "the answer is the sum of the two numbers that are given here and then the answer is given ".repeat(5);
        String rare = "qzxj".repeat(100);
        assertThat(prose.length()).isGreaterThan(rare.length());
        return Files.write(dir.resolve("mixed.jsonl"), List.of(
                Json.line(Json.mapper().createObjectNode().put("id", "prose").put("prompt", prose).put("answer", "1")),
                Json.line(Json.mapper().createObjectNode().put("id", "rare").put("prompt", rare).put("answer", "2"))));
    }

    @Test
    void theContextCheckCountsEveryPromptsTokensWithTheServersTokenizer() throws Exception {
        Path jsonl = mixedPrompts();
        try (Served s = Served.of(shortContext, "policy")) {
            long generated = s.engine().stats().generatedTokens();
            CliTest.Result r = run(eval(jsonl, s, "--n", "3", "--max-tokens", "100", "--out", dir.resolve("counted").toString()));
            assertThat(r.code()).isEqualTo(1);
            // the shorter prompt in bytes is named: the server's /tokenize counted both
            assertThat(errorLines(r)).singleElement().asString().matches("arbiter: the longest prompt \\(jsonl:mixed\\.jsonl rare, (\\d+) tokens\\)"
                    + " plus --max-tokens 100 is over 'policy''s context of 512 tokens \\(max_model_len, GET .*/v1/models\\); lower --max-tokens to \\d+ or less");
            assertThat(s.engine().stats().generatedTokens()).as("nothing sampled").isEqualTo(generated);
        }
    }

    @Test
    void requestsRefusedDuringSamplingAreGroupedByCauseAndNamedPermanent() throws Exception {
        // Behind a server without /tokenize (OpenAI's own API has none), the context check measures the
        // longest prompt in bytes; a shorter prompt of more tokens is then refused when it is sampled.
        Path jsonl = mixedPrompts();
        try (Served served = Served.of(shortContext, "policy"); WithoutTokenize s = WithoutTokenize.of(served.uri())) {
            CliTest.Result r = run(eval(jsonl, s.uri(), "--n", "3", "--max-tokens", "100", "--out", dir.resolve("mixed").toString()));
            System.out.println(r.err().lines().filter(l -> l.startsWith("arbiter eval: ") || l.startsWith("  ")).toList());
            assertThat(r.code()).isEqualTo(1);
            List<String> groups = r.err().lines().filter(l -> l.startsWith("  jsonl:mixed.jsonl: ")).toList();
            assertThat(groups).hasSize(1);
            assertThat(groups.getFirst()).matches("  jsonl:mixed\\.jsonl: 3 x HTTP 400 \\(permanent\\): prompt \\(\\d+ tokens\\) plus max_tokens"
                    + " \\(100\\) exceeds the model's context of 512 tokens \\(e\\.g\\. rare#\\d\\)");
            assertThat(r.err().lines().filter(l -> l.contains("exceeds the model's context"))).hasSize(2); // the group, and the last line
            assertThat(r.err().lines().toList().getLast()).startsWith("arbiter eval: 3 samples are missing; 3 of them were refused (HTTP 400,"
                    + " permanent: prompt (").endsWith("), so running the same command again will not help: lower --max-tokens so that prompt"
                    + " and completion fit the served context");
            assertThat(r.err()).doesNotContain("run the same command again");
            JsonNode failures = Json.mapper().readTree(dir.resolve("mixed/summary.json").toFile()).path("run").path("benchmarks").path("jsonl:mixed.jsonl").path("failures");
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).path("cause").asText()).isEqualTo("HTTP 400");
            assertThat(failures.get(0).path("permanent").asBoolean()).isTrue();
            assertThat(failures.get(0).path("count").asInt()).isEqualTo(3);
            assertThat(failures.get(0).path("message").asText()).contains("exceeds the model's context of 512 tokens");

            // alone, the short prompt of many tokens is the longest, and the check before sampling measures it
            Path rareOnly = Files.write(dir.resolve("rare.jsonl"), List.of(Files.readAllLines(jsonl).get(1)));
            CliTest.Result rareRun = run(eval(rareOnly, s.uri(), "--n", "3", "--max-tokens", "100", "--out", dir.resolve("rare").toString()));
            assertThat(errorLines(rareRun)).singleElement().asString().matches("arbiter: the longest prompt \\(jsonl:rare\\.jsonl rare, (\\d+) tokens\\)"
                    + " plus --max-tokens 100 is over 'policy''s context of 512 tokens \\(max_model_len, GET .*/v1/models\\); lower --max-tokens to \\d+ or less");

            // every sample refused for a cause no check foresees: nothing to grade, so no report rather than a leaderboard of NaN
            CliTest.Result none = run(eval(rareOnly, s.uri(), "--max-tokens", "8", "--stop", "", "--out", dir.resolve("rare").toString()));
            assertThat(none.code()).isEqualTo(1);
            assertThat(none.out()).isEmpty();
            assertThat(none.err()).contains("  jsonl:rare.jsonl: 2 x HTTP 400 (permanent): a stop string must not be empty (e.g. rare#");
            assertThat(none.err().lines().toList().getLast()).isEqualTo("arbiter eval: no sample arrived, so no report: 2 samples are missing;"
                    + " 2 of them were refused (HTTP 400, permanent: a stop string must not be empty), so running the same command again will not"
                    + " help: change what the server refused (its message is above); the same request fails the same way");
            assertThat(dir.resolve("rare")).doesNotExist();
        }
    }
}
