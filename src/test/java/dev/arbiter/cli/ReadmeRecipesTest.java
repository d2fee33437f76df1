package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's recipes, run as written. Each fenced block after a {@code <!-- recipe: NAME -->}
 * comment is read from README.md itself; its {@code ./arbiter} lines run through {@link Main}, with
 * only what a test machine must change: the model endpoint becomes the test server, sample counts
 * and problem counts shrink, {@code results/} lies in a temporary folder, and the reward server
 * listens on a free port. {@code curl} lines are sent as the same requests, and Python blocks run
 * with python3 from the repository root. Editing a recipe so that it no longer works fails here.
 */
@Tag("data")
class ReadmeRecipesTest {
    @TempDir
    Path dir;

    private final List<Process> servers = new ArrayList<>();
    /** Reward-server address as the README writes it, and where the test's one listens. */
    private String rewardAddress;

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : servers) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    record Block(String recipe, String language, String body) {}

    /** The folder holding README.md: the working directory or one above it (a module's). */
    static Path repository() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("integrations"))) {
                return p;
            }
        }
        throw new IllegalStateException("no README.md with integrations/ beside it above " + Path.of("").toAbsolutePath());
    }

    private static final Pattern RECIPE = Pattern.compile("<!-- recipe: ([\\w-]+) -->\\s*\\n```(\\w+)\\n(.*?)\\n```", Pattern.DOTALL);

    static List<Block> blocks(String readme, String recipe) {
        List<Block> out = new ArrayList<>();
        Matcher m = RECIPE.matcher(readme);
        while (m.find()) {
            if (m.group(1).equals(recipe)) {
                out.add(new Block(m.group(1), m.group(2), m.group(3)));
            }
        }
        return out;
    }

    /** A shell block's commands: continuation lines joined, each split into words as a POSIX shell would. */
    static List<List<String>> commands(String body) {
        List<List<String>> out = new ArrayList<>();
        for (String line : body.replace("\\\n", " ").split("\n")) {
            List<String> w = words(line);
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** Words of one shell line: single quotes literal, double quotes and bare backslashes escaping, '#' starting a comment. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
                continue;
            }
            if (c == '#' && w == null) {
                break;
            }
            if (w == null) {
                w = new StringBuilder();
            }
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                w.append(line, i + 1, end);
                i = end;
            } else if (c == '"') {
                for (i++; line.charAt(i) != '"'; i++) {
                    if (line.charAt(i) == '\\' && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    w.append(line.charAt(i));
                }
            } else if (c == '\\') {
                w.append(line.charAt(++i));
            } else {
                w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }

    @Test
    void theWordSplitterReadsQuotesAsAShellDoes() {
        assertThat(words("./arbiter scale --think-end '</think>' --n 8   # a comment")).containsExactly("./arbiter", "scale", "--think-end", "</think>", "--n", "8");
        assertThat(words("curl -s h/v -d '{\"a\":\"\\\\boxed{5}\"}'")).containsExactly("curl", "-s", "h/v", "-d", "{\"a\":\"\\\\boxed{5}\"}");
        assertThat(words("echo \"a \\\"b\\\"\" c\\ d")).containsExactly("echo", "a \"b\"", "c d");
        assertThat(commands("./arbiter eval --n 2 \\\n    --out x\n\n# only a comment\n")).containsExactly(List.of("./arbiter", "eval", "--n", "2", "--out", "x"));
    }

    /** A model that thinks for a while, then boxes a number: enough to fill every report and curve. */
    private static String thinker(String prompt) {
        StringBuilder b = new StringBuilder("Let me work through this.");
        for (int i = 0; i < 1500; i++) {
            b.append(i % 50 == 49 ? " Wait, let me check that step." : " step");
        }
        return b + " </think> The answer is \\boxed{" + Math.floorMod(prompt.hashCode(), 5) + "}.";
    }

    /** Runs a shell block's commands in order; returns what each curl answered, by its path. */
    private Map<String, JsonNode> runShell(Block b, FakeOpenAiServer model) throws Exception {
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        for (List<String> cmd : commands(b.body())) {
            switch (cmd.getFirst()) {
                case "./arbiter" -> arbiter(cmd.subList(1, cmd.size()), model);
                case "curl" -> {
                    var a = curl(cmd);
                    answers.put(a.getKey(), a.getValue());
                }
                default -> throw new AssertionError("a recipe line this test cannot run: " + String.join(" ", cmd));
            }
        }
        return answers;
    }

    private void arbiter(List<String> given, FakeOpenAiServer model) throws Exception {
        List<String> args = new ArrayList<>();
        String command = given.getFirst();
        for (int i = 0; i < given.size(); i++) {
            String a = given.get(i);
            String next = i + 1 < given.size() ? given.get(i + 1) : null;
            switch (a) {
                case "--endpoint" -> {
                    args.add(a);
                    args.add(model.uri().toString());
                    i++;
                }
                case "--n" -> {
                    args.add(a);
                    args.add(Integer.toString(Math.min(4, Integer.parseInt(next))));
                    i++;
                }
                case "--host" -> {
                    args.add(a);
                    args.add("127.0.0.1");
                    i++;
                }
                case "--port" -> {
                    rewardAddress = "localhost:" + next;
                    args.add(a);
                    args.add(Integer.toString(freePort()));
                    i++;
                }
                default -> args.add(a.startsWith("results/") ? dir.resolve(a).toString() : a);
            }
        }
        if (command.equals("eval") || command.equals("scale")) {
            if (args.contains("--benchmark")) {
                args.addAll(List.of("--limit", "2", "--data-dir", Shared.datasets().toString(), "--offline"));
            }
            if (!args.contains("--store") && !args.contains("--from-run")) {
                args.addAll(List.of("--store", dir.resolve("results/store.db").toString()));
            }
        }
        if (command.equals("reward-server")) {
            startRewardServer(args);
            return;
        }
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as("arbiter " + String.join(" ", args) + "\n" + r.err()).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** The reward server is long-running: it runs as the launcher would run it, in a JVM of its own. */
    private void startRewardServer(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Path log = dir.resolve("reward-server.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        servers.add(p);
        String port = args.get(args.indexOf("--port") + 1);
        rewardAddress = rewardAddress + "=127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            assertThat(System.nanoTime()).as("reward server up within 120 s: " + Files.readString(log)).isLessThan(until);
            Thread.sleep(200);
        }
    }

    /** The README's address of the reward server, moved to the test's. */
    private String moved(String text) {
        String[] from = rewardAddress.split("=");
        return text.replace(from[0], from[1]);
    }

    private Map.Entry<String, JsonNode> curl(List<String> cmd) throws Exception {
        String url = null;
        String data = null;
        for (int i = 1; i < cmd.size(); i++) {
            switch (cmd.get(i)) {
                case "-s" -> { }
                case "-d" -> data = cmd.get(++i);
                default -> url = cmd.get(i);
            }
        }
        URI uri = URI.create((url.startsWith("http") ? "" : "http://") + moved(url));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(data)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri + ": " + r.body()).isEqualTo(200);
        return Map.entry(uri.getPath(), Json.mapper().readTree(r.body()));
    }

    private String runPython(Block b) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 on this machine");
        Path script = Files.writeString(dir.resolve("recipe-" + Integer.toHexString(b.body().hashCode()) + ".py"), moved(b.body()));
        Process p = new ProcessBuilder("python3", script.toString()).directory(repository().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

    private static String readme() throws IOException {
        return Files.readString(repository().resolve("README.md"));
    }

    @Test
    void leaderboardOfAServedModel() throws Exception {
        List<Block> recipe = blocks(readme(), "leaderboard");
        assertThat(recipe).hasSize(1);
        try (FakeOpenAiServer model = FakeOpenAiServer.continuing(ReadmeRecipesTest::thinker)) {
            runShell(recipe.getFirst(), model);
        }
        Path run = dir.resolve("results/qwq-32b");
        String board = Files.readString(run.resolve("leaderboard.md"));
        for (String bench : List.of("aime24", "aime25", "math500", "livecodebench")) {
            assertThat(board).contains("| " + bench + " | Qwen/QwQ-32B | 2 | 4 |");
        }
        assertThat(run.resolve("index.html")).isNotEmptyFile();
        assertThat(Json.mapper().readTree(run.resolve("summary.json").toFile()).path("benchmarks").size()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("results/leaderboard/leaderboard.md"))).contains("| math500 | Qwen/QwQ-32B |");
    }

    @Test
    void rewardsForTrainers() throws Exception {
        List<Block> recipe = blocks(readme(), "reward");
        assertThat(recipe).extracting(Block::language).containsExactly("bash", "python", "python");
        Map<String, JsonNode> answers = runShell(recipe.getFirst(), null);
        JsonNode scored = answers.get("/v1/score").path("results").path(0);
        assertThat(scored.path("reward").asDouble()).isEqualTo(1.0);
        assertThat(scored.path("verdict").asText()).isEqualTo("correct");
        assertThat(answers.get("/get_reward").path("rewards").get(0).asDouble()).isEqualTo(1.0);

        assertThat(runPython(recipe.get(1))).startsWith("{").contains("'score': 1.0");
        assertThat(runPython(recipe.get(2))).isEqualTo("[1.0, 0.0]");
    }

    @Test
    void inferenceScalingCurves() throws Exception {
        List<Block> recipe = blocks(readme(), "scaling");
        assertThat(recipe).hasSize(1);
        try (FakeOpenAiServer model = FakeOpenAiServer.continuing(ReadmeRecipesTest::thinker)) {
            runShell(recipe.getFirst(), model);
        }
        Path samples = dir.resolve("results/r1-7b-aime24/scaling");
        assertThat(Files.readAllLines(samples.resolve("scale.csv"))).anyMatch(l -> l.contains("pass@k") && l.contains("k=4"));
        assertThat(samples.resolve("scale.png")).isNotEmptyFile();
        Path budgets = dir.resolve("results/r1-7b-budgets");
        assertThat(Files.readAllLines(budgets.resolve("scale.csv"))).hasSizeGreaterThan(5);
        assertThat(budgets.resolve("scale.svg")).isNotEmptyFile();
        // the thinking is longer than the smallest budgets, so the sweep made answer calls
        assertThat(Json.mapper().readTree(budgets.resolve("calls.json").toFile()).at("/answer/calls").asInt()).isPositive();
    }
}
