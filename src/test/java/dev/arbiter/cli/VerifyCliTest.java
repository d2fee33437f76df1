package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter verify`, `verify-batch` and `bench verify` as a user meets them. */
class VerifyCliTest {
    @TempDir
    Path dir;

    private static final String HALF = "First $2x = 1$, so the answer is $\\boxed{\\frac{1}{2}}$.";

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path jsonl(String name, List<?> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        rows.forEach(r -> sb.append(r instanceof String s ? s : Json.line(r)).append('\n'));
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    @Test
    void verifyPrintsOneJsonObjectWithTheVerdictFields() throws IOException {
        CliTest.Result r = CliTest.run("verify", "--gold", "0.5", "--pred", HALF);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1);
        JsonNode v = tree(r.out());
        assertThat(v.get("equal").asBoolean()).isTrue();
        assertThat(v.get("timed_out").asBoolean()).isFalse();
        assertThat(v.get("reason").isTextual()).isTrue();
        assertThat(v.get("extracted_gold").isArray()).isTrue();
        assertThat(v.get("extracted_pred").isArray()).isTrue();
        assertThat(v.get("micros").isIntegralNumber()).isTrue();

        // Not equal is a verdict, not a failure: exit 0, unless --exit-code asks for 3.
        CliTest.Result wrong = CliTest.run("verify", "--gold", "3", "--pred", "\\boxed{4}");
        assertThat(wrong.code()).as(wrong.err()).isZero();
        assertThat(tree(wrong.out()).get("equal").asBoolean()).isFalse();
        CliTest.Result scripted = CliTest.run("verify", "--gold", "3", "--pred", "\\boxed{4}", "--exit-code");
        assertThat(scripted.code()).isEqualTo(VerifyCommand.NOT_EQUAL);
        assertThat(tree(scripted.out()).get("equal").asBoolean()).isFalse();
        assertThat(CliTest.run("verify", "--gold", "-5", "--pred", "-5", "--exit-code").code()).isZero();
    }

    @Test
    void verifyReadsLongTextsFromFilesAndHonoursOptions() throws IOException {
        Path gold = Files.writeString(dir.resolve("gold.txt"), "$\\frac{1}{3}$");
        Path pred = Files.writeString(dir.resolve("pred.txt"), "0.3333$");
        // Math-Verify's own verdicts on this pair: unequal at 6 decimal places, equal at 4.
        CliTest.Result six = CliTest.run("verify", "--gold-file", gold.toString(), "--pred-file", pred.toString());
        assertThat(six.code()).as(six.err()).isZero();
        assertThat(tree(six.out()).get("equal").asBoolean()).isFalse();
        CliTest.Result four = CliTest.run("verify", "--gold-file", gold.toString(), "--pred-file", pred.toString(), "--float-rounding", "4");
        assertThat(tree(four.out()).get("equal").asBoolean()).isTrue();
    }

    @Test
    void verifyInputMistakesAreOneLineErrors() {
        CliTest.Result both = CliTest.run("verify", "--gold", "1", "--gold-file", "g.txt", "--pred", "1");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(CliTest.run("verify", "--pred", "1").code()).isEqualTo(2);
        CliTest.Result rounding = CliTest.run("verify", "--gold", "1", "--pred", "1", "--float-rounding", "99");
        assertThat(rounding.code()).isEqualTo(2);
        assertThat(rounding.err()).startsWith("arbiter: --float-rounding:");
        assertThat(CliTest.run("verify", "--gold", "1", "--pred", "1", "--percent", "half").code()).isEqualTo(2);
        Path missing = dir.resolve("missing.txt");
        CliTest.Result gone = CliTest.run("verify", "--gold-file", missing.toString(), "--pred", "1");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err().strip()).isEqualTo("arbiter: " + missing + ": file not found");
    }

    @Test
    void extractionBoxedTakesOnlyTheLastBoxOnVerifyAndVerifyBatch() throws IOException {
        String prose = "We count them: the answer is 7.";
        assertThat(tree(CliTest.run("verify", "--gold", "7", "--pred", prose).out()).get("equal").asBoolean()).isTrue();
        CliTest.Result strict = CliTest.run("verify", "--gold", "7", "--pred", prose, "--extraction", "boxed");
        assertThat(strict.code()).as(strict.err()).isZero();
        JsonNode v = tree(strict.out());
        assertThat(v.get("equal").asBoolean()).isFalse();
        assertThat(v.get("reason").asText()).isEqualTo("no answer found in the prediction");
        assertThat(tree(CliTest.run("verify", "--gold", "7", "--pred", "so $\\boxed{7}$", "--extraction", "boxed").out())
                .get("equal").asBoolean()).isTrue();
        CliTest.Result bad = CliTest.run("verify", "--gold", "7", "--pred", "7", "--extraction", "strict");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--extraction").containsIgnoringCase("flexible").containsIgnoringCase("boxed");

        // verify-batch: the option is every line's default, and a line's config may set it back
        Path in = jsonl("boxed.jsonl", List.of(
                Map.of("id", "boxed", "gold", "7", "prediction", "so $\\boxed{7}$"),
                Map.of("id", "prose", "gold", "7", "prediction", prose),
                Map.of("id", "prose-flexible", "gold", "7", "prediction", prose, "config", Map.of("extraction", "flexible"))));
        Path out = dir.resolve("boxed.out.jsonl");
        CliTest.Result r = batch(in, out, "--extraction", "boxed");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out).stream().map(VerifyCliTest::tree).map(n -> n.get("equal").asBoolean()))
                .containsExactly(true, false, true);
    }

    private List<Object> batchRows() {
        List<Object> rows = new ArrayList<>();
        rows.add(Map.of("id", "half", "gold", "0.5", "prediction", HALF));
        rows.add(Map.of("id", "wrong", "gold", "3", "prediction", "so it is \\boxed{4}"));
        rows.add(Map.of("id", "third-6", "gold", "$\\frac{1}{3}$", "prediction", "0.3333$"));
        rows.add("{\"id\": \"third-4\", \"gold\": \"$\\\\frac{1}{3}$\", \"prediction\": \"0.3333$\", \"config\": {\"float_rounding\": 4}, "
                + "\"meta\": {\"kept\": [1, 2.50]}}");
        rows.add("");
        rows.add(Map.of("id", "neg", "gold", "-5", "prediction", "The answer is $\\boxed{-5}$"));
        return rows;
    }

    private CliTest.Result batch(Path in, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("verify-batch", "--in", in.toString(), "--out", out.toString(), "--threads", "2"));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void verifyBatchWritesEveryLineBackInOrderWithTheVerdictAdded() throws IOException {
        Path in = jsonl("in.jsonl", batchRows());
        Path out = dir.resolve("out.jsonl");
        CliTest.Result r = batch(in, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("verified 5 lines: 3 equal, 2 not equal, 0 timed out in ").contains("verdicts/s");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(5);
        List<JsonNode> rows = lines.stream().map(VerifyCliTest::tree).toList();
        assertThat(rows.stream().map(n -> n.get("id").asText())).containsExactly("half", "wrong", "third-6", "third-4", "neg");
        assertThat(rows.stream().map(n -> n.get("equal").asBoolean())).containsExactly(true, false, false, true, true);
        JsonNode fourth = rows.get(3);
        List<String> fields = new ArrayList<>();
        fourth.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "gold", "prediction", "config", "meta", "equal", "reason", "timed_out", "outcome", "extracted", "millis");
        assertThat(lines.get(3)).contains("\"meta\":{\"kept\":[1,2.50]}");
        assertThat(fourth.at("/extracted/gold").isArray()).isTrue();
        assertThat(fourth.at("/extracted/pred").isArray()).isTrue();
        assertThat(fourth.get("millis").isNumber()).isTrue();
        assertThat(fourth.get("timed_out").asBoolean()).isFalse();
        assertThat(rows.stream().map(n -> n.get("outcome").asText())).containsExactly("correct", "wrong", "wrong", "correct", "correct");
    }

    @Test
    void verifyBatchCountsALineWithNoVerdictApartAndExitsNonZero() throws IOException {
        // A gold with no answer in it says nothing about the prediction: no verdict, never "not equal".
        Path in = jsonl("in.jsonl", List.of("{\"id\": \"ok\", \"gold\": \"1\", \"prediction\": \"\\\\boxed{1}\"}",
                "{\"id\": \"empty-gold\", \"gold\": \"$$\", \"prediction\": \"\\\\boxed{1}\"}"));
        Path out = dir.resolve("out.jsonl");
        CliTest.Result r = batch(in, out);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("verified 2 lines: 1 equal, 0 not equal, 0 timed out, 1 could not be verified in ");
        assertThat(r.err().strip()).isEqualTo("arbiter: 1 lines got no verdict (outcome infrastructure_error; first: empty-gold: no answer found"
                + " in the gold)");
        assertThat(tree(Files.readAllLines(out).get(1)).get("outcome").asText()).isEqualTo("infrastructure_error");
    }

    @Test
    void verifyBatchResumesAfterATornLineWithoutRedoingFinishedLines() throws IOException {
        Path in = jsonl("in.jsonl", batchRows());
        Path out = dir.resolve("out.jsonl");
        assertThat(batch(in, out).code()).isZero();
        List<String> lines = Files.readAllLines(out);
        // A finished line marked so that redoing it would show; then a run killed mid-write of line 3.
        ObjectNode marked = (ObjectNode) tree(lines.get(0));
        marked.put("millis", -1);
        Files.writeString(out, Json.line(marked) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 30));
        CliTest.Result again = batch(in, out);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("resuming: 2 of 5 lines already in " + out);
        assertThat(again.out()).startsWith("verified 3 lines: 2 equal, 1 not equal, 0 timed out");
        List<String> resumed = Files.readAllLines(out);
        assertThat(resumed).hasSize(5);
        assertThat(resumed.get(0)).isEqualTo(Json.line(marked));
        assertThat(resumed.stream().map(l -> tree(l).get("id").asText())).containsExactly("half", "wrong", "third-6", "third-4", "neg");

        CliTest.Result done = batch(in, out);
        assertThat(done.out()).startsWith("verified 0 lines:");
        assertThat(Files.readAllLines(out)).isEqualTo(resumed);
    }

    @Test
    void verifyBatchRefusesAnOutFileThatIsNotThisInputsOutput() throws IOException {
        Path in = jsonl("in.jsonl", batchRows());
        Path other = jsonl("other.jsonl", List.of("{\"gold\": \"9\", \"prediction\": \"9\", \"equal\": true}"));
        CliTest.Result r = batch(in, other);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("arbiter: " + other + ":1: gold differs from " + in
                + ":1; is it the output of another input? Give a new --out");
        // A file of other JSON lines is left whole, not cut down to nothing.
        Path notOurs = jsonl("notours.jsonl", batchRows().subList(0, 2));
        String before = Files.readString(notOurs);
        CliTest.Result foreign = batch(in, notOurs);
        assertThat(foreign.code()).isEqualTo(1);
        assertThat(foreign.err()).contains(notOurs + ":1: not a line this command writes");
        assertThat(Files.readString(notOurs)).isEqualTo(before);
        assertThat(batch(in, in).code()).isEqualTo(2);
    }

    @Test
    void verifyBatchRejectsABadLineWithOneLineNamingItAndWritesNothing() throws IOException {
        Path out = dir.resolve("out.jsonl");
        Path in = jsonl("bad.jsonl", List.of(Map.of("gold", "1", "prediction", "1"), "{\"gold\": \"2\", \"prediction\": "));
        CliTest.Result r = batch(in, out);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().isEqualTo("arbiter: " + in + ":2: not valid JSON");
        assertThat(r.out()).isEmpty();
        assertThat(out).doesNotExist();

        jsonl("bad.jsonl", List.of(Map.of("gold", "1", "prediction", "1"), "", Map.of("gold", "2")));
        assertThat(batch(in, out).err().strip()).isEqualTo("arbiter: " + in + ":3: needs prediction");
        jsonl("bad.jsonl", List.of("{\"gold\": \"1\", \"prediction\": \"1\", \"config\": {\"temperature\": 0.6}}"));
        assertThat(batch(in, out).err().strip()).isEqualTo("arbiter: " + in + ":1: config: unknown config key 'temperature'");
        jsonl("bad.jsonl", List.of("[\"1\", \"1\"]"));
        assertThat(batch(in, out).err().strip()).isEqualTo("arbiter: " + in + ":1: not a JSON object");
        Files.write(in, new byte[] {'{', '"', 'g', '"', ':', (byte) 0xC3, (byte) 0x28, '}', '\n'});
        CliTest.Result bytes = batch(in, out);
        assertThat(bytes.code()).isEqualTo(1);
        assertThat(bytes.err().strip()).isEqualTo("arbiter: " + in + ":1: not valid UTF-8");
        assertThat(out).doesNotExist();
    }

    @Test
    void helpListsEveryOptionWithExamples() {
        CliTest.Result verify = CliTest.run("verify", "--help");
        assertThat(verify.code()).isZero();
        assertThat(verify.out()).contains("--gold=TEXT", "--gold-file=FILE", "--pred=TEXT", "--pred-file=FILE", "--exit-code",
                "--gold-as", "--pred-as", "--boxed-priority", "--float-rounding", "--no-strict", "--allow-set-relation", "--percent",
                "--choices", "--deadline-ms", "--extraction=flexible|boxed", "--approximate", "Examples:", "arbiter verify --gold");
        CliTest.Result batch = CliTest.run("verify-batch", "--help");
        assertThat(batch.out()).contains("--in=FILE", "--out=FILE", "--threads=N", "--float-rounding", "--choices", "--extraction", "resumes",
                "arbiter verify-batch --in");
        assertThat(CliTest.run("bench", "verify", "--help").out()).contains("--corpus", "--passes", "--threads", "--data-dir");
        assertThat(CliTest.run("--help").out()).contains("verify ", "verify-batch ");
    }

    @Test
    void benchVerifyReportsThroughputLatencyAndVerdictCounts() throws IOException {
        Path corpus = jsonl("corpus.jsonl", List.of(
                Map.of("gold", "0.5", "prediction", HALF, "expected", true),
                Map.of("gold", "3", "prediction", "\\boxed{4}", "expected", false),
                Map.of("gold", "-5", "prediction", "-5", "expected", true, "config", Map.of("call", "compare_strings", "gold_extraction", List.of("expr"))),
                Map.of("gold", "Rational(1, 3)", "prediction", "Float(0.333)", "expected", true, "config", Map.of("call", "sympy_expr_eq"))));
        Path empty = Files.createDirectory(dir.resolve("no-data"));
        CliTest.Result r = CliTest.run("bench", "verify", "--corpus", corpus.toString(), "--passes", "1", "--threads", "2",
                "--warmup-seconds", "0", "--offline", "--data-dir", empty.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // each row: the cold figures (verdicts/s, p50, p99), the warm ones beside them, then the verdict counts
        String figures = "\\s+\\|\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+";
        assertThat(r.out()).contains("corpus: 3 cases from " + corpus + " (1 sympy_expr_eq rows skipped)")
                .contains("(math500 rows skipped:").contains("(omni_math rows skipped:")
                .contains("COLD/S").contains("WARM/S")
                .containsPattern("corpus\\s+1\\s+3" + figures + figures + "\\s+\\|\\s+2\\s+1\\s+0")
                .containsPattern("corpus\\s+2\\s+3" + figures + figures + "\\s+\\|\\s+2\\s+1\\s+0")
                .contains("cold start").contains("2 threads give")
                .contains("agree with the corpus's expected verdict on 3 of 3 cases");
    }
}
