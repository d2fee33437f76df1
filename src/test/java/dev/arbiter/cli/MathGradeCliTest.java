package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter grade` on a math benchmark: generations from another harness, verdicts and pass@1. */
@Tag("data")
@Tag("slow")
class MathGradeCliTest {
    @TempDir
    Path dir;

    private static List<Problem> math500() {
        DataConfig c = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        return new Benchmarks(new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()))
                .load("math500", Selection.DEFAULT).problems();
    }

    private CliTest.Result grade(Path gens, Path out) {
        return CliTest.run("grade", "--benchmark", "math500", "--generations", gens.toString(), "--out", out.toString(),
                "--offline", "--data-dir", Shared.datasets().toString());
    }

    @Test
    void referenceSolutionsScoreAtLeast998Thousandths() throws Exception {
        List<String> lines = new ArrayList<>();
        for (Problem p : math500()) {
            lines.add(Json.line(Map.of("problem_id", p.id(), "completion", ((MathAnswer) p.gold()).solution())));
        }
        Path gens = Files.write(dir.resolve("gens.jsonl"), lines);
        Path out = dir.resolve("verdicts.jsonl");
        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = Pattern.compile("pass@1 ([0-9.]+) over 500 problems").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        System.out.println("grade math500 reference solutions: " + r.out().strip());
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0.998);
        assertThat(Files.readAllLines(out)).hasSize(500);
    }

    @Test
    void wrongAndAnswerlessCompletionsAreToldApart() throws Exception {
        List<Problem> ps = math500().subList(0, 3);
        String gold = ((MathAnswer) ps.get(0).gold()).answer();
        Path gens = Files.write(dir.resolve("gens.jsonl"), List.of(
                Json.line(Map.of("problem_id", ps.get(0).id(), "completion", "so the answer is $\\boxed{" + gold + "}$")),
                Json.line(Map.of("problem_id", ps.get(0).id(), "completion", "I could not finish the")),
                Json.line(Map.of("problem_id", ps.get(1).id(), "completion", "\\boxed{definitely not it}"))));
        Path out = dir.resolve("verdicts.jsonl");
        CliTest.Result r = grade(gens, out);
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> v = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            v.add(Json.mapper().readTree(l));
        }
        assertThat(v).extracting(n -> n.get("outcome").asText()).containsExactly("correct", "no_answer", "wrong");
        assertThat(v.get(0).get("line").asInt()).isEqualTo(1);
        // Problem 0 has one of two right, problem 1 none: (0.5 + 0) / 2.
        assertThat(r.out()).contains("1 of 3 equal, pass@1 0.2500 over 2 problems");
    }

    @Test
    void benchGradeRegradesEveryCompletionFromTheStore() {
        CliTest.Result r = CliTest.run("bench", "grade", "--samples", "4", "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(r.code()).as(r.err()).isZero();
        // Of the four kinds, the reference solution and the bare boxed gold are right for every problem.
        assertThat(r.out()).contains("500 problems x 4 completions = 2000").contains("regraded 2000 completions");
        Matcher m = Pattern.compile("pass@1 ([0-9.]+)").matcher(r.out());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isBetween(0.5, 1.0);
    }
}
