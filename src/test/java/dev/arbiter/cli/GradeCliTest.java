package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter grade` end to end: verdicts in input order, resume after a partial run, clear input errors. */
@Tag("docker")
@Tag("data")
class GradeCliTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void docker() {
        DockerRequired.check();
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
        assertThat(badBytes.err().strip()).isEqualTo("arbiter: " + gens + ": not valid UTF-8");
        CliTest.Result math = CliTest.run("grade", "--benchmark", "aime24", "--generations", gens.toString(), "--out", out.toString(),
                "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(math.code()).isEqualTo(1); // math generations go through the same reader
        assertThat(math.err().strip()).isEqualTo("arbiter: " + gens + ": not valid UTF-8");
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
