package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter scale` and `arbiter behaviours` end to end, against a real HTTP server. */
class ScaleCliTest {
    @TempDir
    Path dir;

    /** Requests a sweep or an eval makes before sampling: the served model's fingerprint (the test server has no /v1/models). */
    private static final int PROBES = dev.arbiter.inference.Fingerprint.PROMPTS.size();

    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
    private static final String CUT_OPEN = "It was stopped before it finished:\n\n";
    private static final String CUT_CLOSE = "\n\nStop reasoning now.";

    private Path problems(int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + (i * 7) + "?")
                    .put("answer", Integer.toString(8 * i))));
        }
        Path f = dir.resolve("sums.jsonl");
        Files.write(f, lines);
        return f;
    }

    private static long sum(String prompt) {
        Matcher m = SUM.matcher(prompt);
        return m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
    }

    /** Thinks for 300 tokens then answers; the answer step gets it right only from 64 tokens of thinking on. */
    private static String longThinker(String prompt) {
        if (prompt.contains(CUT_OPEN)) {
            String thinking = prompt.substring(prompt.indexOf(CUT_OPEN) + CUT_OPEN.length(), prompt.indexOf(CUT_CLOSE));
            return FakeOpenAiServer.tokens(thinking).size() >= 64 ? "\\boxed{" + sum(prompt) + "}" : "\\boxed{-1}";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            b.append("step").append(i).append(' ');
        }
        return b + "</think> The answer is \\boxed{" + sum(prompt) + "}.";
    }

    /** Keeps a plot where a person can look at it after the build (target/scaling-plots/). */
    private static void keep(Path png, String name) throws Exception {
        Path to = Path.of("target", "scaling-plots");
        Files.createDirectories(to);
        Files.copy(png, to.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, double[]> csv(Path f) throws Exception {
        Map<String, double[]> out = new HashMap<>();
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.getFirst()).isEqualTo("curve,metric,point,x,y,ci_low,ci_high");
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            out.put(c[0] + "|" + c[2], new double[] {Double.parseDouble(c[3]), Double.parseDouble(c[4]), Double.parseDouble(c[5]), Double.parseDouble(c[6])});
        }
        return out;
    }

    @Test
    void aTruncationSweepOverFiveBudgetsCostsOneGenerationPlusOneAnswerCallPerBudget() throws Exception {
        Path jsonl = problems(4);
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(ScaleCliTest::longThinker)) {
            List<String> args = List.of("scale", "--budgets", "256,16,64,32,128", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(),
                    "--model", "thinker", "--n", "1", "--answer-tokens", "32", "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("sweep").toString());
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            // 4 problems x 1 sample: 4 full generations at the largest budget, then 5 answer calls each
            List<JsonNode> bodies = List.copyOf(s.bodies);
            assertThat(bodies).hasSize(PROBES + 4 + 4 * 5); // the fingerprint's probes, then the sweep
            assertThat(bodies.stream().filter(b -> b.path("max_tokens").asInt() == 256).count()).isEqualTo(4);
            assertThat(r.out()).contains("model calls: answer 20, full 4");
            JsonNode calls = Json.mapper().readTree(dir.resolve("sweep/calls.json").toFile());
            assertThat(calls.at("/full/calls").asInt()).isEqualTo(4);
            assertThat(calls.at("/answer/calls").asInt()).isEqualTo(20);

            // the answer step never sees more thinking than its budget: per problem, exactly one prompt per budget
            Map<String, List<Integer>> sentPerProblem = new HashMap<>();
            for (JsonNode b : bodies) {
                String p = b.path("messages").path(0).path("content").asText();
                if (p.contains(CUT_OPEN)) {
                    String thinking = p.substring(p.indexOf(CUT_OPEN) + CUT_OPEN.length(), p.indexOf(CUT_CLOSE));
                    assertThat(thinking).doesNotContain("</think>");
                    sentPerProblem.computeIfAbsent(Long.toString(sum(p)), k -> new ArrayList<>()).add(FakeOpenAiServer.tokens(thinking).size());
                    assertThat(b.path("max_tokens").asInt()).isEqualTo(32); // --answer-tokens
                    assertThat(b.path("temperature").asDouble()).isZero();
                }
            }
            assertThat(sentPerProblem).hasSize(4);
            sentPerProblem.values().forEach(v -> assertThat(v).containsExactlyInAnyOrder(16, 32, 64, 128, 256));

            // accuracy rises where the thinking holds enough; x is the tokens actually used
            Map<String, double[]> pts = csv(dir.resolve("sweep/scale.csv"));
            String curve = "thinker jsonl:sums.jsonl (truncate)";
            assertThat(pts).containsKey(curve + "|budget=16");
            assertThat(pts.get(curve + "|budget=16")[1]).isZero();
            assertThat(pts.get(curve + "|budget=32")[1]).isZero();
            assertThat(pts.get(curve + "|budget=64")[1]).isEqualTo(1.0);
            assertThat(pts.get(curve + "|budget=256")[1]).isEqualTo(1.0);
            assertThat(pts.get(curve + "|budget=16")[0]).isGreaterThan(16).isLessThan(32); // 16 thinking + a short answer
            assertThat(pts.get(curve + "|budget=128")[0]).isLessThan(pts.get(curve + "|budget=256")[0]);

            keep(dir.resolve("sweep/scale.png"), "truncation-sweep.png");
            BufferedImage png = ImageIO.read(dir.resolve("sweep/scale.png").toFile());
            assertThat(png.getWidth()).isEqualTo(960);
            assertThat(png.getHeight()).isEqualTo(600);
            assertThat(Files.readString(dir.resolve("sweep/scale.svg"))).contains("thinker jsonl:sums.jsonl (truncate)").contains("tokens used per sample");

            // a second sweep finds every answer in the store and calls the model for nothing
            CliTest.Result again = CliTest.run(args.toArray(String[]::new));
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(s.bodies).hasSize(2 * PROBES + 24);
            assertThat(again.out()).contains("answer 0 (+20 from the store)");
        }
    }

    /**
     * Wrong when seed % m == 1, m = 2, 3 or 4 by the problem (so problems differ and the bands have width),
     * saying sum + 1 or sum + 2: two wrong answers to vote for.
     */
    private static FakeOpenAiServer.Model voter() {
        return (prompt, seed) -> {
            long sum = sum(prompt);
            long said = seed % (2 + sum % 3) == 1 ? sum + 1 + (seed % 8 >= 4 ? 1 : 0) : sum;
            String wait = seed % 2 == 0 ? "Wait, let me check that again. " : "";
            return new FakeOpenAiServer.Reply(wait + "Adding gives " + said + ". So the answer is \\boxed{" + said + "}.", "stop");
        };
    }

    @Test
    void curvesFromASavedRunMatchTheMetricsAndCallNoModel() throws Exception {
        Path jsonl = problems(5);
        try (FakeOpenAiServer s = new FakeOpenAiServer(voter())) {
            CliTest.Result ev = CliTest.run("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "voter", "--n", "16",
                    "--max-tokens", "256", "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("run").toString(),
                    "--strategy", "self-consistency");
            assertThat(ev.code()).as(ev.err()).isZero();
            assertThat(ev.out()).contains("self-consistency (majority of 16 votes");
            int calls = s.received.get();
            assertThat(calls).isEqualTo(5 * 16 + dev.arbiter.inference.Fingerprint.PROMPTS.size()); // the samples, and the model's fingerprint

            CliTest.Result r = CliTest.run("scale", "--from-run", dir.resolve("run").toString(), "--store", dir.resolve("store.db").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(s.received.get()).isEqualTo(calls);
            JsonNode m = Json.mapper().readTree(dir.resolve("run/summary.json").toFile()).at("/benchmarks/0/metrics");
            Map<String, double[]> pts = csv(dir.resolve("run/scaling/scale.csv"));
            assertThat(pts).containsKey("voter jsonl:sums.jsonl pass@k|k=1");
            for (int k : List.of(1, 2, 4, 8, 16)) {
                double[] pass = pts.get("voter jsonl:sums.jsonl pass@k|k=" + k);
                double[] maj = pts.get("voter jsonl:sums.jsonl maj@k|k=" + k);
                assertThat(pass[0]).isEqualTo(k);
                assertThat(pass[1]).isCloseTo(m.path("pass_at_k").path(Integer.toString(k)).asDouble(), within(1e-9));
                assertThat(maj[1]).isCloseTo(m.path("maj_at_k").path(Integer.toString(k)).asDouble(), within(1e-9));
                assertThat(pass[2]).isLessThanOrEqualTo(pass[1]);
                assertThat(pass[3]).isGreaterThanOrEqualTo(pass[1]);
            }
            // right per problem: 8, 12, 11, 8, 12 of 16 (m = 2, 4, 3, 2, 4 for sums 0, 8, 16, 24, 32)
            assertThat(pts.get("voter jsonl:sums.jsonl pass@k|k=1")[1]).isCloseTo((8 + 12 + 11 + 8 + 12) / 80.0, within(1e-9));
            assertThat(pts.get("voter jsonl:sums.jsonl pass@k|k=1")[2]).isLessThan(pts.get("voter jsonl:sums.jsonl pass@k|k=1")[1]);
            assertThat(pts.get("voter jsonl:sums.jsonl pass@k|k=16")[1]).isEqualTo(1.0);
            assertThat(pts.get("voter jsonl:sums.jsonl maj@k|k=16")[1]).isEqualTo(1.0);
            assertThat(ImageIO.read(dir.resolve("run/scaling/scale.png").toFile()).getWidth()).isEqualTo(960);
            keep(dir.resolve("run/scaling/scale.png"), "sample-budget.png");

            // behaviours: the even seeds say "Wait, let me check", the odd ones do not
            CliTest.Result b = CliTest.run("behaviours", "--from-run", dir.resolve("run").toString(), "--store", dir.resolve("store.db").toString());
            assertThat(b.code()).as(b.err()).isZero();
            assertThat(b.out()).contains("| backtracking | 50.0% | 0.50 |").contains("| verification | 50.0% | 0.50 |")
                    .contains("| alternatives | 0.0% |");
            List<String> rows = Files.readAllLines(dir.resolve("run/behaviours/behaviours.csv"));
            assertThat(rows).hasSize(1 + 5 * 16);
            keep(dir.resolve("run/behaviours/behaviours.png"), "behaviours.png");
            assertThat(rows.getFirst()).isEqualTo("run,benchmark,problem,sample,outcome,tokens,backtracking,verification,alternatives,self_correction");
            assertThat(s.received.get()).isEqualTo(calls);
        }
    }

    @Test
    void evalWithSiftStoresOneAnswerPerSampleAndCountsStages() throws Exception {
        Path jsonl = problems(2);
        // the sticker prediction and the query+sticker prediction always agree: stage 1, 3 calls per answer
        // each problem's sticker names its sum, so no two problems send the same prompt (a shared one would be served from the store)
        FakeOpenAiServer.Continuation script = p -> p.startsWith("Read the problem below") ? "Sticker: the sum asked for is " + sum(p)
                : p.contains("Sticker:") ? "\\boxed{5}" : "\\boxed{" + sum(p) + "}";
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(script)) {
            List<String> args = List.of("eval", "--strategy", "sift", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "m",
                    "--n", "2", "--temperature", "0", "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("sift").toString());
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("sift: stage 1 (sticker) 4").contains("calls 12");
            JsonNode summary = Json.mapper().readTree(dir.resolve("sift/summary.json").toFile());
            assertThat(summary.at("/run/sift/branches/stage1_consensus").asInt()).isEqualTo(4);
            assertThat(summary.at("/run/sift/calls/sift:sticker/calls").asInt()).isEqualTo(4);
            assertThat(summary.at("/run/sift/calls/sift:predict-both/calls").asInt()).isEqualTo(4);
            assertThat(summary.at("/config/strategy").asText()).isEqualTo("sift");
            assertThat(summary.at("/config/generation/model").asText()).isEqualTo("m [strategy sift/1]");
            // the agreed answer (5) is graded, and it is wrong for both sums (0 and 8)
            assertThat(summary.at("/benchmarks/0/metrics/pass_at1/mean").asDouble()).isZero();
            int calls = s.bodies.size();
            CliTest.Result again = CliTest.run(args.toArray(String[]::new));
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(s.bodies).hasSize(calls + dev.arbiter.inference.Fingerprint.PROMPTS.size()); // the fingerprint again; every answer was stored
        }
    }

    private static int errorCount(CliTest.Result r) {
        return (int) r.err().lines().filter(l -> l.startsWith("arbiter: ")).count();
    }

    @Test
    void aSweepOfAnotherModelUnderTheSameNameIsRefusedOrKeptApartByRevision() throws Exception {
        Path jsonl = problems(2);
        List<String> args = new ArrayList<>(List.of("scale", "--budgets", "16,64", "--jsonl", jsonl.toString(), "--model", "thinker", "--n", "1",
                "--answer-tokens", "32", "--store", dir.resolve("store.db").toString()));
        try (FakeOpenAiServer a = FakeOpenAiServer.continuing(ScaleCliTest::longThinker)) {
            CliTest.Result r = CliTest.run(with(args, "--endpoint", a.uri().toString(), "--out", dir.resolve("a").toString()));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("arbiter scale: 'thinker' at " + a.uri()).contains("first seen under this name; recorded");
            assertThat(r.out()).contains("model calls: answer 4, full 2");
        }
        // another model under the same name: it thinks in other words, and its answer step is always right
        FakeOpenAiServer.Continuation other = p -> p.contains(CUT_OPEN) ? "\\boxed{" + sum(p) + "}"
                : "hmm ".repeat(300) + "</think> The answer is \\boxed{" + sum(p) + "}.";
        try (FakeOpenAiServer b = FakeOpenAiServer.continuing(other)) {
            CliTest.Result refused = CliTest.run(with(args, "--endpoint", b.uri().toString(), "--out", dir.resolve("b").toString()));
            assertThat(refused.code()).isEqualTo(1);
            assertThat(errorCount(refused)).isEqualTo(1);
            assertThat(refused.err()).contains("'thinker' at " + b.uri() + " is not the model whose samples the store holds under that name")
                    .contains("--model-revision");
            assertThat(b.bodies).hasSize(PROBES);
            assertThat(dir.resolve("b")).doesNotExist();

            CliTest.Result revised = CliTest.run(with(args, "--endpoint", b.uri().toString(), "--out", dir.resolve("b").toString(),
                    "--model-revision", "quick"));
            assertThat(revised.code()).as(revised.err()).isZero();
            // its own generations and answer calls, none from the first model's
            assertThat(revised.out()).contains("model calls: answer 4, full 2;").doesNotContain("from the store");
            Map<String, double[]> pts = csv(dir.resolve("b/scale.csv"));
            assertThat(pts.get("thinker jsonl:sums.jsonl (truncate)|budget=16")[1]).isEqualTo(1.0);
        }
    }

    @Test
    void siftStagesOfOneModelAreNotReusedForAnotherUnderTheSameName() throws Exception {
        Path jsonl = problems(2);
        FakeOpenAiServer.Continuation wrong = p -> p.startsWith("Read the problem below") ? "Sticker: the sum asked for is " + sum(p)
                : p.contains("Sticker:") ? "\\boxed{5}" : "\\boxed{" + sum(p) + "}";
        // this one's sticker restates the question, so each of its stages answers it: stage 1, 3 calls per answer
        FakeOpenAiServer.Continuation right = p -> p.startsWith("Read the problem below") ? "Sticker: What is " + sum(p) + " + 0?"
                : "\\boxed{" + sum(p) + "}";
        List<String> args = new ArrayList<>(List.of("eval", "--strategy", "sift", "--jsonl", jsonl.toString(), "--model", "m", "--n", "2",
                "--temperature", "0", "--store", dir.resolve("store.db").toString()));
        try (FakeOpenAiServer a = FakeOpenAiServer.continuing(wrong)) {
            CliTest.Result r = CliTest.run(with(args, "--endpoint", a.uri().toString(), "--out", dir.resolve("a").toString()));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Json.mapper().readTree(dir.resolve("a/summary.json").toFile()).at("/benchmarks/0/metrics/pass_at1/mean").asDouble()).isZero();
        }
        try (FakeOpenAiServer b = FakeOpenAiServer.continuing(right)) {
            CliTest.Result r = CliTest.run(with(args, "--endpoint", b.uri().toString(), "--out", dir.resolve("b").toString(),
                    "--model-revision", "v2"));
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode summary = Json.mapper().readTree(dir.resolve("b/summary.json").toFile());
            // every stage asked of this model: none of the first model's stages is reused
            assertThat(summary.at("/run/sift/calls/sift:sticker/calls").asInt()).isEqualTo(4);
            assertThat(summary.at("/run/sift/calls/sift:sticker/cached").asInt()).isZero();
            assertThat(b.bodies).hasSize(PROBES + 12);
            assertThat(summary.at("/benchmarks/0/metrics/pass_at1/mean").asDouble()).isEqualTo(1.0);
        }
    }

    private static String[] with(List<String> args, String... more) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void badInputGetsAClearMessage() throws Exception {
        CliTest.Result none = CliTest.run("scale");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--from-run").contains("--budgets");
        CliTest.Result notRun = CliTest.run("scale", "--from-run", dir.toString());
        assertThat(notRun.code()).isEqualTo(1);
        assertThat(notRun.err()).contains("no summary.json").doesNotContain("Exception");
        CliTest.Result force = CliTest.run("scale", "--style", "force", "--budgets", "64", "--jsonl", problems(1).toString(), "--endpoint",
                "http://127.0.0.1:9", "--model", "m");
        assertThat(force.code()).isEqualTo(2);
        assertThat(force.err()).contains("--raw");
        Path lex = dir.resolve("lex.json");
        Files.writeString(lex, "{\"x\": [\"(unclosed\"]}");
        CliTest.Result bad = CliTest.run("behaviours", "--from-run", dir.toString(), "--lexicon", lex.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("bad pattern");
    }
}
