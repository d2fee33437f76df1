package dev.arbiter.reward;

import static dev.arbiter.sandbox.HostilePrograms.ABC301;
import static dev.arbiter.sandbox.HostilePrograms.CF1873;
import static dev.arbiter.sandbox.HostilePrograms.SENIORS;
import static dev.arbiter.sandbox.HostilePrograms.fenced;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.HostilePrograms;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.testing.Shared;
import dev.arbiter.verify.math.MathVerifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reward service under hostile code, through a real server and a real two-container sandbox:
 * hostile responses (forged frames, a daemon, closed folders and stopped processes, an IPC stash,
 * call-based forgeries) score 0 as incorrect, graded rather than errors, and honest responses
 * around them score 1. A response that breaks the sandbox itself is no wrong answer: it is an error.
 */
@Tag("docker")
@Tag("data")
class HostileRewardTest {
    static MathVerifier verifier;
    static Sandbox sandbox;
    static RewardServer server;
    static final Map<String, Problem> real = new HashMap<>();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start(@TempDir Path cache) throws Exception {
        DockerRequired.check();
        new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null))
                .load("lcb_v1_samples", Selection.DEFAULT).problems().forEach(p -> real.put(p.id(), p));
        verifier = new MathVerifier();
        sandbox = Sandbox.start(SandboxConfig.defaults().withContainers(2));
        server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, sandbox, null), sandbox, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            sandbox.close();
            verifier.close();
        }
    }

    static CompletableFuture<JsonNode> score(ObjectNode body) {
        HttpRequest req = HttpRequest.newBuilder(server.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(Json.line(body)))
                .timeout(Duration.ofMinutes(3)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            try {
                return Json.mapper().readTree(r.body()).get("results");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** A problem's tests as trainers send them: {"inputs", "outputs", "fn_name"}. */
    static ObjectNode tests(String problemId) {
        CodeTests t = (CodeTests) real.get(problemId).gold();
        ObjectNode n = Json.mapper().createObjectNode();
        ArrayNode in = n.putArray("inputs");
        ArrayNode out = n.putArray("outputs");
        for (TestCase c : t.tests()) {
            in.add(c.input());
            out.add(c.output());
        }
        if (t.fnName() != null) {
            n.put("fn_name", t.fnName());
        }
        return n;
    }

    record Item(String id, String problemId, String code, boolean honest) {}

    static ObjectNode request(List<Item> items) {
        ObjectNode b = Json.mapper().createObjectNode();
        ArrayNode arr = b.putArray("items");
        for (Item i : items) {
            arr.addObject().put("id", i.id()).put("kind", "code").put("response", fenced(i.code())).set("tests", tests(i.problemId()));
        }
        b.putObject("options").put("timeout_s", 2);
        return b;
    }

    @Test
    void hostileResponsesScoreZeroAsIncorrectAndHonestOnesAroundThemScoreOne() throws Exception {
        Problem abc = real.get(ABC301);
        List<Item> items = List.of(
                new Item("forged frames", ABC301, HostilePrograms.withSample("forged_frames.py", abc), false),
                new Item("honest 1", ABC301, HostilePrograms.WINNER_IF_CLEAN, true),
                new Item("daemon", ABC301, HostilePrograms.DAEMON, false),
                new Item("honest 2", SENIORS, HostilePrograms.SENIORS_IF_CLEAN, true),
                new Item("0300 folders, zero rlimits, SIGSTOP", ABC301, HostilePrograms.DISABLE, false),
                new Item("honest 3", CF1873, HostilePrograms.ABC_IF_CLEAN, true),
                new Item("IPC and file stash", ABC301, HostilePrograms.CARRY_OVER, false),
                new Item("honest 4", ABC301, HostilePrograms.WINNER_IF_CLEAN, true),
                new Item("fake harness", ABC301, HostilePrograms.withSample("forged_harness.py", abc), false),
                new Item("object equal to everything", SENIORS, HostilePrograms.source("always_equal.py"), false),
                new Item("patched json, builtins and encoder", SENIORS, HostilePrograms.source("patcher.py"), false),
                new Item("honest 5", SENIORS, HostilePrograms.SENIORS_IF_CLEAN, true),
                new Item("kill everything, then a daemon", ABC301, HostilePrograms.KILL_ALL_THEN_DAEMON, false),
                new Item("honest 6", CF1873, HostilePrograms.ABC_IF_CLEAN, true));
        // The same request twice at once: the items of both interleave on the two containers.
        CompletableFuture<JsonNode> first = score(request(items));
        CompletableFuture<JsonNode> second = score(request(items));
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode results : List.of(first.get(), second.get())) {
            assertThat(results).hasSize(items.size());
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                JsonNode r = results.get(i);
                String what = item.id() + ": " + r;
                soft.assertThat(r.get("id").asText()).as(what).isEqualTo(item.id());
                if (item.honest()) {
                    soft.assertThat(r.get("verdict").asText()).as(what).isEqualTo("correct");
                    soft.assertThat(r.get("reward").asDouble()).as(what).isEqualTo(1.0);
                } else {
                    soft.assertThat(r.get("verdict").asText()).as(what).isIn("wrong", "program_timeout");
                    soft.assertThat(r.get("reward").asDouble()).as(what).isZero();
                    // Graded: the reason names the test that failed (a sandbox failure names none).
                    soft.assertThat(r.get("reason").asText()).as(what).startsWith("test ");
                }
            }
        }
        soft.assertAll();
        // And honest ones after all of it, on both containers.
        JsonNode after = score(request(List.of(new Item("a", ABC301, HostilePrograms.WINNER_IF_CLEAN, true),
                new Item("b", SENIORS, HostilePrograms.SENIORS_IF_CLEAN, true), new Item("c", CF1873, HostilePrograms.ABC_IF_CLEAN, true),
                new Item("d", ABC301, HostilePrograms.WINNER_IF_CLEAN, true)))).get();
        assertThat(after).allSatisfy(r -> assertThat(r.get("verdict").asText()).as(r.toString()).isEqualTo("correct"));
    }

    @Test
    void aResponseThatTheSandboxCannotGradeIsAnErrorNotAWrongAnswer() throws Exception {
        // Kill the container that runs the item, then the one it is retried on: the sandbox gives up
        // (CodeVerdict.sandboxError), and the reward must say so rather than call the response wrong.
        ObjectNode b = Json.mapper().createObjectNode();
        b.putArray("items").addObject().put("id", "slow").put("kind", "code")
                .put("response", fenced("import time\ntime.sleep(6)\nprint(2)\n"))
                .set("tests", Json.mapper().readTree("{\"inputs\": [\"\\n\"], \"outputs\": [\"2\\n\"]}"));
        b.putObject("options").put("timeout_s", 10);
        List<String> before = sandbox.containerIds();
        CompletableFuture<JsonNode> res = score(b);
        Thread.sleep(1_500);
        // The item runs on one of the two containers: kill both, then both replacements once they are up.
        before.forEach(HostileRewardTest::dockerKill);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sandbox.containerIds().stream().filter(id -> !before.contains(id)).count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1_500);
        List<String> killed = sandbox.containerIds();
        killed.forEach(HostileRewardTest::dockerKill);
        JsonNode r = res.get().get(0);
        assertThat(r.get("reward").isNull()).as(r.toString()).isTrue();
        assertThat(r.get("verdict").asText()).as(r.toString()).isEqualTo("infrastructure_error");
        // The pool is shared with the other test: leave it whole. Until the pool has noticed the last
        // kills, a request could still be sent to a killed container and spend its retry on the other.
        long whole = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((sandbox.containerIds().stream().anyMatch(killed::contains) || sandbox.containerIds().size() < killed.size())
                && System.nanoTime() < whole) {
            Thread.sleep(100);
        }
        assertThat(sandbox.containerIds()).as("the pool replaced the killed containers").doesNotContainAnyElementsOf(killed);
    }

    static void dockerKill(String id) {
        try {
            new ProcessBuilder("docker", "kill", id).redirectErrorStream(true).start().waitFor();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
