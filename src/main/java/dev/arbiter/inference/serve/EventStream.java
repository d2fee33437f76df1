package dev.arbiter.inference.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A 200 response of server-sent events as OpenAI streams them: {@code data: JSON} events, each
 * flushed to the client at once, ended by {@code data: [DONE]}. A write that fails means the client
 * went away. {@code beforeEnd} runs once, before the end is written.
 */
final class EventStream implements AutoCloseable {
    private final OutputStream out;
    private final Runnable beforeEnd;

    EventStream(HttpExchange ex, Runnable beforeEnd) throws IOException {
        this.beforeEnd = beforeEnd;
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0); // chunked: the length is not known
        out = ex.getResponseBody();
    }

    void send(JsonNode data) throws IOException {
        write("data: " + Json.line(data) + "\n\n");
    }

    void done() throws IOException {
        beforeEnd.run();
        write("data: [DONE]\n\n");
    }

    private void write(String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        beforeEnd.run();
        out.close();
    }
}
