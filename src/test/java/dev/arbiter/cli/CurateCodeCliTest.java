package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter curate` on code: tests run in the Docker sandbox, as `arbiter grade` runs them. */
@Tag("docker")
@Tag("data")
@ExtendWith(DockerRequired.class)
class CurateCodeCliTest {
    @TempDir
    Path dir;

    private static final String SENIORS = "```python\nclass Solution:\n    def countSeniors(self, details):\n"
            + "        return sum(int(d[11:13]) > 60 for d in details)\n```";

    @Test
    void onlyProgramsThatPassTheirTestsAreKept() throws Exception {
        Path gens = Files.write(dir.resolve("gens.jsonl"), List.of(
                Json.line(Map.of("problem_id", "leetcode/2727", "completion", "Count those over 60.\n" + SENIORS)),
                Json.line(Map.of("problem_id", "atcoder/abc301_a", "completion", "```python\nprint('T')\n```")),
                Json.line(Map.of("problem_id", "codeforces/1873_A", "completion", "no code here"))));
        Path out = dir.resolve("lcb");
        CliTest.Result r = CliTest.run("curate", "--generations", gens.toString(), "--benchmark", "lcb_v1_samples", "--out", out.toString(),
                "--timeout-s", "2", "--containers", "1", "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("lcb_v1_samples: kept 1 of 3 (correct 1, wrong 1, no_answer 1)");
        List<String> sg = Files.readAllLines(out.resolve("sharegpt.jsonl"));
        assertThat(sg).hasSize(1);
        JsonNode kept = Json.mapper().readTree(sg.getFirst());
        assertThat(kept.get("id").asText()).isEqualTo("leetcode/2727#1");
        assertThat(kept.at("/conversations/0/value").asText()).contains("details");
        List<JsonNode> rj = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("rejected.jsonl"))) {
            rj.add(Json.mapper().readTree(l));
        }
        assertThat(rj).extracting(n -> n.get("outcome").asText()).containsExactly("wrong", "no_answer");
        assertThat(rj.get(1).get("reason").asText()).isEqualTo("no fenced code block");
    }

    @Test
    void selfContainedLinesCarryTheirOwnTests() throws Exception {
        String add = "```python\na, b = map(int, input().split())\nprint(a + b)\n```";
        String sub = "```python\na, b = map(int, input().split())\nprint(a - b)\n```";
        String tests = "{\"inputs\": [\"1 2\\n\", \"5 7\\n\"], \"outputs\": [\"3\\n\", \"12\\n\"]}";
        Path file = Files.write(dir.resolve("code.jsonl"), List.of(
                Json.line(Json.mapper().createObjectNode().put("id", "add").put("prompt", "Add two numbers.").put("response", add)
                        .set("tests", Json.mapper().readTree(tests))),
                Json.line(Json.mapper().createObjectNode().put("id", "sub").put("prompt", "Add two numbers.").put("response", sub)
                        .put("tests", tests))));
        Path out = dir.resolve("own");
        CliTest.Result r = CliTest.run("curate", "--generations", file.toString(), "--out", out.toString(), "--timeout-s", "2", "--containers", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("code: kept 1 of 2 (correct 1, wrong 1");
        assertThat(Json.mapper().readTree(Files.readAllLines(out.resolve("sharegpt.jsonl")).getFirst()).get("id").asText()).isEqualTo("add");
    }
}
