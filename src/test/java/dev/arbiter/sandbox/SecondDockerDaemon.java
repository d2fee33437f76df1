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
 * and exec root, no bridge network and no iptables rules, listening on a unix socket and on a local
 * tcp port with TLS that requires a client certificate. It needs root, {@code dockerd} and {@code openssl}; without
 * them the test skips, except under ARBITER_REQUIRE_DOCKER=1 (CI), where it fails.
 */
public final class SecondDockerDaemon implements AutoCloseable {
    private final Path dir;
    /** The tcp port it also listens on, with TLS and client certificates required. */
    private final int tlsPort;
    private Process process;

    private SecondDockerDaemon(Path dir, int tlsPort) {
        this.dir = dir;
        this.tlsPort = tlsPort;
    }

    /** Starts a fresh daemon in a new folder and waits until it answers. */
    public static SecondDockerDaemon start() throws Exception {
        boolean possible = ProcessHandle.current().info().user().map("root"::equals).orElse(false) && onPath("dockerd") && onPath("openssl");
        if (System.getenv("ARBITER_REQUIRE_DOCKER") != null) {
            assertThat(possible).as("root, dockerd and openssl, to start a second Docker daemon (ARBITER_REQUIRE_DOCKER is set)").isTrue();
        }
        assumeTrue(possible, "a second Docker daemon needs root, dockerd and openssl");
        // Unix socket paths are short: keep the folder near the root.
        SecondDockerDaemon d = new SecondDockerDaemon(Files.createTempDirectory(Path.of("/tmp"), "ad2-"), freePort());
        d.makeCertificates();
        d.up();
        return d;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate laid out as DOCKER_CERT_PATH wants. */
    private void makeCertificates() throws IOException, InterruptedException {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path client = Files.createDirectories(dir.resolve("client"));
        Files.writeString(tls.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Files.writeString(tls.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        openssl(tls, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=arbiter-test-ca");
        openssl(tls, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost");
        openssl(tls, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", "server-cert.pem",
                "-days", "2", "-extfile", "server.ext");
        openssl(tls, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", client.resolve("key.pem").toString(), "-out", "client.csr", "-subj", "/CN=arbiter");
        openssl(tls, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", client.resolve("cert.pem").toString(), "-days", "2", "-extfile", "client.ext");
        Files.copy(tls.resolve("ca.pem"), client.resolve("ca.pem"));
    }

    private static void openssl(Path in, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** Its address over tcp; reaching it needs {@link #clientCertificates()} with DOCKER_TLS_VERIFY=1. */
    public String tlsUri() {
        return "tcp://127.0.0.1:" + tlsPort;
    }

    /** A folder to give as DOCKER_CERT_PATH: ca.pem, cert.pem and key.pem. */
    public Path clientCertificates() {
        return dir.resolve("client");
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
                "--bridge", "none", "--iptables=false", "--ip-masq=false", "--shutdown-timeout", "2",
                "--host", tlsUri(), "--tlsverify", "--tlscacert", dir.resolve("tls/ca.pem").toString(),
                "--tlscert", dir.resolve("tls/server-cert.pem").toString(), "--tlskey", dir.resolve("tls/server-key.pem").toString())
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
