package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.perf.BenchSolutions;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.testing.Shared;
import dev.arbiter.verify.code.CodeVerdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter grade` end to end: verdicts in input order, resume after a partial run, clear input errors.
 * When the sandbox fails, a sandbox error is no verdict, counted apart, kept in its line with the reason,
 * graded again by a rerun; and whatever a program prints, the file stays whole.
 */
@Tag("docker")
@Tag("data")
@ExtendWith(DockerRequired.class)
class GradeCliTest {
    static final Map<String, String> PASSES = Map.of("problem_id", "leetcode/2727", "completion",
            "```python\nclass Solution:\n    def countSeniors(self, details):\n        return sum(int(d[11:13]) > 60 for d in details)\n```");
    static final Map<String, String> WRONG = Map.of("problem_id", "atcoder/abc301_a", "completion", "```python\nprint('T')\n```");
    static final Map<String, String> NO_CODE = Map.of("problem_id", "codeforces/1873_A", "completion", "no code");
    /** Python writes the lone surrogate U+DC80 out as the byte 0x80; the sandbox reads it back as U+DC80. */
    private static final Map<String, String> LONE_SURROGATE = Map.of("problem_id", "atcoder/abc301_a", "completion",
            "```python\nprint(\"\\udc80 3\")\n```");

    @TempDir
    Path dir;

    @AfterEach
    void realSandbox() {
        GradeCommand.sandboxes = Sandbox::start;
    }

    private Path generations(List<Map<String, String>> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        rows.forEach(r -> sb.append(Json.line(r)).append('\n'));
        return Files.writeString(dir.resolve("gens.jsonl"), sb.toString());
    }

    private CliTest.Result grade(Path gens, Path out) {
        return CliTest.run("grade", "--benchmark", "lcb_v1_samples", "--generations", gens.toString(), "--out", out.toString(),
                "--timeout-s", "1", "--containers", "1", "--offline", "--data-dir", Shared.datasets().toString());
    }

    /** A verdict line as an earlier run that lost its sandbox wrote it. */
    private static String sandboxErrorLine(String problemId, int line, String why) {
        ObjectNode n = Json.mapper().valueToTree(CodeVerdict.sandboxError(problemId, "livecodebench", "wall", 14, false, why));
        n.put("line", line).put("machine", "elsewhere");
        return Json.line(n);
    }

    /** Reads every line strictly as UTF-8: a torn or mis-encoded file fails here. */
    private static List<JsonNode> verdicts(Path out) throws IOException {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(out))).toString();
        assertThat(text).endsWith("\n");
        List<JsonNode> nodes = new ArrayList<>();
        for (String l : text.split("\n")) {
            nodes.add(Json.mapper().readTree(l));
        }
        return nodes;
    }

    private static List<Integer> lineNumbers(List<JsonNode> vs) {
        return vs.stream().map(v -> v.get("line").asInt()).toList();
    }

    @Test
    void aGenerationsLanguageIsTheOneItIsGradedIn() throws IOException {
        String cpp = BenchSolutions.overallWinner(Language.CPP);
        Map<String, String> inCpp = Map.of("problem_id", "atcoder/abc301_a", "completion", "```cpp\n" + cpp + "```", "language", "cpp");
        // Without the field LiveCodeBench's rule runs the block as Python, whatever its fence says.
        Map<String, String> asPython = Map.of("problem_id", "atcoder/abc301_a", "completion", "```cpp\n" + cpp + "```");
        Path out = dir.resolve("verdicts.jsonl");
        CliTest.Result r = grade(generations(List.of(inCpp, asPython)), out);
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> vs = verdicts(out);
        assertThat(vs.get(0).path("outcome").asText()).as(vs.get(0).toString()).isEqualTo("correct");
        assertThat(vs.get(0).path("language").asText()).isEqualTo("cpp");
        assertThat(vs.get(1).path("outcome").asText()).isEqualTo("wrong");

        Path bad = Files.writeString(dir.resolve("bad.jsonl"), Json.line(Map.of("problem_id", "atcoder/abc301_a", "completion", "x",
                "language", "cobol")) + "\n");
        CliTest.Result refused = grade(bad, dir.resolve("never.jsonl"));
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("language 'cobol' is none we run");
    }

    @Test
    void withJudgesAManyAnswersProblemIsGradedByItsSpecialJudge() throws IOException {
        // Right triples written with a decimal point: LiveCodeBench's rule reads 4.0 as 4; ARC185 C's judge wants integers.
        String decimals = "```python\nn, x = map(int, input().split())\nprint({16: '1 3 4.0', 20: '-1'}.get(x, '4 6 8.0'))\n```";
        Path gens = generations(List.of(Map.of("problem_id", "arc185_c", "completion", decimals)));
        List<String> args = List.of("grade", "--benchmark", "livecodebench", "--generations", gens.toString(), "--timeout-s", "2",
                "--containers", "1", "--offline", "--data-dir", Shared.datasets().toString());
        Path exact = dir.resolve("exact.jsonl");
        CliTest.Result r = CliTest.run(Stream.concat(args.stream(), Stream.of("--out", exact.toString()))
                .toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(verdicts(exact).get(0).path("outcome").asText()).isEqualTo("correct");
        assertThat(verdicts(exact).get(0).path("grader").asText()).isEqualTo("livecodebench");
        Path judged = dir.resolve("judged.jsonl");
        r = CliTest.run(Stream.concat(args.stream(), Stream.of("--out", judged.toString(), "--judges"))
                .toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode v = verdicts(judged).get(0);
        assertThat(v.path("outcome").asText()).as(v.toString()).isEqualTo("wrong");
        assertThat(v.path("grader").asText()).isEqualTo("livecodebench+judge");
        assertThat(v.path("first_failure").path("reason").asText()).contains("wrong output format", "4.0");
    }

    @Test
    void aStoredSandboxErrorIsGradedAgainInPlaceAndTheRestAppended() throws IOException {
        Path gens = generations(List.of(PASSES, WRONG, NO_CODE));
        Path out = dir.resolve("verdicts.jsonl");
        // Line 1 the sandbox could not grade; line 2 has a verdict, which must be kept byte for byte; line 3 is to do.
        String kept = "{\"problem_id\":\"atcoder/abc301_a\",\"passed\":false,\"grader\":\"livecodebench\",\"results\":[-2],"
                + "\"first_failure\":{\"test\":0,\"code\":-2,\"reason\":\"Wrong Answer\"},\"line\":2,\"machine\":\"elsewhere\",\"kept\":true}";
        Files.writeString(out, sandboxErrorLine("leetcode/2727", 1, "sandbox container stopped answering") + "\n" + kept + "\n");

        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("resuming: 1 of 3 verdicts already in " + out + "; grading again 1 that could not be graded");
        assertThat(r.out()).contains("graded 2 generations").contains(out + ": 1 passed (33.3% of 3 graded), 2 failed, 0 infrastructure errors");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo(kept);
        List<JsonNode> vs = verdicts(out);
        assertThat(lineNumbers(vs)).containsExactly(1, 2, 3);
        assertThat(vs.get(0).get("passed").asBoolean()).isTrue();
        assertThat(vs.get(0).has("sandbox_error")).isFalse();
        assertThat(vs.get(0).get("tests_passed").asInt()).isEqualTo(14);
        assertThat(vs.get(0).get("machine").asText()).isNotEqualTo("elsewhere");
        assertThat(vs.get(2).get("outcome").asText()).isEqualTo("no_answer");
        // The rewrite left nothing beside the file.
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("gens.jsonl", "verdicts.jsonl");
        }
        CliTest.Result again = grade(gens, out);
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("graded 0 generations");
        assertThat(Files.readAllLines(out)).isEqualTo(lines);
    }

    @Test
    void aFailingSandboxWritesSandboxErrorsNotFailsExitsNonZeroAndARerunGradesThem() throws IOException {
        Path gens = generations(List.of(PASSES, WRONG));
        Path out = dir.resolve("verdicts.jsonl");
        // A real sandbox, closed before use: it grades nothing, and says "sandbox is closed".
        GradeCommand.sandboxes = cfg -> {
            Sandbox s = Sandbox.start(cfg);
            s.close();
            return s;
        };
        CliTest.Result broken = grade(gens, out);
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("graded 2 generations")
                .contains("0 passed (none graded), 0 failed, 2 infrastructure errors, missing (first: sandbox error: sandbox is closed)");
        assertThat(broken.err().strip().lines().toList().getLast())
                .isEqualTo("arbiter: 2 of 2 generations could not be graded (first: sandbox error: sandbox is closed);"
                        + " run the same command again to grade them");
        List<JsonNode> vs = verdicts(out);
        assertThat(vs).hasSize(2).allSatisfy(v -> {
            assertThat(v.get("sandbox_error").asText()).isEqualTo("sandbox is closed");
            assertThat(v.get("outcome").asText()).isEqualTo("infrastructure_error");
            assertThat(v.get("passed").asBoolean()).isFalse();
            assertThat(v.get("results")).isEmpty();
            assertThat(v.has("first_failure")).isFalse();
        });
        assertThat(lineNumbers(vs)).containsExactly(1, 2);

        GradeCommand.sandboxes = Sandbox::start;
        CliTest.Result fixed = grade(gens, out);
        assertThat(fixed.code()).as(fixed.err()).isZero();
        assertThat(fixed.err()).contains("grading again 2");
        assertThat(fixed.out()).contains("graded 2 generations").contains("1 passed (50.0% of 2 graded), 1 failed, 0 infrastructure errors");
        vs = verdicts(out);
        assertThat(lineNumbers(vs)).containsExactly(1, 2);
        assertThat(vs).noneMatch(v -> v.has("sandbox_error"));
        assertThat(vs.get(0).get("passed").asBoolean()).isTrue();
        assertThat(vs.get(1).at("/first_failure/reason").asText()).startsWith("Wrong answer");
    }

    @Test
    void aProgramPrintingALoneSurrogateGetsAVerdictAndTheRunResumes() throws IOException {
        Path gens = generations(List.of(LONE_SURROGATE, PASSES));
        Path out = dir.resolve("verdicts.jsonl");
        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 passed (50.0% of 2 graded), 1 failed");
        List<JsonNode> vs = verdicts(out);
        assertThat(lineNumbers(vs)).containsExactly(1, 2);
        JsonNode odd = vs.get(0);
        assertThat(odd.has("sandbox_error")).isFalse();
        assertThat(odd.get("passed").asBoolean()).isFalse();
        assertThat(odd.at("/first_failure/output").asText()).isEqualTo("\udc80 3\n");
        assertThat(Files.readString(out)).contains("\\uDC80 3");

        // More generations come: the rerun reads the file back and carries on after it.
        Path more = generations(List.of(LONE_SURROGATE, PASSES, WRONG, LONE_SURROGATE));
        CliTest.Result again = grade(more, out);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("resuming: 2 of 4");
        assertThat(again.out()).contains("graded 2 generations").contains("1 passed (25.0% of 4 graded), 3 failed, 0 infrastructure errors");
        vs = verdicts(out);
        assertThat(lineNumbers(vs)).containsExactly(1, 2, 3, 4);
        assertThat(vs.get(3).at("/first_failure/output").asText()).isEqualTo("\udc80 3\n");
    }

    @Test
    void aFileCutMidLineResumesAndFinishesWithItsSandboxErrorsGradedAgain() throws IOException {
        Path gens = generations(List.of(WRONG, PASSES, LONE_SURROGATE, NO_CODE));
        Path out = dir.resolve("verdicts.jsonl");
        assertThat(grade(generations(List.of(WRONG)), out).code()).isZero();
        String first = Files.readString(out);
        gens = generations(List.of(WRONG, PASSES, LONE_SURROGATE, NO_CODE));
        // As a kill leaves it: line 2 lost its sandbox, line 3 was being written; and a rewrite was killed before its rename.
        String torn = "{\"problem_id\":\"atcoder/abc301_a\",\"passed\":false,\"grader\":\"livecod";
        Files.writeString(out, first + sandboxErrorLine("leetcode/2727", 2, "no sandbox container is left: all were lost") + "\n" + torn);
        Files.writeString(dir.resolve(".verdicts.jsonl.rewrite.tmp"), "half a rewrite");

        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("resuming: 1 of 4 verdicts already in " + out + "; grading again 1");
        assertThat(r.out()).contains("graded 3 generations").contains("1 passed (25.0% of 4 graded), 3 failed, 0 infrastructure errors");
        List<JsonNode> vs = verdicts(out);
        assertThat(lineNumbers(vs)).containsExactly(1, 2, 3, 4);
        assertThat(Files.readString(out)).startsWith(first);
        assertThat(vs.get(1).get("passed").asBoolean()).isTrue();
        assertThat(vs.get(2).at("/first_failure/output").asText()).isEqualTo("\udc80 3\n");
        assertThat(dir.resolve(".verdicts.jsonl.rewrite.tmp")).doesNotExist();
    }

    @Test
    void writesOneVerdictPerGenerationInOrderAndResumes() throws IOException {
        Path gens = generations(List.of(
                Map.of("problem_id", "atcoder/abc301_a", "completion", "```python\nprint('T')\n```"),
                Map.of("problem_id", "leetcode/2727", "completion",
                        "```python\nclass Solution:\n    def countSeniors(self, details):\n        return sum(int(d[11:13]) > 60 for d in details)\n```"),
                Map.of("problem_id", "codeforces/1873_A", "completion", "no code")));
        Path out = dir.resolve("verdicts.jsonl");
        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("graded 3 generations").contains("1 passed");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        JsonNode first = Json.mapper().readTree(lines.get(0));
        assertThat(first.get("line").asInt()).isEqualTo(1);
        assertThat(first.get("passed").asBoolean()).isFalse();
        assertThat(Json.mapper().readTree(lines.get(1)).get("passed").asBoolean()).isTrue();
        // No fenced block: no answer, decided without running anything, as eval and the reward service decide it.
        JsonNode none = Json.mapper().readTree(lines.get(2));
        assertThat(none.get("outcome").asText()).isEqualTo("no_answer");
        assertThat(none.has("results")).isFalse();
        assertThat(Json.mapper().readTree(lines.get(1)).get("outcome").asText()).isEqualTo("correct");

        // A run killed mid-write leaves a torn last line: it is dropped and that generation graded again.
        Files.writeString(out, lines.get(0) + "\n" + lines.get(1).substring(0, 20));
        CliTest.Result again = grade(gens, out);
        assertThat(again.err()).contains("resuming: 1 of 3");
        assertThat(again.out()).contains("graded 2 generations");
        List<String> resumed = Files.readAllLines(out);
        assertThat(resumed).hasSize(3);
        assertThat(resumed.stream().map(l -> Json.mapper().convertValue(readTree(l).get("line"), Integer.class)).toList())
                .containsExactly(1, 2, 3);
        CliTest.Result done = grade(gens, out);
        assertThat(done.code()).isZero();
        assertThat(done.out()).contains("graded 0 generations");
        assertThat(Files.readAllLines(out)).hasSize(3);
    }

    @Test
    void badGenerationsAreOneLineErrorsNamingTheLine() throws IOException {
        Path out = dir.resolve("v.jsonl");
        Path gens = generations(List.of(Map.of("problem_id", "atcoder/abc301_a", "completion", "x"),
                Map.of("problem_id", "nope/1", "completion", "x")));
        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .contains(gens + ":2").contains("problem_id 'nope/1' is not in lcb_v1_samples");
        Files.writeString(gens, "{\"problem_id\": \"atcoder/abc301_a\"}\n");
        assertThat(grade(gens, out).err()).contains(gens + ":1: needs a completion string");
        Files.write(gens, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'});
        CliTest.Result badBytes = grade(gens, out);
        assertThat(badBytes.code()).isEqualTo(1);
        assertThat(badBytes.err().strip()).isEqualTo("arbiter: " + gens + ":1: not valid UTF-8");
        CliTest.Result math = CliTest.run("grade", "--benchmark", "aime24", "--generations", gens.toString(), "--out", out.toString(),
                "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(math.code()).isEqualTo(1); // math generations go through the same reader
        assertThat(math.err().strip()).isEqualTo("arbiter: " + gens + ":1: not valid UTF-8");
        assertThat(CliTest.run("grade", "--benchmark", "lcb_v1_samples", "--generations", gens.toString(), "--out", out.toString(),
                "--clock", "sundial").code()).isEqualTo(2);
    }

    private static JsonNode readTree(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
