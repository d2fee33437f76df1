package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Hugging Face hub over real HTTP, answering what {@code huggingface_hub} asks: the dataset
 * revision API ({@code /api/datasets/ORG/NAME/revision/REV?blobs=true}: the commit and its files, LFS
 * ones with their sha256, the others with their git blob id) and resolve URLs, which redirect to a CDN
 * path as the real hub does. It counts every request.
 */
public final class FakeHub implements AutoCloseable {
    /** One commit: its files, and which of them are in LFS. */
    record Commit(String sha, Map<String, byte[]> files, Set<String> lfs) {}

    private final HttpServer server;
    private final Map<String, Map<String, String>> refs = new ConcurrentHashMap<>();
    private final Map<String, Commit> commits = new ConcurrentHashMap<>();
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final Set<String> gated = ConcurrentHashMap.newKeySet();
    private final String token;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failureStatus = 503;
    public final AtomicInteger apiCalls = new AtomicInteger();
    public final AtomicInteger downloads = new AtomicInteger();
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeHub(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int requests() {
        return requests.size();
    }

    /** Adds a commit of {@code repo} and points {@code branch} at it; files ending .parquet are LFS. Returns its sha. */
    public String commit(String repo, String branch, Map<String, byte[]> files) {
        String sha = sha1((repo + files.keySet() + files.values().stream().mapToInt(b -> java.util.Arrays.hashCode(b)).sum()
                + commits.size()).getBytes(StandardCharsets.UTF_8));
        Set<String> lfs = files.keySet().stream().filter(p -> p.endsWith(".parquet")).collect(java.util.stream.Collectors.toSet());
        commits.put(repo + "@" + sha, new Commit(sha, Map.copyOf(files), lfs));
        refs.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(branch, sha);
        return sha;
    }

    /** Serves {@code bytes} for this path instead of what the commit holds, as a tampering CDN or a broken proxy would. */
    public void serveInstead(String path, byte[] bytes) {
        served.put(path, bytes);
    }

    /** The next {@code count} requests (API or download) answer {@code status}, as an overloaded hub does. */
    public void failNext(int count, int status) {
        failureStatus = status;
        failures.set(count);
    }

    public void gate(String repo) {
        gated.add(repo);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getRawPath();
            requests.add(path);
            if (path.startsWith("/api/")) {
                apiCalls.incrementAndGet();
            }
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(ex, failureStatus, "{\"error\":\"The server is busy, please retry\"}");
                return;
            }
            if (path.startsWith("/api/datasets/")) {
                api(ex, path.substring("/api/datasets/".length()));
            } else if (path.startsWith("/datasets/")) {
                resolve(ex, path.substring("/datasets/".length()));
            } else if (path.startsWith("/cdn/")) {
                downloads.incrementAndGet();
                cdn(ex, path.substring("/cdn/".length()));
            } else {
                send(ex, 404, "Not Found");
            }
        } finally {
            ex.close();
        }
    }

    /** ORG/NAME/revision/REV */
    private void api(HttpExchange ex, String rest) throws IOException {
        String[] p = rest.split("/", 4);
        if (p.length < 4 || !p[2].equals("revision")) {
            send(ex, 404, "{\"error\":\"Sorry, we can't find the page you are looking for.\"}");
            return;
        }
        String repo = p[0] + "/" + p[1];
        Commit c = lookup(ex, repo, URLDecoder.decode(p[3], StandardCharsets.UTF_8));
        if (c == null) {
            return;
        }
        ObjectNode info = Json.mapper().createObjectNode().put("id", repo).put("sha", c.sha()).put("private", false);
        ArrayNode siblings = info.putArray("siblings");
        for (var e : new java.util.TreeMap<>(c.files()).entrySet()) {
            ObjectNode s = siblings.addObject().put("rfilename", e.getKey()).put("size", e.getValue().length);
            if (c.lfs().contains(e.getKey())) {
                s.put("blobId", sha1(("pointer " + e.getKey()).getBytes(StandardCharsets.UTF_8)));
                s.putObject("lfs").put("sha256", sha256(e.getValue())).put("size", e.getValue().length).put("pointerSize", 134);
            } else {
                s.put("blobId", gitBlob(e.getValue()));
            }
        }
        send(ex, 200, info.toString());
    }

    /** ORG/NAME/resolve/REV/PATH: a redirect to the CDN, as the hub does for LFS files */
    private void resolve(HttpExchange ex, String rest) throws IOException {
        String[] p = rest.split("/", 5);
        if (p.length < 5 || !p[2].equals("resolve")) {
            send(ex, 404, "Not Found");
            return;
        }
        String repo = p[0] + "/" + p[1];
        Commit c = lookup(ex, repo, URLDecoder.decode(p[3], StandardCharsets.UTF_8));
        if (c == null) {
            return;
        }
        if (!c.files().containsKey(p[4])) {
            ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            ex.getResponseHeaders().add("X-Error-Message", "Entry not found");
            send(ex, 404, "Entry not found");
            return;
        }
        ex.getResponseHeaders().add("Location", "/cdn/" + repo + "/" + c.sha() + "/" + p[4]);
        ex.sendResponseHeaders(302, -1);
    }

    private void cdn(HttpExchange ex, String rest) throws IOException {
        String[] p = rest.split("/", 4);
        Commit c = commits.get(p[0] + "/" + p[1] + "@" + p[2]);
        byte[] body = served.getOrDefault(p[3], c.files().get(p[3]));
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** The commit a revision names, or null after answering the error the hub gives. */
    private Commit lookup(HttpExchange ex, String repo, String revision) throws IOException {
        if (gated.contains(repo) && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":\"Access to dataset " + repo + " is restricted. You must have access to it and be authenticated to access it. Please log in.\"}");
            return null;
        }
        Map<String, String> r = refs.get(repo);
        if (r == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
            send(ex, 404, "{\"error\":\"Repository not found\"}");
            return null;
        }
        String sha = r.getOrDefault(revision, revision);
        Commit c = commits.get(repo + "@" + sha);
        if (c == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
            send(ex, 404, "{\"error\":\"Invalid rev id: " + revision + "\"}");
        }
        return c;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    static String sha256(byte[] b) {
        return digest("SHA-256", b);
    }

    static String sha1(byte[] b) {
        return digest("SHA-1", b);
    }

    /** Git's blob id, computed here independently of the code under test. */
    static String gitBlob(byte[] b) {
        byte[] header = ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + b.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(b, 0, all, header.length, b.length);
        return sha1(all);
    }

    private static String digest(String algorithm, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
