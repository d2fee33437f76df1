package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.perf.BenchSolutions;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.testing.Shared;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter eval` on a code benchmark: samples graded in the Docker sandbox by LiveCodeBench's rules. */
@Tag("docker")
@Tag("data")
@ExtendWith(DockerRequired.class)
class EvalCodeCliTest {
    @TempDir
    Path dir;

    private static final Map<String, String> SOLUTIONS = Map.of(
            "codeforces/1873_A", BenchSolutions.ABC_SWAP,
            "leetcode/2727", BenchSolutions.COUNT_SENIORS,
            "atcoder/abc301_a", BenchSolutions.OVERALL_WINNER);

    @Test
    void evenSeedsWriteACorrectProgramOddSeedsNone() throws Exception {
        DataConfig c = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        List<Problem> problems = new Benchmarks(new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()))
                .load("lcb_v1_samples", Selection.DEFAULT).problems();
        FakeOpenAiServer.Model model = (prompt, seed) -> {
            Problem p = problems.stream().filter(q -> prompt.contains(q.prompt())).findFirst().orElse(null);
            if (p == null) {
                return new FakeOpenAiServer.Reply("I am not sure.", "stop"); // eval's fingerprint probes
            }
            return new FakeOpenAiServer.Reply(seed % 2 == 0 ? "Here it is.\n```python\n" + SOLUTIONS.get(p.id()) + "```\n" : "I am not sure.", "stop");
        };
        try (FakeOpenAiServer s = new FakeOpenAiServer(model)) {
            String[] args = {"eval", "--benchmark", "lcb_v1_samples", "--endpoint", s.uri().toString(), "--model", "coder", "--n", "2",
                "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("report").toString(), "--offline", "--data-dir",
                Shared.datasets().toString()};
            long t0 = System.currentTimeMillis() / 1000;
            CliTest.Result r = CliTest.run(args);
            long t1 = System.currentTimeMillis() / 1000 + 1;
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode m = Json.mapper().readTree(dir.resolve("report/summary.json").toFile()).at("/benchmarks/0/metrics");
            assertThat(m.at("/pass_at1/mean").asDouble()).isEqualTo(0.5);
            assertThat(m.path("no_answer_rate").asDouble()).isEqualTo(0.5);
            assertThat(m.at("/pass_at_k/2").asDouble()).isEqualTo(1.0);
            int probes = dev.arbiter.inference.Fingerprint.PROMPTS.size();
            assertThat(s.received.get()).isEqualTo(6 + probes);
            assertThat(r.out()).contains("| lcb_v1_samples | coder | 3 | 2 | 50.0");

            assertThat(containersCreated(t0, t1)).isPositive();

            // Nothing is missing or ungraded, so a second run asks the model for nothing and starts no container.
            Thread.sleep(1100);
            long t2 = System.currentTimeMillis() / 1000;
            CliTest.Result again = CliTest.run(args);
            long t3 = System.currentTimeMillis() / 1000 + 1;
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(s.received.get()).isEqualTo(6 + 2 * probes);
            assertThat(containersCreated(t2, t3)).isZero();
            assertThat(again.out()).contains("| lcb_v1_samples | coder | 3 | 2 | 50.0");
        }
    }

    /** Sandbox containers Docker created between two epoch seconds. */
    private static long containersCreated(long since, long until) throws Exception {
        Process p = new ProcessBuilder("docker", "events", "--since", Long.toString(since), "--until", Long.toString(until),
                "--filter", "event=create", "--filter", "label=" + dev.arbiter.sandbox.DockerRequired.sandboxLabel()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out.isEmpty() ? 0 : out.lines().count();
    }
}
