package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproduce mode end to end: `eval --preset` against the test server on the real AIME 2024 problems, then
 * `report --compare-published` beside the DeepSeek-R1 README's score, inside and outside our interval, and refused when
 * the run was sampled otherwise.
 */
@Tag("data")
class PresetCliTest {
    private static final String MODEL = "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B";
    private static final String README = "https://github.com/deepseek-ai/DeepSeek-R1/blob/00f3296a14392e787d4138b5a0d8ce0e55a25b23/README.md";

    @TempDir
    static Path cache;

    @TempDir
    Path dir;

    static List<Problem> aime;

    @BeforeAll
    static void load() {
        aime = new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null)).load("aime24", Selection.DEFAULT).problems();
        assertThat(aime).hasSize(30);
    }

    /** Answers the first {@code right} problems of AIME 2024 right and the rest with 1000, which no AIME answer is. */
    private static FakeOpenAiServer.Model solving(int right) {
        return (prompt, seed) -> {
            for (int i = 0; i < aime.size(); i++) {
                if (prompt.contains(aime.get(i).prompt())) {
                    String said = i < right ? ((MathAnswer) aime.get(i).gold()).answer() : "1000";
                    return new FakeOpenAiServer.Reply("Working it through, the answer is \\boxed{" + said + "}.", "stop");
                }
            }
            return new FakeOpenAiServer.Reply("Hello.", "stop"); // the fingerprint's probes
        };
    }

    private List<String> eval(FakeOpenAiServer s, String store, String out, String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "--benchmark", "aime24", "--data-dir", Shared.datasets().toString(), "--offline",
                "--endpoint", s.uri().toString(), "--model", MODEL, "--concurrency", "8", "--store", dir.resolve(store).toString(),
                "--out", dir.resolve(out).toString(), "--preset", "deepseek-r1"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void dryRunPrintsTheExactSettingsAndTheirSource() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(solving(0))) {
            CliTest.Result r = CliTest.run(eval(s, "store.db", "dry", "--dry-run").toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("""
                    preset deepseek-r1: DeepSeek-R1 and DeepSeek-R1-Distill evaluation
                      --temperature 0.6
                          from %1$s: 4. Evaluation Results: "we use a temperature of 0.6"
                      --top-p 0.95
                          from %1$s: 4. Evaluation Results: "a top-p value of 0.95"
                      --n 64
                          from %1$s: 4. Evaluation Results: "generate 64 responses per query to estimate pass@1"
                      --max-tokens 32768
                          from %1$s: 4. Evaluation Results: "the maximum generation length is set to 32,768 tokens"
                      --template $'{problem}\\n\\nPlease reason step by step, and put your final answer within \\\\boxed{}.'
                          from %1$s: 6. Usage Recommendations 2 and 3: no system prompt; the directive "Please reason step by step, and put your final answer within \\boxed{}." in the user prompt
                      differs from the source (--template): the README does not say how the directive joins the problem; Arbiter puts it after a blank line
                    """.formatted(README));
            assertThat(r.out()).doesNotContain("overridden").doesNotContain("--from") // the window is LiveCodeBench's only
                    .contains("aime24: 30 problems x 64 samples = 1920; stored 0; would request 1920 (max 32768 tokens each)");
            assertThat(r.err()).contains("\"temperature\" : 0.6", "\"top_p\" : 0.95", "\"max_tokens\" : 32768", "\"n\" : 64");
        }
    }

    @Test
    void flagsOnTheCommandLineWinAndTheDryRunSaysWhich() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(solving(0))) {
            CliTest.Result r = CliTest.run(eval(s, "store.db", "dry", "--dry-run", "--temperature", "0.7", "--n", "8").toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("  --temperature 0.7  (given by the command line; the preset's 0.6)\n",
                    "  --n 8  (given by the command line; the preset's 64)\n", "  --max-tokens 32768\n",
                    "  overridden: --temperature 0.7 (the command line), --n 8 (the command line)\n",
                    "aime24: 30 problems x 8 samples = 240; stored 0; would request 240 (max 32768 tokens each)");
            assertThat(r.err()).contains("\"temperature\" : 0.7", "\"max_tokens\" : 32768", "\"n\" : 8");

            // a --config file wins over the preset too, and the command line over both
            Path yaml = Files.writeString(dir.resolve("run.yaml"), "top_p: 0.9\nn: 16\n");
            CliTest.Result c = CliTest.run(eval(s, "store.db", "dry2", "--dry-run", "--config", yaml.toString(), "--n", "2").toArray(String[]::new));
            assertThat(c.code()).as(c.err()).isZero();
            assertThat(c.out()).contains("  --top-p 0.9  (given by --config; the preset's 0.95)\n", "  --n 2  (given by the command line; the preset's 64)\n",
                    "  --temperature 0.6\n", "aime24: 30 problems x 2 samples = 60;");
        }
    }

    @Test
    void everyPresetSetsFlagsEvalHasWithValuesOfTheirType() {
        var eval = Main.commandLine().getSubcommands().get("eval").getCommandSpec();
        for (dev.arbiter.run.Preset p : dev.arbiter.run.Preset.all()) {
            for (dev.arbiter.run.Preset.Setting s : p.settings()) {
                var opt = eval.findOption(s.flag());
                assertThat(opt).as(p.name() + " " + s.flag()).isNotNull();
                assertThat(s.as(opt.type(), opt.auxiliaryTypes()[0])).as(p.name() + " " + s.flag()).isNotNull();
            }
        }
    }

    @Test
    void anUnknownPresetIsAUsageErrorNamingTheKnownOnesAndListShowsThem() {
        CliTest.Result r = CliTest.run("eval", "--benchmark", "aime24", "--model", "m", "--preset", "deepseek");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown preset 'deepseek'; known: deepseek-r1, skythought, qwen2.5-math (`arbiter eval --preset list` shows them)");

        CliTest.Result list = CliTest.run("eval", "--preset", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("deepseek-r1: DeepSeek-R1 and DeepSeek-R1-Distill evaluation\n  --temperature 0.6\n",
                "skythought: SkyThought evaluation of Sky-T1-32B-Preview\n", "  --temperature 0.7  (for aime24, gpqa_diamond)\n",
                "qwen2.5-math: ", "  --raw true\n", "  source readme: " + README + "\n");
    }

    @Test
    void aRunUnderThePresetIsComparedWithThePublishedScoreInsideAndOutsideOurInterval() throws Exception {
        try (FakeOpenAiServer good = new FakeOpenAiServer(solving(17)); FakeOpenAiServer poor = new FakeOpenAiServer(solving(3))) {
            CliTest.Result a = CliTest.run(eval(good, "good.db", "good", "--n", "8").toArray(String[]::new));
            assertThat(a.code()).as(a.err()).isZero();
            CliTest.Result b = CliTest.run(eval(poor, "poor.db", "poor", "--n", "8").toArray(String[]::new));
            assertThat(b.code()).as(b.err()).isZero();

            CliTest.Result inside = CliTest.run("report", "--from-run", dir.resolve("good").toString(), "--compare-published");
            assertThat(inside.code()).as(inside.err()).isZero();
            assertThat(inside.out()).containsPattern("\\| aime24 \\| DeepSeek-R1-Distill-Qwen-7B \\| 56\\.7 \\(\\d+\\.\\d–\\d+\\.\\d\\) \\| 8 \\| 55\\.5 \\|"
                    + " pass@1 over 64 samples \\| DeepSeek-R1 README \\| yes \\|");
            assertThat(inside.out()).contains("| aime24 | DeepSeek-R1-Distill-Qwen-7B | 56.7 (", "| 83.3 | cons@64 | DeepSeek-R1 README | not compared |",
                    "n 8 vs 64: the same pass@1 estimated from fewer or more samples", README,
                    "row DeepSeek-R1-Distill-Qwen-7B, column AIME 2024 pass@1", "\nRerun with:\n  arbiter eval --benchmark aime24 --endpoint ");

            CliTest.Result outside = CliTest.run("report", "--from-run", dir.resolve("poor").toString(), "--compare-published");
            assertThat(outside.code()).as(outside.err()).isZero();
            assertThat(outside.out()).containsPattern("\\| aime24 \\| DeepSeek-R1-Distill-Qwen-7B \\| 10\\.0 \\(\\d+\\.\\d–\\d+\\.\\d\\) \\| 8 \\| 55\\.5 \\|"
                    + " pass@1 over 64 samples \\| DeepSeek-R1 README \\| no \\|");

            // the run recorded what else changes output, and a command that makes the same run: rerun, it has nothing left to ask
            JsonNode rep = Json.mapper().readTree(Files.readString(dir.resolve("good/summary.json"))).path("config").path("reproduce");
            assertThat(rep.path("preset").asText()).isEqualTo("deepseek-r1");
            assertThat(rep.path("overridden")).extracting(JsonNode::asText).containsExactly("--n 8");
            assertThat(rep.path("endpoint").asText()).isEqualTo("chat");
            assertThat(rep.path("top_k").asText()).isEqualTo("not sent (the server's default)");
            assertThat(rep.path("data").get(0).path("problems_sha256").asText()).matches("[0-9a-f]{64}");
            List<String> rerun = new ArrayList<>();
            rep.path("rerun").forEach(x -> rerun.add(x.asText()));
            String line = inside.out().substring(inside.out().indexOf("Rerun with:\n  ") + 14).lines().findFirst().orElseThrow();
            Process bash = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + line).start();
            List<String> words = List.of(new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\0"));
            assertThat(bash.waitFor()).isZero();
            assertThat(words).isEqualTo(rerun); // the printed line is the recorded command, word for word
            String page;
            try (var pages = Files.walk(dir.resolve("good/site/runs"))) {
                page = Files.readString(pages.filter(f -> f.getFileName().toString().equals("index.html")).findFirst().orElseThrow());
            }
            assertThat(page).contains("<tr><th>preset</th><td>deepseek-r1 (overridden: --n 8)</td></tr>", "<tr><th>rerun with</th><td>arbiter eval --benchmark aime24");
            List<String> again = new ArrayList<>(rerun.subList(1, rerun.size()));
            again.addAll(List.of("--data-dir", Shared.datasets().toString(), "--offline", "--out", dir.resolve("again").toString(), "--dry-run"));
            CliTest.Result dry = CliTest.run(again.toArray(String[]::new));
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("aime24: 30 problems x 8 samples = 240; stored 240; would request 0");
        }
    }

    @Test
    void aRunSampledOtherwiseIsRefusedInOneLineWithTheDifferences() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(solving(17))) {
            CliTest.Result a = CliTest.run(eval(s, "store.db", "hot", "--n", "2", "--limit", "5", "--temperature", "0.7").toArray(String[]::new));
            assertThat(a.code()).as(a.err()).isZero();
            CliTest.Result r = CliTest.run("report", "--from-run", dir.resolve("hot").toString(), "--compare-published");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).isEqualTo("arbiter: " + dir.resolve("hot") + ": not compared, the run's settings differ from the published"
                    + " evaluation's: aime24 vs DeepSeek-R1 README: problems 5 vs 30, temperature 0.7 vs 0.6 (rerun with the source's settings:"
                    + " arbiter eval --preset NAME)");
        }
    }
}
