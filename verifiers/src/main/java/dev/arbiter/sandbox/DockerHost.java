package dev.arbiter.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Docker daemon the sandbox may run containers on: {@code unix:///path/docker.sock} or
 * {@code tcp://host:port}. A tcp host speaks TLS when docker-java's own settings say so
 * ({@code DOCKER_TLS_VERIFY=1} and {@code DOCKER_CERT_PATH} holding ca.pem, cert.pem and key.pem), as
 * the docker CLI does; every tcp host is then reached with that one client certificate.
 */
public record DockerHost(String uri) {
    public DockerHost {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException | NullPointerException e) {
            parsed = null;
        }
        if (parsed == null || !("unix".equals(parsed.getScheme()) || "tcp".equals(parsed.getScheme()))
                || ("tcp".equals(parsed.getScheme()) && (parsed.getHost() == null || parsed.getPort() < 1))
                || ("unix".equals(parsed.getScheme()) && (parsed.getPath() == null || parsed.getPath().isEmpty()))) {
            throw new SandboxException("not a Docker host: '" + uri + "' (give unix:///path/to/docker.sock or tcp://host:port)");
        }
    }

    /** The daemon docker-java finds by itself: DOCKER_HOST, else the local socket. */
    public static DockerHost local() {
        return new DockerHost(DefaultDockerClientConfig.createDefaultConfigBuilder().build().getDockerHost().toString());
    }

    /** Hosts from a comma-separated list such as ARBITER_DOCKER_HOSTS; blank entries are skipped, repeats refused. */
    public static List<DockerHost> parseList(String commaSeparated) {
        List<DockerHost> hosts = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                hosts.add(new DockerHost(part.strip()));
            }
        }
        return distinct(hosts);
    }

    /** The list itself, refusing a host named twice (it would get twice its share of containers by accident). */
    public static List<DockerHost> distinct(List<DockerHost> hosts) {
        if (hosts.isEmpty()) {
            throw new SandboxException("no Docker host given");
        }
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.indexOf(hosts.get(i)) != i) {
                throw new SandboxException("Docker host " + hosts.get(i).uri() + " is named twice");
            }
        }
        return List.copyOf(hosts);
    }

    /**
     * A client of this daemon, checked with a ping. {@code responseTimeout} bounds each call (null:
     * none, for the long-lived attach streams of the sandbox's containers).
     */
    DockerClient connect(Duration responseTimeout) {
        DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(uri).build();
        ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(cfg.getDockerHost())
                .sslConfig(cfg.getSSLConfig())
                .maxConnections(256)
                .connectionTimeout(Duration.ofSeconds(5));
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        boolean tcp = uri.startsWith("tcp:");
        if (tcp && cfg.getSSLConfig() == null && !loopback() && !"1".equals(System.getenv("ARBITER_DOCKER_INSECURE"))) {
            throw new SandboxException("refusing plain tcp to Docker at " + uri + ": whoever can reach that traffic is root on the host"
                    + " and writes the verdicts; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem),"
                    + " or ARBITER_DOCKER_INSECURE=1 on a network you trust");
        }
        DockerClient client = DockerClientImpl.getInstance(cfg, http.build());
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw new SandboxException("Docker is not reachable at " + uri + (tcp
                    ? "; check the daemon listens there and, for TLS, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH"
                    : "; start the daemon (`sudo dockerd &` or `sudo systemctl start docker`) or set DOCKER_HOST")
                    + " (" + Sandbox.reason(e) + ")");
        }
        return client;
    }

    private boolean loopback() {
        try {
            return java.net.InetAddress.getByName(URI.create(uri).getHost()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static void closeQuietly(DockerClient client) {
        try {
            client.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // Nothing left to release.
        }
    }

    @Override
    public String toString() {
        return uri;
    }
}
