package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.json.Json;
import dev.arbiter.reward.RewardScorer;
import dev.arbiter.reward.RewardServer;
import dev.arbiter.verify.math.MathVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter train`: resuming after SIGKILL, checkpoints the engine loads, the SFT reader, and errors. */
@Tag("slow")
class TrainCliTest {
    @TempDir
    Path dir;

    private Path model() {
        Path m = dir.resolve("model");
        TinyModel.write(m, TinyModel.Spec.small(ModelConfig.Architecture.QWEN2));
        return m;
    }

    private static List<String> args(Path model, Path out, int steps) {
        return List.of("train", "rl", "--model", model.toString(), "--task", "addition:1", "--out", out.toString(), "--steps", Integer.toString(steps),
                "--save-every", "4", "--eval-every", "6", "--prompts-per-step", "2", "--group", "4", "--max-new-tokens", "6", "--raw", "--device",
                "cpu", "--lr", "1e-3", "--kl-coef", "0.05", "--reference-ema", "0.1", "--entropy-coef", "0.01", "--seed", "3");
    }

    @Test
    void aRunKilledWithSigkillResumesWithTheSameStepsAndRandomStream() throws Exception {
        Path model = model();
        int steps = 24;
        Path whole = dir.resolve("whole");
        CliTest.Result a = CliTest.run(args(model, whole, steps).toArray(String[]::new));
        assertThat(a.code()).as(a.err()).isZero();

        Path killed = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args(model, killed, steps));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path latest = killed.resolve("latest");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!Files.isRegularFile(latest) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing
        child.waitFor();
        assertThat(Files.readString(latest).strip()).as("killed before the run finished").isNotEqualTo(String.format("step-%06d", steps));
        int savedAt = Json.mapper().readTree(killed.resolve("checkpoints").resolve(Files.readString(latest).strip()).resolve("trainer/state.json")
                .toFile()).path("step").asInt();

        CliTest.Result b = CliTest.run(args(model, killed, steps).toArray(String[]::new));
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.err()).contains("resuming " + killed + " at step " + savedAt + " of " + steps);
        assertThat(withoutTimes(killed.resolve("metrics.csv"))).isEqualTo(withoutTimes(whole.resolve("metrics.csv")));
        assertThat(withoutTimes(whole.resolve("metrics.csv"))).hasSize(steps + 2); // header, step 0's evaluation, one row per step
        String last = String.format("step-%06d", steps);
        assertThat(Files.readAllBytes(killed.resolve("checkpoints").resolve(last).resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(whole.resolve("checkpoints").resolve(last).resolve("model.safetensors")));
        assertThat(Files.readAllBytes(killed.resolve("checkpoints").resolve(last).resolve("trainer/optimizer.safetensors")))
                .isEqualTo(Files.readAllBytes(whole.resolve("checkpoints").resolve(last).resolve("trainer/optimizer.safetensors")));
        // the resumed run pruned the checkpoint it started from, and later ones are still whole model folders
        try (var listing = Files.list(killed.resolve("checkpoints"))) {
            assertThat(listing.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(String.format("step-%06d", steps - 8), String.format("step-%06d", steps - 4), last);
        }
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            assertThat(killed.resolve("checkpoints").resolve(last).resolve(f)).hasSameBinaryContentAs(model.resolve(f));
        }
        JsonNode state = Json.mapper().readTree(killed.resolve("checkpoints").resolve(last).resolve("trainer/state.json").toFile());
        assertThat(state.path("step").asInt()).isEqualTo(steps);
        assertThat(state.path("optimizer_steps").asInt()).isEqualTo(steps);
        // training moved the weights
        assertThat(Files.readAllBytes(whole.resolve("checkpoints").resolve(last).resolve("model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(model.resolve("model.safetensors")));
        assertThat(whole.resolve("training.png")).isNotEmptyFile();

        // an RL checkpoint is a model folder the engine behind `serve` and `eval` loads
        try (LocalEngine e = LocalEngine.open(whole.resolve("checkpoints").resolve(last), "rl", "cpu", null, new Generator.Limits(4, 4096))) {
            Generation g = e.generate(new GenerationRequest("rl", "3+4=", false, 4, 0, 1, 0, List.of(), Duration.ofSeconds(60)));
            assertThat(g.completionTokens()).isPositive();
        }

        // a different configuration in the same folder is refused rather than mixed in
        List<String> other = new ArrayList<>(args(model, whole, steps + 4));
        other.set(other.indexOf("--lr") + 1, "5e-4");
        CliTest.Result c = CliTest.run(other.toArray(String[]::new));
        assertThat(c.code()).isEqualTo(1);
        assertThat(c.err()).contains("holds a different run").doesNotContain("Exception");
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStartsItsLogOver() throws Exception {
        Path model = model();
        Path out = dir.resolve("early");
        String[] a = args(model, out, 3).toArray(String[]::new);
        assertThat(CliTest.run(a).code()).isZero();
        List<String> complete = withoutTimes(out.resolve("metrics.csv"));
        // what a kill between the log's rows and the first checkpoint leaves: rows, no checkpoint
        Files.delete(out.resolve("latest"));
        try (var s = Files.walk(out.resolve("checkpoints"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        CliTest.Result again = CliTest.run(a);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("resuming");
        assertThat(withoutTimes(out.resolve("metrics.csv"))).isEqualTo(complete).hasSize(5);
    }

    /** The first {@code n} columns of a CSV line: step, reward, accuracy, response_tokens, stopped, entropy. */
    private static List<String> firstColumns(String line, int n) {
        return List.of(line.split(",", -1)).subList(0, n);
    }

    private static List<String> withoutTimes(Path csv) throws Exception {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test
    void rewardsFromTheRewardServiceOverHttpScoreExactlyAsInProcessOnes() throws Exception {
        Path model = model();
        List<String> base = new ArrayList<>(args(model, dir.resolve("local"), 6));
        base.addAll(List.of("--shaping", "format_penalty=-0.5", "--shaping", "garbage_penalty=-1"));
        CliTest.Result local = CliTest.run(base.toArray(String[]::new));
        assertThat(local.code()).as(local.err()).isZero();
        try (MathVerifier verifier = new MathVerifier();
                RewardServer server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, null, null), null, null)) {
            List<String> remote = new ArrayList<>(base);
            remote.set(remote.indexOf("--out") + 1, dir.resolve("remote").toString());
            remote.addAll(List.of("--reward-url", server.uri().toString()));
            CliTest.Result r = CliTest.run(remote.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("rewards from the reward service " + server.uri().resolve("/v1/score"));
            assertThat(server.metrics().requests(200)).as("one scoring request per step and per evaluation").isGreaterThanOrEqualTo(6);
        }
        // Both runs start from the same weights and draw the same first samples, so the held-out evaluation
        // and the first step's rewards, accuracy, lengths and entropy must agree to the bit. What follows
        // the first update need not: libtorch's backward pass does not always repeat bit for bit even on
        // one thread (docs/train.md), and the samples after it follow the weights.
        List<String> a = withoutTimes(dir.resolve("local/metrics.csv"));
        List<String> b = withoutTimes(dir.resolve("remote/metrics.csv"));
        assertThat(b).hasSameSizeAs(a);
        assertThat(b.subList(0, 2)).isEqualTo(a.subList(0, 2));
        assertThat(firstColumns(b.get(2), 6)).isEqualTo(firstColumns(a.get(2), 6));
        // the shaping terms reach the trainer: a random model writes garbled text with no \\boxed answer, -0.5 - 1 each
        assertThat(a.get(2).split(",")[1]).as(String.join("\n", a)).isEqualTo("-1.500000");
    }

    @Test
    void sftReadsCuratedShareGptAndWritesAModelTheEngineServes() throws Exception {
        Path model = model();
        Path data = dir.resolve("sharegpt.jsonl");
        List<String> lines = new ArrayList<>();
        for (int a = 1; a <= 9; a++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("system", "")
                    .set("conversations", Json.mapper().createArrayNode()
                            .add(Json.mapper().createObjectNode().put("from", "human").put("value", a + "+1="))
                            .add(Json.mapper().createObjectNode().put("from", "gpt").put("value", "\\boxed{" + (a + 1) + "}")))));
        }
        Files.write(data, lines);
        Path out = dir.resolve("sft");
        CliTest.Result r = CliTest.run("train", "sft", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(), "--steps", "120",
                "--batch", "8", "--lr", "3e-3", "--raw", "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("loss ([0-9.]+) over the first tenth, ([0-9.]+) over the last").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(m.group(2))).isLessThan(Double.parseDouble(m.group(1)) / 2);
        try (LocalEngine e = LocalEngine.open(out, "sft", "cpu", null, new Generator.Limits(4, 4096))) {
            Generation g = e.generate(new GenerationRequest("sft", "4+1=", false, 16, 0, 1, 0, List.of(), Duration.ofSeconds(60)));
            assertThat(g.text()).isEqualTo("\\boxed{5}");
        }
        // `arbiter eval` loads the trained folder in process and the verifier grades what it learned
        List<String> problems = new ArrayList<>();
        for (int a = 1; a <= 9; a++) {
            problems.add(Json.line(Json.mapper().createObjectNode().put("id", "s" + a).put("prompt", a + "+1=").put("answer", Integer.toString(a + 1))));
        }
        Path jsonl = dir.resolve("sums.jsonl");
        Files.write(jsonl, problems);
        for (Path evaluated : List.of(out, model)) {
            CliTest.Result ev = CliTest.run("eval", "--jsonl", jsonl.toString(), "--model", evaluated.toString(), "--device", "cpu", "--raw", "--template", "{problem}", "--n", "1",
                    "--temperature", "0", "--max-tokens", "16", "--store", dir.resolve(evaluated.getFileName() + ".db").toString(), "--out",
                    dir.resolve("eval-" + evaluated.getFileName()).toString());
            assertThat(ev.code()).as(ev.err()).isZero();
            double pass1 = Json.mapper().readTree(dir.resolve("eval-" + evaluated.getFileName()).resolve("summary.json").toFile()).at("/benchmarks/0/metrics/pass_at1/mean")
                    .asDouble(Double.NaN);
            assertThat(pass1).as(evaluated + " " + Files.readString(dir.resolve("eval-" + evaluated.getFileName()).resolve("summary.json"))).isEqualTo(evaluated == out ? 1.0 : 0.0);
        }
    }

    @Test
    void badInputIsAnsweredWithAMessage() throws Exception {
        Path model = model();
        CliTest.Result r = CliTest.run("train", "rl", "--model", model.toString(), "--task", "multiplication:2", "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--task takes addition:D").doesNotContain("Exception");
        r = CliTest.run("train", "rl", "--model", model.toString(), "--task", "addition:1", "--group", "1", "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("at least 2 samples per prompt");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"question\": \"1+1\"}\n");
        r = CliTest.run("train", "sft", "--model", model.toString(), "--data", bad.toString(), "--out", dir.resolve("s").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("line 1: no prompt and response");
        r = CliTest.run("train", "rl", "--help");
        assertThat(r.out()).contains("leave-one-out", "--reference-ema", "resumes from its last checkpoint");
    }
}
