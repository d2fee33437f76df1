package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub download path over real HTTP. The real hub cannot be reached from these machines, so a
 * local server answers the same resolve URLs the hub does.
 */
@Tag("data")
class HubDownloadTest {
    @TempDir
    Path dir;

    HttpServer server;
    final AtomicInteger hits = new AtomicInteger();
    final AtomicReference<String> lastAuth = new AtomicReference<>();
    byte[] math500;

    @BeforeEach
    void start() throws IOException {
        math500 = Files.readAllBytes(Shared.datasets().resolve("math500/test.jsonl"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            lastAuth.set(ex.getRequestHeaders().getFirst("Authorization"));
            String path = ex.getRequestURI().getPath();
            if (path.equals("/datasets/HuggingFaceH4/MATH-500/resolve/main/test.jsonl")) {
                // The hub answers with a redirect to its CDN; follow it like the real client must.
                ex.getResponseHeaders().add("Location", "/cdn/math500");
                ex.sendResponseHeaders(302, -1);
            } else if (path.equals("/cdn/math500")) {
                ex.sendResponseHeaders(200, math500.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(math500);
                }
            } else {
                ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) { // null when the data check skipped the test before the server started
            server.stop(0);
        }
    }

    private Benchmarks open(URI endpoint, boolean offline) {
        return new Benchmarks(new DataConfig(null, dir.resolve("cache"), offline, endpoint, "secret-token"));
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void downloadsOnceIntoTheCacheThenReadsTheCache() {
        Benchmarks b = open(endpoint(), false);
        Benchmarks.Loaded first = b.load("math500", Selection.DEFAULT);
        assertThat(first.problems()).hasSize(500);
        assertThat(first.origin()).isEqualTo(Benchmarks.Origin.HUB);
        assertThat(lastAuth.get()).isEqualTo("Bearer secret-token");
        int afterFirst = hits.get();
        assertThat(afterFirst).isEqualTo(2);

        Benchmarks.Loaded again = open(endpoint(), true).load("math500", Selection.DEFAULT);
        assertThat(again.origin()).isEqualTo(Benchmarks.Origin.CACHE);
        assertThat(again.problems()).isEqualTo(first.problems());
        assertThat(hits.get()).isEqualTo(afterFirst);
        Path cached = dir.resolve("cache/hub/HuggingFaceH4/MATH-500/main/test.jsonl");
        assertThat(cached).exists();
        assertThat(cached.resolveSibling("test.jsonl.part")).doesNotExist();
    }

    @Test
    void listDoesNotDownloadButSaysHow() {
        Benchmarks.Status s = open(endpoint(), false).status().stream()
                .filter(r -> r.name().equals("math500")).findFirst().orElseThrow();
        assertThat(s.state()).isEqualTo(Benchmarks.State.DOWNLOADABLE);
        assertThat(s.note()).contains("arbiter benchmarks fetch math500");
        assertThat(hits.get()).isZero();
    }

    @Test
    void aCachedFileThatRotsAfterDownloadIsCaught() throws IOException {
        open(endpoint(), false).load("math500", Selection.DEFAULT);
        Path cached = dir.resolve("cache/hub/HuggingFaceH4/MATH-500/main/test.jsonl");
        Files.writeString(cached, "{}\n");
        assertThatThrownBy(() -> open(endpoint(), true).load("math500", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining(cached.toString())
                .hasMessageContaining("sha256");
    }

    @Test
    void aFileTheHubDoesNotHaveIsAClearError() {
        assertThatThrownBy(() -> open(endpoint(), false).load("aime24", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("math-ai/aime24/resolve/main/test.jsonl")
                .hasMessageContaining("HTTP 404");
        assertThat(dir.resolve("cache/hub/math-ai/aime24/main/test.jsonl")).doesNotExist();
    }

    @Test
    void anUnreachableHubSaysWhatToDoInstead() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> open(URI.create("http://127.0.0.1:" + closedPort), false).load("math500", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("cannot reach the Hugging Face hub")
                .hasMessageContaining("ARBITER_DATA");
    }

    @Test
    void offlineNeverTouchesTheNetwork() {
        assertThatThrownBy(() -> open(endpoint(), true).load("math500", Selection.DEFAULT))
                .hasMessageContaining("offline");
        assertThat(hits.get()).isZero();
    }
}
