package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model download over real HTTP from a stand-in for the hub's API (no hub is reachable here). */
class ModelHubTest {
    @TempDir
    Path dir;

    @Test
    void downloadsOnlyWhatTheEngineReadsThenServesFromTheCache() throws Exception {
        Path source = dir.resolve("source");
        TinyModel.write(source, TinyModel.Spec.small(ModelConfig.Architecture.LLAMA));
        Files.writeString(source.resolve("README.md"), "not needed");
        AtomicInteger fileGets = new AtomicInteger();
        HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        hub.createContext("/api/models/org/tiny/revision/main", ex -> {
            StringBuilder sb = new StringBuilder("{\"siblings\":[");
            try (var files = Files.list(source)) {
                sb.append(String.join(",", files.map(f -> "{\"rfilename\":\"" + f.getFileName() + "\"}").toList()));
            }
            byte[] b = sb.append("]}").toString().getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        hub.createContext("/org/tiny/resolve/main/", ex -> {
            fileGets.incrementAndGet();
            String name = ex.getRequestURI().getPath().substring("/org/tiny/resolve/main/".length());
            byte[] b = Files.readAllBytes(source.resolve(name));
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        hub.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
            ModelHub online = new ModelHub(dir.resolve("cache"), endpoint, null, false);
            Path got = online.resolve("org/tiny");
            assertThat(got.resolve("model.safetensors")).hasSameBinaryContentAs(source.resolve("model.safetensors"));
            assertThat(got.resolve("README.md")).doesNotExist();
            assertThat(fileGets.get()).isEqualTo(5); // config, generation config, tokenizer, tokenizer config, weights
            assertThat(ModelHub.fingerprint(got)).isEqualTo(ModelHub.fingerprint(source).replace("source@", "org/tiny@"));
            // the cache answers the second time, even offline
            ModelHub offline = new ModelHub(dir.resolve("cache"), endpoint, null, true);
            assertThat(offline.resolve("org/tiny")).isEqualTo(got);
            assertThat(fileGets.get()).isEqualTo(5);
            assertThatThrownBy(() -> offline.resolve("org/other")).isInstanceOf(ModelException.class)
                    .hasMessageContaining("not in the cache").hasMessageContaining("ARBITER_OFFLINE");
            assertThatThrownBy(() -> online.resolve("org/missing")).hasMessageContaining("HTTP 404");
        } finally {
            hub.stop(0);
        }
        assertThatThrownBy(() -> new ModelHub(dir, URI.create("http://127.0.0.1:9"), null, false).resolve("not a model"))
                .hasMessageContaining("neither a model folder nor a Hugging Face id");
    }
}
