package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review attack: `arbiter grade --judge` resuming an --out written for other generations. The resumed verdict lines are not
 * checked against the generations (only regraded ones are), and GradeJudging pairs verdict line i with generation i, so the
 * judge's ruling on one problem's response is written onto another problem's verdict line and counted in its pass@1.
 */
@Tag("data")
class GradeResumeJudgeAttackTest {
    @TempDir
    Path dir;

    CliTest.Result grade(Path gens, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("grade", "--benchmark", "math500", "--generations", gens.toString(), "--out", out.toString(),
                "--store", dir.resolve("store.db").toString(), "--offline", "--data-dir", dev.arbiter.testing.Shared.datasets().toString()));
        a.addAll(List.of(more));
        return CliTest.run(a.toArray(String[]::new));
    }

    static String line(Problem p, String completion) {
        return Json.line(Json.mapper().createObjectNode().put("problem_id", p.id()).put("completion", completion));
    }

    /**
     * An --out written for other generations, resumed: its verdicts (and a judge's rulings beside them) once stayed on lines
     * now meant for other problems. Every stored line must be on its generation's problem, with or without a judge.
     */
    @Test
    void aResumedOutOfOtherGenerationsIsRefusedBeforeAnyVerdictOrRulingLandsOnAnotherProblem() throws Exception {
        List<Problem> ps = JudgeCascadeCliTest.math500();
        Path out = dir.resolve("v.jsonl");
        Path a = Files.write(dir.resolve("a.jsonl"), List.of(line(ps.get(0), "\\boxed{111111}"), line(ps.get(1), "\\boxed{222222}")));
        assertThat(grade(a, out).code()).isZero();
        List<String> before = Files.readAllLines(out);
        Path b = Files.write(dir.resolve("b.jsonl"), List.of(line(ps.get(1), "\\boxed{333333} ACCEPT-ME"), line(ps.get(0), "\\boxed{444444}")));
        List<String> prompts = new ArrayList<>();
        try (FakeOpenAiServer judge = new FakeOpenAiServer(JudgeCascadeCliTest.judge(prompts))) {
            for (CliTest.Result r : List.of(grade(b, out), grade(b, out, "--judge", judge.uri().toString(), "--judge-model", "referee"))) {
                assertThat(r.code()).isEqualTo(1);
                assertThat(r.err()).contains(out + ":1: a verdict on " + ps.get(0).id()).contains("is for " + ps.get(1).id())
                        .contains("Give another --out");
            }
            assertThat(judge.received.get()).isZero();
        }
        assertThat(Files.readAllLines(out)).isEqualTo(before);
    }
}
