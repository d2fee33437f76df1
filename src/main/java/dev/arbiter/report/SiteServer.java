package dev.arbiter.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbiter.OutputFiles;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.run.RunSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Serves the report site on localhost while runs may still be growing. Before a page is served, the site is
 * built again if a run's summary or its store changed since the last build, so a reload shows what the store
 * holds now. Each build goes into a fresh folder and the server switches to it whole; only files under the
 * current build are served.
 */
public final class SiteServer implements AutoCloseable {
    private final List<Path> runs;
    private final String store;
    private final Function<String, List<Problem>> problemsOf;
    private final Path base;
    private final HttpServer http;
    private volatile Path root;
    private List<String> builtFrom = List.of();
    private int generation;
    private volatile String lastError;

    private SiteServer(List<Path> runs, String store, Function<String, List<Problem>> problemsOf, String host, int port) throws IOException {
        this.runs = List.copyOf(runs);
        this.store = store;
        Map<String, List<Problem>> loaded = new ConcurrentHashMap<>();
        this.problemsOf = name -> loaded.computeIfAbsent(name, problemsOf);
        this.base = Files.createTempDirectory("arbiter-site");
        refresh(); // the first build's errors are the user's to see at once
        this.http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * Builds the site of {@code runs} and serves it on {@code host:port} (0 picks a free port).
     *
     * @throws dev.arbiter.run.RunException when a folder is not a finished run, as {@link Site#write} says
     */
    public static SiteServer start(List<Path> runs, String store, Function<String, List<Problem>> problemsOf, String host, int port)
            throws IOException {
        return new SiteServer(runs, store, problemsOf, host, port);
    }

    public URI uri() {
        return URI.create("http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort() + "/");
    }

    /** Builds the site again if any run or store changed since the last build; true when it did. */
    synchronized boolean refresh() throws IOException {
        List<String> now = inputs();
        if (root != null && now.equals(builtFrom)) {
            return false;
        }
        Path next = base.resolve("v" + ++generation);
        Site.write(runs, store, problemsOf, next, new PrintWriter(new StringWriter()));
        Path previous = root;
        root = next;
        builtFrom = now;
        if (previous != null) {
            OutputFiles.deleteTree(previous.getParent().resolve("v" + (generation - 2))); // the one before may still be read from
        }
        return true;
    }

    /** What a build depends on: each run's summary and its store's files (a database server's store is read afresh each time). */
    private List<String> inputs() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path run : runs) {
            Path summary = run.resolve(RunSummary.FILE);
            out.add(stamp(summary));
            String location = store != null ? store : Files.isRegularFile(summary) ? RunSummary.read(run).store() : null;
            if (location == null || location.startsWith("jdbc:")) {
                out.add(String.valueOf(System.nanoTime()));
                continue;
            }
            for (String suffix : List.of("", "-wal")) {
                out.add(stamp(Path.of(location + suffix)));
            }
        }
        return out;
    }

    private static String stamp(Path file) throws IOException {
        return Files.exists(file) ? file + "@" + Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) : file + "@none";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "text/plain", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.endsWith("/") || path.endsWith(".html")) {
                try {
                    refresh();
                    lastError = null;
                } catch (RuntimeException | IOException e) {
                    // the last good build is still served; the page says why it is not newer
                    lastError = e.getMessage();
                }
            }
            Path current = root;
            Path file = current.resolve(path.substring(1) + (path.endsWith("/") ? "index.html" : "")).normalize();
            if (!file.startsWith(current) || !Files.isRegularFile(file)) {
                send(ex, 404, "text/plain", ("no such page: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = Files.readAllBytes(file);
            String error = lastError;
            if (error != null && file.getFileName().toString().endsWith(".html")) {
                body = new String(body, StandardCharsets.UTF_8).replaceFirst("<body>",
                        java.util.regex.Matcher.quoteReplacement("<body><p class=\"note\">Could not refresh from the runs: " + Html.esc(error) + "</p>"))
                        .getBytes(StandardCharsets.UTF_8);
            }
            send(ex, 200, type(file), body);
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String type(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : name.endsWith(".json") ? "application/json"
                : name.endsWith(".md") ? "text/markdown; charset=utf-8" : "application/octet-stream";
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        OutputFiles.deleteTree(base);
    }
}
