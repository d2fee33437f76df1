package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second Docker daemon on this machine, standing in for a second host: its own socket, data root
 * and exec root, no bridge network and no iptables rules. It needs root and {@code dockerd}; without
 * them the test skips, except under ARBITER_REQUIRE_DOCKER=1 (CI), where it fails.
 */
public final class SecondDockerDaemon implements AutoCloseable {
    private final Path dir;
    private Process process;

    private SecondDockerDaemon(Path dir) {
        this.dir = dir;
    }

    /** Starts a fresh daemon in a new folder and waits until it answers. */
    public static SecondDockerDaemon start() throws Exception {
        boolean possible = ProcessHandle.current().info().user().map("root"::equals).orElse(false) && onPath("dockerd");
        if (System.getenv("ARBITER_REQUIRE_DOCKER") != null) {
            assertThat(possible).as("root and dockerd, to start a second Docker daemon (ARBITER_REQUIRE_DOCKER is set)").isTrue();
        }
        assumeTrue(possible, "a second Docker daemon needs root and dockerd");
        // Unix socket paths are short: keep the folder near the root.
        SecondDockerDaemon d = new SecondDockerDaemon(Files.createTempDirectory(Path.of("/tmp"), "ad2-"));
        d.up();
        return d;
    }

    private static boolean onPath(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Starts (or starts again, on the same data root) and waits for its socket to answer. */
    public void up() throws Exception {
        Files.deleteIfExists(dir.resolve("docker.pid"));
        process = new ProcessBuilder("dockerd", "--host", uri(), "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                "--bridge", "none", "--iptables=false", "--ip-masq=false", "--shutdown-timeout", "2")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the second dockerd exited: " + log());
            }
            if (docker("version").exitCode == 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the second dockerd did not answer within 60 s: " + log());
    }

    /** Stops it as an operator would (SIGTERM) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    public String uri() {
        return "unix://" + dir.resolve("docker.sock");
    }

    public String log() {
        try {
            String l = Files.readString(dir.resolve("dockerd.log"));
            return l.length() > 3000 ? l.substring(l.length() - 3000) : l;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public record Output(int exitCode, String text) {
    }

    /** Runs the docker CLI against this daemon. */
    public Output docker(String... args) throws IOException, InterruptedException {
        return dockerAt(uri(), args);
    }

    /** Runs the docker CLI against any daemon. */
    public static Output dockerAt(String host, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Output(-1, out);
        }
        return new Output(p.exitValue(), out);
    }

    /** Sandbox containers a daemon started between two instants, by `docker events`. */
    public static List<String> sandboxStarts(String host, Instant since, Instant until) throws IOException, InterruptedException {
        Output o = dockerAt(host, "events", "--since", Long.toString(since.getEpochSecond()), "--until", Long.toString(until.getEpochSecond() + 1),
                "--filter", "type=container", "--filter", "event=start", "--filter", "label=" + DockerWorker.LABEL, "--format", "{{.Actor.ID}}");
        assertThat(o.exitCode()).as(o.text()).isZero();
        return o.text().isBlank() ? List.of() : o.text().strip().lines().toList();
    }

    @Override
    public void close() throws Exception {
        stop();
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }
}
