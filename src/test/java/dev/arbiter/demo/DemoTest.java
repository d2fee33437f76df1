package dev.arbiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.json.Json;
import dev.arbiter.run.Evaluation;
import dev.arbiter.run.RunSummary;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.testing.Shared;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter demo`'s composition on a small slice: a fresh cache, the model made, sampled in process, graded, reported. */
@Tag("data")
@Tag("slow")
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void aFreshMachineGetsTheModelARunFolderAndAReport() throws Exception {
        ModelHub hub = new ModelHub(dir.resolve("cache"), URI.create("http://127.0.0.1:9"), null, true);
        Benchmarks data = new Benchmarks(DataConfig.fromEnvironment(Shared.datasets(), Map.of()));
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Demo.Settings s = new Demo.Settings(3, 1, 2, 8, dir.resolve("store.db").toString(), report, "cpu");
        Evaluation.Result r = Demo.run(s, hub, data, (d, id) -> LocalEngine.open(d, id, "cpu", null, Generator.Limits.DEFAULT),
                Evaluation.Progress.NONE, new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(r.exitCode()).as(err.toString()).isZero();
        assertThat(hub.cached("arbiter/tiny-demo", "v1").resolve("model.safetensors")).isRegularFile();
        assertThat(report.resolve("index.html")).isRegularFile();
        assertThat(Files.readString(report.resolve("leaderboard.md"))).contains("| math500 |");
        JsonNode json = Json.mapper().readTree(report.resolve("summary.json").toFile());
        assertThat(json.path("arbiter_version").asText()).isNotBlank();
        assertThat(json.path("wall_s").asDouble()).isPositive();
        RunSummary summary = RunSummary.readRun(report);
        assertThat(summary.n()).isEqualTo(2);
        RunSummary.Row math = summary.benchmarks().getFirst();
        assertThat(math.benchmark()).isEqualTo("math500");
        assertThat(math.metrics().problems()).isEqualTo(3);
        assertThat(math.metrics().passAt1().mean()).isBetween(0.0, 1.0);
        assertThat(summary.run().benchmarks().get("math500").stored()).isEqualTo(6);
        boolean sandbox = Sandbox.unavailable(SandboxConfig.defaults()).isEmpty();
        if (sandbox) {
            assertThat(summary.benchmarks()).extracting(RunSummary.Row::benchmark).containsExactly("math500", "livecodebench");
        } else {
            assertThat(summary.benchmarks()).extracting(RunSummary.Row::benchmark).containsExactly("math500");
            assertThat(err.toString()).contains("arbiter demo: no LiveCodeBench problem");
        }
        assertThat(out.toString()).contains("report: " + report.resolve("index.html")).contains("arbiter eval --benchmark aime24");

        // a second run reuses every stored sample
        StringWriter again = new StringWriter();
        Evaluation.Result r2 = Demo.run(s, hub, data, (d, id) -> LocalEngine.open(d, id, "cpu", null, Generator.Limits.DEFAULT),
                Evaluation.Progress.NONE, new PrintWriter(new StringWriter(), true), new PrintWriter(again, true));
        assertThat(r2.exitCode()).isZero();
        assertThat(again.toString()).contains("math500: resuming: 6 of 6 samples stored");
        assertThat(RunSummary.read(report).run().benchmarks().get("math500").requested()).isZero();
    }
}
