package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.inference.serve.ServerOptions;
import dev.arbiter.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * The server tests' fixture: a tiny random qwen2 model made by `arbiter model tiny`, served by
 * `arbiter serve`'s server on a free local port, and plain HTTP calls to it.
 */
final class TinyServer implements AutoCloseable {
    final CliTest.Result made;
    final Path model;
    final LocalEngine engine;
    final OpenAiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private TinyServer(CliTest.Result made, Path model, LocalEngine engine, OpenAiServer server) {
        this.made = made;
        this.model = model;
        this.engine = engine;
        this.server = server;
    }

    /** The model written to dir/tiny and served as "tiny", 64 rows a batch. */
    static TinyServer start(Path dir, LocalEngine.Overrides overrides, ServerOptions options) throws Exception {
        Path model = dir.resolve("tiny");
        CliTest.Result made = CliTest.run("model", "tiny", "--arch", "qwen2", "--out", model.toString(), "--init-std", "0.3");
        assertThat(made.code()).as(made.err()).isZero();
        LocalEngine engine = LocalEngine.open(model, "tiny", "cpu", null, new Generator.Limits(64, 4096), overrides);
        try {
            return new TinyServer(made, model, engine, new OpenAiServer(engine, "127.0.0.1", 0, options));
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a 200 reply, read as JSON; any other status fails the test with the body. */
    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
