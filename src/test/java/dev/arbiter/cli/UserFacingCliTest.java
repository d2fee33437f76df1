package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets when something is off: one-line errors with the exit codes the docs give,
 * "did you mean", logs that stay plain when stderr is a file, YAML keys as the config prints them,
 * output files others can read, and a server that finds its port taken before loading a model.
 */
@Tag("data")
class UserFacingCliTest {
    @TempDir
    Path dir;

    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");

    private static FakeOpenAiServer.Model adder() {
        return (prompt, seed) -> {
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            long said = seed % 4 == 3 ? sum + 1 : sum;
            String wait = seed % 2 == 0 ? "Wait, let me check. " : "";
            return new FakeOpenAiServer.Reply(wait + "So the answer is \\boxed{" + said + "}.", "stop");
        };
    }

    private Path problems(int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + (i * 3) + "?")
                    .put("answer", Integer.toString(4 * i))));
        }
        return Files.write(dir.resolve("sums.jsonl"), lines);
    }

    private static void oneLine(CliTest.Result r) {
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("arbiter: ").doesNotContain("internal error").doesNotContain("Exception");
    }

    @Test
    void aStoreThatCannotBeOpenedIsOneLineNotAnInternalError() throws Exception {
        Path jsonl = problems(2);
        Files.writeString(dir.resolve("not-a-folder"), "x");
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder())) {
            CliTest.Result r = CliTest.run("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "adder", "--n", "1",
                    "--store", dir.resolve("not-a-folder/store.db").toString(), "--out", dir.resolve("report").toString());
            assertThat(r.code()).as(r.err()).isEqualTo(1);
            oneLine(r);
            assertThat(r.err()).contains("completion store");
        }
    }

    @Test
    void unknownNamesSuggestTheNearOnes() {
        CliTest.Result sub = CliTest.run("evl");
        assertThat(sub.code()).isEqualTo(2);
        oneLine(sub);
        assertThat(sub.err()).contains("did you mean 'eval'");

        CliTest.Result nested = CliTest.run("bench", "verfy");
        assertThat(nested.code()).isEqualTo(2);
        assertThat(nested.err()).contains("did you mean 'verify'").contains("arbiter bench --help");

        CliTest.Result bench = CliTest.run("benchmarks", "show", "math5000", "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(bench.code()).isEqualTo(1);
        oneLine(bench);
        assertThat(bench.err()).contains("unknown benchmark 'math5000' (did you mean 'math500'?)");

        CliTest.Result far = CliTest.run("benchmarks", "show", "gsm8k", "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(far.err()).contains("unknown benchmark 'gsm8k'; known: aime24").doesNotContain("did you mean");
    }

    @Test
    void yamlConfigTakesThePrintedSnakeCaseKeysAsWellAsTheFlagNames() throws Exception {
        Path jsonl = problems(3);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder())) {
            Path yaml = Files.writeString(dir.resolve("run.yaml"), String.join("\n",
                    "jsonl: [" + jsonl + "]", "endpoint: [" + s.uri() + "]", "model: adder", "n: 2",
                    "max_tokens: 77", "top-p: 0.9", "store: " + dir.resolve("store.db"), "out: " + dir.resolve("report"), ""));
            CliTest.Result r = CliTest.run("eval", "--config", yaml.toString(), "--dry-run");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("\"max_tokens\" : 77").contains("\"top_p\" : 0.9");

            Files.writeString(yaml, Files.readString(yaml) + "no_such_option: 1\n");
            CliTest.Result bad = CliTest.run("eval", "--config", yaml.toString(), "--dry-run");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err()).contains("unknown option 'no_such_option'");
        }
    }

    @Test
    void scaleAndBehavioursWriteFilesWithTheUmasksModes() throws Exception {
        Path jsonl = problems(4);
        try (FakeOpenAiServer s = new FakeOpenAiServer(adder())) {
            String store = dir.resolve("store.db").toString();
            CliTest.Result ev = CliTest.run("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "adder", "--n", "4",
                    "--max-tokens", "64", "--store", store, "--out", dir.resolve("run").toString());
            assertThat(ev.code()).as(ev.err()).isZero();
            CliTest.Result sc = CliTest.run("scale", "--from-run", dir.resolve("run").toString(), "--store", store);
            assertThat(sc.code()).as(sc.err()).isZero();
            CliTest.Result be = CliTest.run("behaviours", "--from-run", dir.resolve("run").toString(), "--store", store);
            assertThat(be.code()).as(be.err()).isZero();
        }
        // what this process's umask gives a new file, as `touch` would make it
        Set<PosixFilePermission> normal = Files.getPosixFilePermissions(Files.createFile(dir.resolve("reference")));
        assertThat(normal).contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        List<Path> written;
        try (Stream<Path> files = Stream.concat(Files.list(dir.resolve("run/scaling")), Files.list(dir.resolve("run/behaviours")))) {
            written = files.toList();
        }
        assertThat(written).extracting(p -> p.getFileName().toString())
                .contains("scale.csv", "scale.png", "scale.svg", "behaviours.csv", "behaviours.png")
                .noneMatch(n -> n.endsWith(".part"));
        for (Path p : written) {
            assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(normal);
        }
    }

    @Test
    void serveFindsItsPortTakenBeforeLoadingAModel() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            long start = System.nanoTime();
            // the model folder does not exist: an error about it would mean the model was looked at first
            CliTest.Result r = CliTest.run("serve", "--model", dir.resolve("no-model").toString(), "--port", Integer.toString(port));
            assertThat(r.code()).isEqualTo(1);
            oneLine(r);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + port).contains("give another --port");
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void anEvalWithStderrInAFileLeavesPlainLinesAndNoCarriageReturn() throws Exception {
        Path jsonl = problems(40);
        try (FakeOpenAiServer s = new FakeOpenAiServer((prompt, seed) -> {
            try {
                Thread.sleep(5); // long enough for the progress task to draw at least once
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return adder().reply(prompt, seed);
        })) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "adder", "--n", "4", "--concurrency", "2",
                    "--max-tokens", "64", "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("report").toString()));
            Path log = dir.resolve("stderr.log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(err).isZero();
            assertThat(err).doesNotContain("\r").doesNotContain("\u001B[");
            // the progress still shows, as whole lines: the last one says all 160 samples are done
            assertThat(err.lines().filter(l -> l.contains("sums.jsonl") && l.contains("160/160")).count()).as(err).isGreaterThanOrEqualTo(1);
        }
    }
}
