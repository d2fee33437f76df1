package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerHost;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.RunStatus;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.sandbox.SecondDockerDaemon;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox pool over two Docker daemons, the second started by the test on its own socket, data
 * root and exec root: it is seeded with `sandbox image --save/--load`, a grade uses both (as each
 * daemon's `docker events` shows), gives the verdicts a one-daemon grade gives, loses and mis-scores
 * nothing when one daemon is stopped mid-grade, and takes a daemon back once it answers again.
 */
@Tag("docker")
@Tag("data")
@Tag("slow")
@ExtendWith(DockerRequired.class)
class MultiHostGradeTest {
    private static final Map<String, String> SLOW = Map.of("problem_id", "atcoder/abc301_a", "completion", "```python\nwhile True:\n    pass\n```");
    /** Right, but slow enough that a daemon stopped mid-grade is stopped under one of these. */
    private static final Map<String, String> SLOW_BUT_RIGHT = Map.of("problem_id", "atcoder/abc301_a", "completion", """
            ```python
            import time
            time.sleep(0.1)
            n = int(input())
            s = input()
            t, a = s.count("T"), s.count("A")
            print("T" if t > a else "A" if a > t else ("T" if s[-1] == "A" else "A"))
            ```""");
    private static final Map<String, String> CRASHES = Map.of("problem_id", "atcoder/abc301_a", "completion",
            "```python\nimport sys\nsys.exit(3)\n```");

    private static SecondDockerDaemon second;
    private static String first;

    @TempDir
    Path dir;

    @BeforeAll
    static void secondDaemonWithTheImage(@TempDir Path tmp) throws Exception {
        first = DockerHost.local().uri();
        second = SecondDockerDaemon.start();
        Path tar = tmp.resolve("sandbox.tar");
        CliTest.Result saved = CliTest.run("sandbox", "image", "--save", tar.toString());
        assertThat(saved.code()).as(saved.err()).isZero();
        assertThat(saved.out()).startsWith("wrote " + SandboxConfig.DEFAULT_IMAGE + " from " + first + " to " + tar);
        CliTest.Result loaded = CliTest.run("sandbox", "image", "--load", tar.toString(), "--docker-host", second.uri());
        assertThat(loaded.code()).as(loaded.err() + loaded.out()).isZero();
        assertThat(loaded.out().strip()).isEqualTo("loaded " + SandboxConfig.DEFAULT_IMAGE + " into " + second.uri());
        assertThat(second.docker("image", "inspect", SandboxConfig.DEFAULT_IMAGE).exitCode()).isZero();
        // A torn tarball is refused before any daemon sees it.
        Path torn = tmp.resolve("torn.tar");
        try (var in = Files.newInputStream(tar)) {
            Files.write(torn, in.readNBytes((int) Math.min(Files.size(tar) / 2, 64L << 20)));
        }
        CliTest.Result refused = CliTest.run("sandbox", "image", "--load", torn.toString(), "--docker-host", second.uri());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().strip()).isEqualTo("arbiter: " + torn + " is not a tarball of " + SandboxConfig.DEFAULT_IMAGE
                + " (no manifest.json naming it); write one with `arbiter sandbox image --save FILE`");
    }

    @AfterAll
    static void stopSecond() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    @AfterEach
    void restore() throws Exception {
        GradeCommand.sandboxes = Sandbox::start;
        if (!second.running()) {
            second.up();
        }
    }

    private Path generations(String name, int rows) throws IOException {
        List<Map<String, String>> kinds = List.of(GradeCliTest.PASSES, GradeCliTest.WRONG, SLOW, SLOW_BUT_RIGHT, GradeCliTest.NO_CODE, CRASHES);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append(Json.line(kinds.get(i % kinds.size()))).append('\n');
        }
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    private CliTest.Result grade(Path gens, Path out, String... hosts) {
        List<String> args = new ArrayList<>(List.of("grade", "--benchmark", "lcb_v1_samples", "--generations", gens.toString(),
                "--out", out.toString(), "--timeout-s", "1", "--containers", "1", "--offline", "--data-dir", Shared.datasets().toString()));
        for (String h : hosts) {
            args.addAll(List.of("--docker-host", h));
        }
        return CliTest.run(args.toArray(String[]::new));
    }

    private Path gradedOnTheFirstDaemonAlone(Path gens) {
        Path alone = dir.resolve("alone.jsonl");
        CliTest.Result one = grade(gens, alone, first);
        assertThat(one.code()).as(one.err()).isZero();
        return alone;
    }

    /** Where the next grade's pool will be, to look at its hosts. */
    private static AtomicReference<Sandbox> keptPool() {
        AtomicReference<Sandbox> pool = new AtomicReference<>();
        GradeCommand.sandboxes = cfg -> {
            Sandbox s = Sandbox.start(cfg);
            pool.set(s);
            return s;
        };
        return pool;
    }

    /** What a verdict decides, without its timings and the machine it was made on. */
    private static List<JsonNode> decisions(Path out) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            ObjectNode n = (ObjectNode) Json.mapper().readTree(line);
            n.remove(List.of("wall_ms", "cpu_ms", "per_test", "machine", "max_rss_kb"));
            nodes.add(n);
        }
        return nodes;
    }

    @Test
    void aGradeOverTwoDaemonsUsesBothAndGivesTheOneDaemonVerdicts() throws Exception {
        Path gens = generations("gens.jsonl", 15);
        Path alone = gradedOnTheFirstDaemonAlone(gens);
        AtomicReference<Sandbox> pool = keptPool();
        Path both = dir.resolve("both.jsonl");
        Instant from = Instant.now();
        CliTest.Result two = grade(gens, both, first, second.uri());
        Instant to = Instant.now();
        assertThat(two.code()).as(two.err()).isZero();
        assertThat(two.out()).contains("0 infrastructure errors");
        assertThat(decisions(both)).isEqualTo(decisions(alone));
        assertThat(decisions(alone)).extracting(v -> v.path("outcome").asText())
                .contains("correct", "wrong", "no_answer").doesNotContain("infrastructure_error");

        assertThat(pool.get().hosts()).extracting(Sandbox.HostStatus::host).containsExactly(first, second.uri());
        assertThat(pool.get().hosts()).allSatisfy(h -> assertThat(h.jobs()).as(h.host()).isPositive());
        assertThat(SecondDockerDaemon.sandboxStarts(first, from, to)).isNotEmpty();
        assertThat(SecondDockerDaemon.sandboxStarts(second.uri(), from, to)).isNotEmpty();
        // Nothing of the pool outlives it, on either daemon.
        assertThat(second.docker("ps", "-aq", "--filter", "label=arbiter.sandbox").text()).isBlank();
        assertThat(SecondDockerDaemon.dockerAt(first, "ps", "-aq", "--filter", "label=arbiter.sandbox").text()).isBlank();
    }

    @Test
    void stoppingOneDaemonMidGradeLosesAndMisScoresNothing() throws Exception {
        Path gens = generations("gens.jsonl", 90);
        Path alone = gradedOnTheFirstDaemonAlone(gens);
        AtomicReference<Sandbox> pool = keptPool();
        Path both = dir.resolve("both.jsonl");
        CompletableFuture<CliTest.Result> running = CompletableFuture.supplyAsync(() -> grade(gens, both, first, second.uri()),
                Executors.newVirtualThreadPerTaskExecutor());
        waitFor("the second daemon to answer two jobs", () -> pool.get() != null && pool.get().hosts().get(1).jobs() >= 2);
        assertThat(running).as("the grade is still running when the daemon stops").isNotDone();
        second.stop();
        assertThat(running).as("the grade is still running after the daemon stopped").isNotDone();
        CliTest.Result two = running.get(5, TimeUnit.MINUTES);

        assertThat(two.code()).as(two.err()).isZero();
        assertThat(two.out()).contains("0 infrastructure errors");
        assertThat(decisions(both)).isEqualTo(decisions(alone));
        Sandbox.HostStatus lost = pool.get().hosts().get(1);
        assertThat(lost.in()).isFalse();
        assertThat(lost.out()).contains(second.uri());
        assertThat(lost.moved()).as("jobs running on the stopped daemon ran again on the other").isPositive();
    }

    @Test
    void aDaemonThatComesBackIsTakenBackIn() throws Exception {
        SandboxConfig cfg = SandboxConfig.defaults().withContainers(1).withHosts(List.of(new DockerHost(first), new DockerHost(second.uri())));
        try (Sandbox s = Sandbox.start(cfg)) {
            second.stop();
            for (int i = 0; i < 4; i++) {
                RunResult r = s.run("print(6 * 7)", "", Limits.DEFAULT);
                assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.OK);
                assertThat(r.stdout()).isEqualTo("42\n");
            }
            waitFor("the stopped daemon to be taken out", () -> !s.hosts().get(1).in());
            long before = s.hosts().get(1).jobs();

            Instant back = Instant.now();
            second.up();
            waitFor("the daemon to be taken back in", () -> s.hosts().get(1).in() && s.hosts().get(1).containers() == 1);
            List<CompletableFuture<RunResult>> runs = new ArrayList<>();
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 8; i++) {
                    runs.add(CompletableFuture.supplyAsync(() -> s.run("import time; time.sleep(0.2); print('ok')", "", Limits.DEFAULT), ex));
                }
            }
            assertThat(runs).allSatisfy(f -> assertThat(f.get().stdout()).isEqualTo("ok\n"));
            assertThat(s.hosts().get(1).jobs()).isGreaterThan(before);
            assertThat(SecondDockerDaemon.sandboxStarts(second.uri(), back, Instant.now())).isNotEmpty();
        }
        assertThat(second.docker("ps", "-aq", "--filter", "label=arbiter.sandbox").text()).isBlank();
    }

    private static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aHostThatIsDownAtTheStartIsLeftOutWithItsReasonAndNoneUpIsOneError() throws Exception {
        DockerHost nowhere = new DockerHost("unix://" + dir.resolve("no-docker.sock"));
        SandboxConfig cfg = SandboxConfig.defaults().withContainers(1).withHosts(List.of(new DockerHost(first), nowhere));
        try (Sandbox s = Sandbox.start(cfg)) {
            assertThat(s.hosts().get(1).in()).isFalse();
            assertThat(s.hosts().get(1).out()).startsWith("Docker is not reachable at " + nowhere.uri() + "; start the daemon");
            assertThat(s.run("print(1)", "", Limits.DEFAULT).stdout()).isEqualTo("1\n");
            assertThat(Sandbox.unavailable(cfg)).isEmpty();
        }
        DockerHost alsoNowhere = new DockerHost("unix://" + dir.resolve("other.sock"));
        SandboxConfig none = cfg.withHosts(List.of(nowhere, alsoNowhere));
        assertThat(Sandbox.unavailable(none)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("no Docker host could run the sandbox: Docker is not reachable at " + nowhere.uri())
                .contains("; Docker is not reachable at " + alsoNowhere.uri()));
        CliTest.Result bad = grade(generations("gens.jsonl", 1), dir.resolve("v.jsonl"), "http://" + first);
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--docker-host: not a Docker host: 'http://" + first + "'");
        CliTest.Result noTar = CliTest.run("sandbox", "image", "--load", dir.resolve("none.tar").toString(), "--docker-host", second.uri());
        assertThat(noTar.code()).isEqualTo(1);
        assertThat(noTar.err().strip()).isEqualTo("arbiter: no image tarball at " + dir.resolve("none.tar")
                + "; write one with `arbiter sandbox image --save FILE`");
    }

    @Test
    void aTcpDaemonIsReachedOverTlsWithDockerJavasSettingsAndRefusedWithoutThem() throws Exception {
        Path code = Files.writeString(dir.resolve("p.py"), "print(6 * 7)\n");
        Instant from = Instant.now();
        Process ok = child(Map.of("ARBITER_DOCKER_HOSTS", second.tlsUri(), "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", second.clientCertificates().toString()), "sandbox", "run", "--code-file", code.toString());
        String out = new String(ok.getInputStream().readAllBytes());
        String err = new String(ok.getErrorStream().readAllBytes());
        assertThat(ok.waitFor()).as(err).isZero();
        assertThat(Json.mapper().readTree(out).get("stdout").asText()).isEqualTo("42\n");
        assertThat(SecondDockerDaemon.sandboxStarts(second.uri(), from, Instant.now())).hasSize(1);

        Process refused = child(Map.of("ARBITER_DOCKER_HOSTS", second.tlsUri()), "sandbox", "run", "--code-file", code.toString());
        refused.getInputStream().readAllBytes();
        List<String> lines = new String(refused.getErrorStream().readAllBytes()).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
        assertThat(refused.waitFor()).isEqualTo(1);
        assertThat(lines).singleElement().asString()
                .startsWith("arbiter: Docker is not reachable at " + second.tlsUri() + "; check the daemon listens there and, for TLS,");
    }

    private static Process child(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("DOCKER_TLS_VERIFY");
        pb.environment().remove("DOCKER_CERT_PATH");
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void aDaemonHoldingAnotherBuildUnderTheImagesNameIsLeftOut() throws Exception {
        String original = second.docker("image", "inspect", "--format", "{{.Id}}", SandboxConfig.DEFAULT_IMAGE).text().strip();
        String box = second.docker("create", SandboxConfig.DEFAULT_IMAGE, "true").text().strip();
        assertThat(second.docker("commit", "--change", "LABEL arbiter.test=other-build", box, SandboxConfig.DEFAULT_IMAGE).exitCode()).isZero();
        try {
            SandboxConfig cfg = SandboxConfig.defaults().withContainers(1).withHosts(List.of(new DockerHost(first), new DockerHost(second.uri())));
            try (Sandbox s = Sandbox.start(cfg)) {
                Sandbox.HostStatus other = s.hosts().get(1);
                assertThat(other.in()).isFalse();
                assertThat(other.out()).startsWith("Docker at " + second.uri() + " holds another build of " + SandboxConfig.DEFAULT_IMAGE)
                        .contains("than " + first);
                assertThat(s.run("print(1)", "", Limits.DEFAULT).stdout()).isEqualTo("1\n");
            }
        } finally {
            second.docker("tag", original, SandboxConfig.DEFAULT_IMAGE);
            second.docker("rm", "-f", box);
        }
    }
}
