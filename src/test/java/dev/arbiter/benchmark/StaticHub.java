package dev.arbiter.benchmark;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's resolve URLs as a real HTTP server of fixed files, for the catalogue's own entries: a path
 * answers its bytes, anything else 404, and a path under a gated prefix 401 without the right token.
 */
final class StaticHub implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger hits = new AtomicInteger();

    /** A hub whose paths under {@code gatedPrefix} (null for none) need {@code Bearer token}. */
    StaticHub(String gatedPrefix, String token) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            byte[] body = files.get(path);
            if (gatedPrefix != null && path.startsWith(gatedPrefix) && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(401, -1);
            } else if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    /** Serves {@code bytes} at {@code path} from now on, in place of what was there. */
    void put(String path, byte[] bytes) {
        files.put(path, bytes);
    }

    /** Requests answered so far, whatever their answer. */
    int hits() {
        return hits.get();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
