package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import dev.arbiter.train.data.Traces;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter curate`: rejection sampling into SFT files, checked through the CLI on real MATH-500 data. */
@Tag("data")
@Tag("slow")
class CurateCliTest {
    @TempDir
    Path dir;

    private static CliTest.Result curate(String... args) {
        List<String> all = new ArrayList<>(List.of("curate"));
        all.addAll(List.of(args));
        all.addAll(List.of("--offline", "--data-dir", Shared.datasets().toString()));
        return CliTest.run(all.toArray(String[]::new));
    }

    private static List<JsonNode> lines(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            out.add(Json.mapper().readTree(l));
        }
        return out;
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void noStackTrace(CliTest.Result r) {
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void everyMath500ReferenceSolutionIsKept() throws Exception {
        Path out = dir.resolve("ref");
        long t0 = System.nanoTime();
        CliTest.Result r = curate("--references", "--benchmark", "math500", "--out", out.toString());
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(r.code()).as(r.err()).isZero();
        System.out.printf("curate math500 references (%.1f s in-process): %s%n", secs, r.out().strip());
        assertThat(r.out()).contains("math500: kept 500 of 500 (correct 500, wrong 0)");
        List<JsonNode> sg = lines(out.resolve("sharegpt.jsonl"));
        assertThat(sg).hasSize(500);
        assertThat(Files.readAllLines(out.resolve("alpaca.jsonl"))).hasSize(500);
        assertThat(Files.readAllLines(out.resolve("rejected.jsonl"))).isEmpty();
        List<Problem> ps = Traces.problems("math500");
        for (int i = 0; i < ps.size(); i++) {
            assertThat(sg.get(i).get("id").asText()).isEqualTo(ps.get(i).id());
            assertThat(sg.get(i).at("/conversations/0/value").asText()).isEqualTo(ps.get(i).prompt());
            assertThat(sg.get(i).at("/conversations/1/value").asText()).isEqualTo(((MathAnswer) ps.get(i).gold()).solution());
        }
        JsonNode stats = Json.mapper().readTree(out.resolve("stats.json").toFile());
        assertThat(stats.at("/sources/math500/kept").asInt()).isEqualTo(500);
        assertThat(stats.at("/length_unit").asText()).isEqualTo("characters");
        assertThat(stats.at("/length_note").asText()).contains("not tokens");
        int max = ps.stream().mapToInt(p -> ((MathAnswer) p.gold()).solution().length()).max().orElseThrow();
        int min = ps.stream().mapToInt(p -> ((MathAnswer) p.gold()).solution().length()).min().orElseThrow();
        assertThat(stats.at("/total/kept_length/max").asInt()).isEqualTo(max);
        assertThat(stats.at("/total/kept_length/min").asInt()).isEqualTo(min);
    }

    /** Every \boxed{...} of a text with its content replaced. */
    private static String reboxed(String text, String content) {
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (int at; (at = text.indexOf("\\boxed{", from)) >= 0; ) {
            int open = at + "\\boxed{".length();
            int depth = 1;
            int i = open;
            for (; i < text.length() && depth > 0; i++) {
                depth += text.charAt(i) == '{' ? 1 : text.charAt(i) == '}' ? -1 : 0;
            }
            sb.append(text, from, open).append(content).append('}');
            from = i;
        }
        return sb.append(text.substring(from)).toString();
    }

    @Test
    void referenceSolutionsWithEveryAnswerAlteredAreAllRejected() throws Exception {
        List<Problem> ps = Traces.problems("math500");
        String wrong = "-987654.321";
        List<String> gens = new ArrayList<>();
        try (MathVerifier v = new MathVerifier()) {
            for (Problem p : ps) {
                MathAnswer a = (MathAnswer) p.gold();
                String altered = reboxed(a.solution(), wrong);
                assertThat(altered).isNotEqualTo(a.solution()).contains("\\boxed{" + wrong + "}");
                // The alteration really changes the value the verifier reads.
                assertThat(v.verify(a.answer(), altered).equal()).as(p.id()).isFalse();
                gens.add(Json.line(Map.of("problem_id", p.id(), "completion", altered)));
            }
        }
        Path file = Files.write(dir.resolve("altered.jsonl"), gens);
        Path out = dir.resolve("altered");
        CliTest.Result r = curate("--generations", file.toString(), "--benchmark", "math500", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("math500: kept 0 of 500 (correct 0, wrong 500)");
        assertThat(Files.readAllLines(out.resolve("sharegpt.jsonl"))).isEmpty();
        List<JsonNode> rejected = lines(out.resolve("rejected.jsonl"));
        assertThat(rejected).hasSize(500).allSatisfy(n -> {
            assertThat(n.get("outcome").asText()).isEqualTo("wrong");
            assertThat(n.get("extracted").asText()).isEqualTo(wrong);
        });
        assertThat(rejected.get(0).get("id").asText()).isEqualTo(ps.get(0).id() + "#1");
        assertThat(rejected.get(0).get("answer").asText()).isEqualTo(((MathAnswer) ps.get(0).gold()).answer());

        // --keep wrong turns the same file into the paper's "wrong answers" set.
        Path wrongOut = dir.resolve("wrong");
        CliTest.Result w = curate("--generations", file.toString(), "--benchmark", "math500", "--out", wrongOut.toString(), "--keep", "wrong");
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(Files.readAllLines(wrongOut.resolve("sharegpt.jsonl"))).hasSize(500);
        assertThat(Json.mapper().readTree(wrongOut.resolve("stats.json").toFile()).get("keep").asText()).isEqualTo("wrong");
    }

    private Path selfContained() throws IOException {
        List<String> rows = List.of(
                Json.line(Json.mapper().createObjectNode().put("id", "ok").put("source", "mine").put("prompt", "What is 2+3?")
                        .put("response", "<think>2+3=5</think> The answer is $\\boxed{5}$.").put("answer", "5")),
                Json.line(Json.mapper().createObjectNode().put("prompt", "What is 1/2+1/4?").put("response", "So \\boxed{0.75}.").put("answer", 0.75)),
                Json.line(Json.mapper().createObjectNode().put("id", "bad").put("source", "mine").put("prompt", "What is 2+2?")
                        .put("response", "It is \\boxed{5}.").put("answer", "4")),
                Json.line(Json.mapper().createObjectNode().put("id", "none").put("source", "mine").put("prompt", "What is 3+3?")
                        .put("response", "I am not sure.").put("answer", "6")),
                "{this is not json",
                Json.line(Json.mapper().createObjectNode().put("id", "both").put("prompt", "p").put("response", "r").put("answer", "1").put("tests", "[]")));
        return Files.write(dir.resolve("mine.jsonl"), rows);
    }

    @Test
    void outputFilesHaveTheDocumentedLayoutFieldByField() throws Exception {
        Path out = dir.resolve("mine");
        CliTest.Result r = curate("--generations", selfContained().toString(), "--out", out.toString(), "--system", "Think first.");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mine: kept 1 of 3 (correct 1, wrong 1, no_answer 1)")
                .contains("math: kept 1 of 1 (correct 1").contains("(unreadable): kept 0 of 2 (correct 0, wrong 0, no_answer 2)")
                .contains("all: kept 2 of 6");

        List<JsonNode> sg = lines(out.resolve("sharegpt.jsonl"));
        assertThat(sg).hasSize(2);
        JsonNode first = sg.get(0);
        assertThat(fields(first)).containsExactly("id", "source", "system", "conversations");
        assertThat(first.get("id").asText()).isEqualTo("ok");
        assertThat(first.get("source").asText()).isEqualTo("mine");
        assertThat(first.get("system").asText()).isEqualTo("Think first.");
        assertThat(first.get("conversations")).hasSize(2);
        assertThat(fields(first.at("/conversations/0"))).containsExactly("from", "value");
        assertThat(first.at("/conversations/0/from").asText()).isEqualTo("human");
        assertThat(first.at("/conversations/0/value").asText()).isEqualTo("What is 2+3?");
        assertThat(first.at("/conversations/1/from").asText()).isEqualTo("gpt");
        assertThat(first.at("/conversations/1/value").asText()).isEqualTo("<think>2+3=5</think> The answer is $\\boxed{5}$.");
        assertThat(sg.get(1).get("id").asText()).isEqualTo("line 2");
        assertThat(sg.get(1).get("source").asText()).isEqualTo("math");

        List<JsonNode> al = lines(out.resolve("alpaca.jsonl"));
        assertThat(al).hasSize(2);
        assertThat(fields(al.get(0))).containsExactly("instruction", "input", "output", "system", "id", "source");
        assertThat(al.get(0).get("instruction").asText()).isEqualTo("What is 2+3?");
        assertThat(al.get(0).get("input").asText()).isEmpty();
        assertThat(al.get(0).get("output").asText()).isEqualTo(first.at("/conversations/1/value").asText());
        assertThat(al.get(0).get("system").asText()).isEqualTo("Think first.");

        List<JsonNode> rj = lines(out.resolve("rejected.jsonl"));
        assertThat(rj).extracting(n -> n.get("id").asText()).containsExactly("bad", "none", "line 5", "both");
        assertThat(rj).extracting(n -> n.get("outcome").asText()).containsExactly("wrong", "no_answer", "no_answer", "no_answer");
        assertThat(fields(rj.get(0))).containsExactly("id", "source", "outcome", "reason", "extracted", "answer", "prompt", "response");
        assertThat(rj.get(0).get("extracted").asText()).isEqualTo("5");
        assertThat(rj.get(0).get("answer").asText()).isEqualTo("4");
        assertThat(rj.get(0).get("response").asText()).isEqualTo("It is \\boxed{5}.");
        assertThat(rj.get(1).get("reason").asText()).isEqualTo("no answer found in the prediction");
        assertThat(rj.get(2).get("reason").asText()).contains("line 5").contains("not a JSON object");
        assertThat(rj.get(2).has("prompt")).isFalse();
        assertThat(rj.get(3).get("reason").asText()).contains("exactly one of 'answer' (math) and 'tests' (code)");

        JsonNode stats = Json.mapper().readTree(out.resolve("stats.json").toFile());
        assertThat(fields(stats)).containsExactly("input", "system", "length_unit", "length_note", "keep", "total", "sources");
        assertThat(stats.at("/input/generations").asText()).isEqualTo(dir.resolve("mine.jsonl").toString());
        assertThat(stats.get("system").asText()).isEqualTo("Think first.");
        assertThat(stats.get("keep").asText()).isEqualTo("correct");
        assertThat(fields(stats.get("sources"))).containsExactly("(unreadable)", "math", "mine");
        JsonNode mine = stats.at("/sources/mine");
        assertThat(fields(mine)).containsExactly("samples", "kept", "rejected", "outcomes", "kept_length");
        assertThat(fields(mine.get("outcomes"))).containsExactly("correct", "wrong", "no_answer", "truncated", "program_timeout",
                "verifier_timeout", "infrastructure_error");
        assertThat(List.of(mine.get("samples").asInt(), mine.get("kept").asInt(), mine.get("rejected").asInt(), mine.at("/outcomes/correct").asInt(),
                mine.at("/outcomes/wrong").asInt(), mine.at("/outcomes/no_answer").asInt(), mine.at("/outcomes/truncated").asInt(),
                mine.at("/outcomes/infrastructure_error").asInt()))
                .containsExactly(3, 1, 2, 1, 1, 1, 0, 0);
        int a = "<think>2+3=5</think> The answer is $\\boxed{5}$.".length();
        int b = "So \\boxed{0.75}.".length();
        JsonNode len = stats.at("/total/kept_length");
        assertThat(fields(len)).containsExactly("count", "min", "mean", "median", "p90", "max");
        assertThat(len.get("count").asInt()).isEqualTo(2);
        assertThat(len.get("min").asInt()).isEqualTo(Math.min(a, b));
        assertThat(len.get("max").asInt()).isEqualTo(Math.max(a, b));
        assertThat(len.get("mean").asDouble()).isEqualTo((a + b) / 2.0);
        assertThat(len.get("median").asDouble()).isEqualTo((a + b) / 2.0);
        assertThat(len.get("p90").asDouble()).isEqualTo(Math.min(a, b) + 0.9 * Math.abs(a - b));
        assertThat(stats.at("/sources/(unreadable)/kept_length/count").asInt()).isZero();
    }

    @Test
    void withATokenizerLengthsAreTokensAndSaySo() throws Exception {
        Path model = dir.resolve("tiny");
        CliTest.Result m = CliTest.run("model", "tiny", "--out", model.toString());
        assertThat(m.code()).as(m.err()).isZero();
        Path out = dir.resolve("tok");
        CliTest.Result r = curate("--generations", selfContained().toString(), "--out", out.toString(), "--tokenizer", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("kept tokens");
        JsonNode stats = Json.mapper().readTree(out.resolve("stats.json").toFile());
        assertThat(stats.get("length_unit").asText()).isEqualTo("tokens");
        assertThat(stats.get("tokenizer").asText()).isEqualTo(model.toString());
        assertThat(stats.has("length_note")).isFalse();
        int chars = "<think>2+3=5</think> The answer is $\\boxed{5}$.".length();
        // A byte-level BPE with a few hundred merges makes fewer tokens than characters, but some.
        assertThat(stats.at("/sources/mine/kept_length/max").asInt()).isBetween(1, chars);
    }

    @Test
    void aRerunReplacesTheFilesAndForeignFoldersAreRefused() throws Exception {
        Path file = selfContained();
        Path out = dir.resolve("again");
        assertThat(curate("--generations", file.toString(), "--out", out.toString()).code()).isZero();
        byte[] first = Files.readAllBytes(out.resolve("sharegpt.jsonl"));
        CliTest.Result again = curate("--generations", file.toString(), "--out", out.toString(), "--keep", "wrong");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(out.resolve("sharegpt.jsonl"))).isNotEqualTo(first);
        assertThat(lines(out.resolve("sharegpt.jsonl"))).extracting(n -> n.get("id").asText()).containsExactly("bad");
        try (var s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("sharegpt.jsonl", "alpaca.jsonl", "rejected.jsonl", "stats.json");
        }

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        CliTest.Result refused = curate("--generations", file.toString(), "--out", foreign.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("notes.txt").contains("give a new or empty folder");
        assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("mine");
        noStackTrace(refused);
    }

    @Test
    void badInputIsAClearMessageWithoutAStackTrace() throws Exception {
        Path out = dir.resolve("o");
        CliTest.Result none = curate("--out", out.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("give exactly one input");

        CliTest.Result two = curate("--references", "--generations", "x.jsonl", "--benchmark", "math500", "--out", out.toString());
        assertThat(two.code()).isEqualTo(2);

        CliTest.Result refsAlone = curate("--references", "--out", out.toString());
        assertThat(refsAlone.code()).isEqualTo(2);
        assertThat(refsAlone.err()).contains("--references needs --benchmark");

        CliTest.Result keep = curate("--references", "--benchmark", "math500", "--out", out.toString(), "--keep", "maybe");
        assertThat(keep.code()).isEqualTo(2);

        CliTest.Result missing = curate("--generations", dir.resolve("nope.jsonl").toString(), "--out", out.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().strip()).isEqualTo("arbiter: " + dir.resolve("nope.jsonl") + ": file not found");

        Path gradeStyle = Files.write(dir.resolve("g.jsonl"), List.of(Json.line(Map.of("problem_id", "x", "completion", "y"))));
        CliTest.Result noBench = curate("--generations", gradeStyle.toString(), "--out", out.toString());
        assertThat(noBench.code()).isEqualTo(1);
        assertThat(noBench.err()).contains("need --benchmark");

        CliTest.Result unknown = curate("--generations", gradeStyle.toString(), "--benchmark", "math500", "--out", out.toString());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains(gradeStyle + ":1: problem_id 'x' is not in math500");

        Path junk = Files.write(dir.resolve("junk.jsonl"), List.of("not json", "[1, 2]"));
        CliTest.Result unreadable = curate("--generations", junk.toString(), "--out", out.toString());
        assertThat(unreadable.code()).isEqualTo(1);
        assertThat(unreadable.err()).contains("no line could be read");

        CliTest.Result badTokenizer = curate("--generations", selfContained().toString(), "--out", out.toString(), "--tokenizer", dir.toString());
        assertThat(badTokenizer.code()).isEqualTo(1);
        assertThat(badTokenizer.err()).contains("config.json");

        CliTest.Result notRun = curate("--run", dir.toString(), "--out", out.toString());
        assertThat(notRun.code()).isEqualTo(1);
        assertThat(notRun.err()).contains("no summary.json");

        for (CliTest.Result r : List.of(none, two, refsAlone, keep, missing, noBench, unknown, unreadable, badTokenizer, notRun)) {
            noStackTrace(r);
        }
        assertThat(Files.exists(out)).as("nothing written on a bad input").isFalse();
    }

    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");

    @Test
    void aFinishedEvalRunIsCuratedFromItsStore() throws Exception {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            problems.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + (3 * i) + "?")
                    .put("answer", Integer.toString(4 * i))));
        }
        Path jsonl = Files.write(dir.resolve("sums.jsonl"), problems);
        // Seed s: even right, 1 mod 4 wrong, 3 mod 4 with no answer; sample 5 is cut off at max_tokens.
        FakeOpenAiServer.Model model = (prompt, seed) -> {
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            if (seed == 5) {
                return new FakeOpenAiServer.Reply("Adding gives \\boxed{" + sum + "} and then", "length");
            }
            String text = seed % 2 == 0 ? "Adding gives " + sum + ". So \\boxed{" + sum + "}." : seed % 4 == 1 ? "So \\boxed{" + (sum + 1) + "}." : "No idea.";
            return new FakeOpenAiServer.Reply(text, "stop");
        };
        try (FakeOpenAiServer s = new FakeOpenAiServer(model)) {
            CliTest.Result ev = CliTest.run("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "summer", "--n", "8",
                    "--max-tokens", "64", "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("run").toString());
            assertThat(ev.code()).as(ev.err()).isZero();
        }
        Path out = dir.resolve("sft");
        CliTest.Result noJsonl = curate("--run", dir.resolve("run").toString(), "--out", out.toString());
        assertThat(noJsonl.code()).isEqualTo(1);
        assertThat(noJsonl.err()).contains("pass it with --jsonl FILE");
        noStackTrace(noJsonl);

        CliTest.Result r = curate("--run", dir.resolve("run").toString(), "--jsonl", jsonl.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // Per problem, samples 0..7: right 0, 2, 4, 6; wrong 1; none 3, 7; 5 truncated.
        assertThat(r.out()).contains("jsonl:sums.jsonl: kept 16 of 32 (correct 16, wrong 4, no_answer 8, truncated 4)");
        List<JsonNode> sg = lines(out.resolve("sharegpt.jsonl"));
        assertThat(sg).hasSize(16);
        JsonNode first = sg.get(0);
        assertThat(first.get("id").asText()).isEqualTo("q0#0");
        assertThat(first.get("source").asText()).isEqualTo("jsonl:sums.jsonl");
        // The prompt as the run asked it: its template around the problem.
        assertThat(first.at("/conversations/0/value").asText()).isEqualTo("What is 0 + 0?\n\n" + "Please reason step by step, and put your final answer within \\boxed{}.");
        assertThat(first.at("/conversations/1/value").asText()).isEqualTo("Adding gives 0. So \\boxed{0}.");
        Iterator<JsonNode> rj = lines(out.resolve("rejected.jsonl")).iterator();
        assertThat(rj.next().get("id").asText()).isEqualTo("q0#1");
        JsonNode stats = Json.mapper().readTree(out.resolve("stats.json").toFile());
        assertThat(stats.at("/input/model").asText()).isEqualTo("summer");
        assertThat(stats.at("/input/n").asInt()).isEqualTo(8);
        ObjectNode counts = (ObjectNode) stats.at("/sources/jsonl:sums.jsonl");
        assertThat(counts.at("/outcomes/truncated").asInt()).isEqualTo(4);
    }
}
