package dev.arbiter.cli;

import static dev.arbiter.sandbox.HostilePrograms.ABC301;
import static dev.arbiter.sandbox.HostilePrograms.CF1873;
import static dev.arbiter.sandbox.HostilePrograms.SENIORS;
import static dev.arbiter.sandbox.HostilePrograms.fenced;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.HostilePrograms;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `arbiter grade` end to end on a generations file that mixes hostile generations (forged frames, a
 * daemon, closed folders and stopped processes, an IPC stash) with honest ones: each hostile one is
 * graded and not passed, each honest one passes (and the honest stdin ones answer only if they find
 * nothing an earlier job left), and the command succeeds.
 */
@Tag("docker")
@Tag("data")
class HostileGradeCliTest {
    @TempDir
    Path dir;

    static Map<String, Problem> real = new LinkedHashMap<>();

    @BeforeAll
    static void load(@TempDir Path cache) {
        DockerRequired.check();
        new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null))
                .load("lcb_v1_samples", Selection.DEFAULT).problems().forEach(p -> real.put(p.id(), p));
    }

    record Generation(String problemId, String code, boolean honest, String what) {}

    static List<Generation> generations() {
        Problem abc = real.get(ABC301);
        return List.of(
                new Generation(ABC301, HostilePrograms.withSample("forged_frames.py", abc), false, "fake result frames"),
                new Generation(ABC301, HostilePrograms.WINNER_IF_CLEAN, true, "right"),
                new Generation(ABC301, HostilePrograms.DAEMON, false, "daemon"),
                new Generation(SENIORS, HostilePrograms.SENIORS_IF_CLEAN, true, "right"),
                new Generation(ABC301, HostilePrograms.DISABLE, false, "0300 folders, zero rlimits, SIGSTOP"),
                new Generation(CF1873, HostilePrograms.ABC_IF_CLEAN, true, "right"),
                new Generation(ABC301, HostilePrograms.CARRY_OVER, false, "IPC and file stash"),
                new Generation(ABC301, HostilePrograms.WINNER_IF_CLEAN, true, "right"),
                new Generation(ABC301, HostilePrograms.withSample("forged_harness.py", abc), false, "fake harness"),
                new Generation(SENIORS, HostilePrograms.source("patcher.py"), false, "patched json, builtins and encoder"),
                new Generation(ABC301, HostilePrograms.KILL_ALL_THEN_DAEMON, false, "kill everything, then a daemon"),
                new Generation(SENIORS, HostilePrograms.SENIORS_IF_CLEAN, true, "right"),
                new Generation(CF1873, HostilePrograms.ABC_IF_CLEAN, true, "right"),
                new Generation(ABC301, HostilePrograms.WINNER_WRONG, false, "an honest wrong answer"),
                new Generation(ABC301, HostilePrograms.WINNER_IF_CLEAN, true, "right"));
    }

    @ParameterizedTest(name = "--containers {0}")
    @ValueSource(ints = {1, 2})
    void hostileGenerationsFailAndHonestOnesPass(int containers) throws IOException {
        List<Generation> gens = generations();
        StringBuilder sb = new StringBuilder();
        gens.forEach(g -> sb.append(Json.line(Map.of("problem_id", g.problemId(), "completion", fenced(g.code())))).append('\n'));
        Path in = Files.writeString(dir.resolve("gens.jsonl"), sb.toString());
        Path out = dir.resolve("verdicts.jsonl");
        CliTest.Result r = CliTest.run("grade", "--benchmark", "lcb_v1_samples", "--generations", in.toString(), "--out", out.toString(),
                "--timeout-s", "2", "--containers", Integer.toString(containers), "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(r.code()).as(r.err()).isZero();
        long honest = gens.stream().filter(Generation::honest).count();
        assertThat(r.out()).contains("graded " + gens.size() + " generations").contains(honest + " passed");
        List<JsonNode> verdicts = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            verdicts.add(Json.mapper().readTree(line));
        }
        assertThat(verdicts).hasSize(gens.size());
        SoftAssertions soft = new SoftAssertions();
        for (int i = 0; i < gens.size(); i++) {
            Generation g = gens.get(i);
            JsonNode v = verdicts.get(i);
            String what = "line " + (i + 1) + " (" + g.what() + "): " + v.path("first_failure");
            soft.assertThat(v.get("line").asInt()).as(what).isEqualTo(i + 1);
            soft.assertThat(v.has("sandbox_error")).as(what + ": a sandbox error " + v.path("sandbox_error")).isFalse();
            soft.assertThat(v.get("passed").asBoolean()).as(what).isEqualTo(g.honest());
        }
        soft.assertAll();
    }
}
