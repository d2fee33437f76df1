package dev.arbiter.inference.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds a model folder: a local path as given, or a Hugging Face id ("org/name", optionally
 * "@revision") in the cache, downloaded into it when online. Only the files the engine reads are
 * fetched, each to a temporary name first, so a killed download never leaves a half file in place.
 */
public final class ModelHub {
    private final Path cache;
    private final URI endpoint;
    private final String token;
    private final boolean offline;

    public ModelHub(Path cache, URI endpoint, String token, boolean offline) {
        this.cache = cache;
        this.endpoint = endpoint;
        this.token = token;
        this.offline = offline;
    }

    /** From ARBITER_CACHE, HF_ENDPOINT, HF_TOKEN and ARBITER_OFFLINE (or HF_HUB_OFFLINE). */
    public static ModelHub fromEnvironment() {
        var env = System.getenv();
        Path cache = env.containsKey("ARBITER_CACHE") ? Path.of(env.get("ARBITER_CACHE"))
                : Path.of(System.getProperty("user.home"), ".cache", "arbiter");
        boolean offline = "1".equals(env.get("ARBITER_OFFLINE")) || "1".equals(env.get("HF_HUB_OFFLINE"));
        return new ModelHub(cache.resolve("models"), URI.create(env.getOrDefault("HF_ENDPOINT", "https://huggingface.co")),
                env.get("HF_TOKEN"), offline);
    }

    static boolean wanted(String file) {
        return file.equals("config.json") || file.equals("generation_config.json") || file.equals("tokenizer.json")
                || file.equals("tokenizer_config.json") || file.equals("model.safetensors.index.json")
                || (file.endsWith(".safetensors") && !file.contains("/"));
    }

    /** Where the cache keeps {@code repo} at {@code revision}; a folder there with a .complete file is used as is. */
    public Path cached(String repo, String revision) {
        return cache.resolve(repo.replace("/", "--")).resolve(revision.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** The folder for {@code model}: a directory that exists, else a hub id resolved through the cache. */
    public Path resolve(String model) {
        Path local = Path.of(model);
        if (Files.isDirectory(local)) {
            return local;
        }
        String repo = model;
        String revision = "main";
        int at = model.lastIndexOf('@');
        if (at > 0) {
            repo = model.substring(0, at);
            revision = model.substring(at + 1);
        }
        if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*") || revision.isEmpty()) {
            throw new ModelException("'" + model + "' is neither a model folder nor a Hugging Face id like org/name[@revision]");
        }
        Path dir = cached(repo, revision);
        if (Files.isRegularFile(dir.resolve(".complete"))) {
            return dir;
        }
        if (offline) {
            throw new ModelException(model + " is not in the cache (" + dir + ") and downloads are off (ARBITER_OFFLINE=1); "
                    + "point --model at a local folder");
        }
        download(repo, revision, dir);
        return dir;
    }

    private void download(String repo, String revision, Path dir) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).followRedirects(HttpClient.Redirect.NORMAL).build();
        String base = endpoint.toString().replaceAll("/+$", "");
        String rev = URLEncoder.encode(revision, StandardCharsets.UTF_8);
        JsonNode info = Json.mapper().createObjectNode();
        try {
            HttpResponse<String> r = http.send(request(URI.create(base + "/api/models/" + repo + "/revision/" + rev)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new ModelException("the hub answered HTTP " + r.statusCode() + " for " + repo + "@" + revision
                        + (r.statusCode() == 401 || r.statusCode() == 403 ? "; set HF_TOKEN for gated models" : ""));
            }
            info = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new ModelException("cannot reach the Hugging Face hub at " + endpoint + " (" + e.getClass().getSimpleName()
                    + "); download the model yourself and point --model at its folder", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted");
        }
        List<String> files = new ArrayList<>();
        info.path("siblings").forEach(s -> {
            String f = s.path("rfilename").asText();
            if (wanted(f)) {
                files.add(f);
            }
        });
        if (!files.contains("config.json") || files.stream().noneMatch(f -> f.endsWith(".safetensors"))) {
            throw new ModelException(repo + "@" + revision + " has no config.json and safetensors weights; the engine needs both");
        }
        try {
            Files.createDirectories(dir);
            for (String f : files) {
                Path dest = dir.resolve(f);
                if (Files.isRegularFile(dest)) {
                    continue; // finished in an earlier, interrupted run
                }
                Path part = dir.resolve(f + ".part");
                HttpResponse<InputStream> r = http.send(request(URI.create(base + "/" + repo + "/resolve/" + rev + "/" + f)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new ModelException("the hub answered HTTP " + r.statusCode() + " for " + repo + "/" + f);
                }
                System.err.println("arbiter: downloading " + repo + "/" + f);
                try (InputStream in = r.body()) {
                    Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.writeString(dir.resolve(".complete"), String.join("\n", files) + "\n");
        } catch (IOException e) {
            throw new ModelException("download of " + repo + " into " + dir + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException("interrupted");
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofHours(2)).GET();
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /**
     * A short name for a model folder that changes when its weights do: the folder's name, then a
     * digest of config.json and, per weight file, its safetensors header and its first and last MiB.
     */
    public static String fingerprint(Path dir) {
        ModelConfig.read(dir); // a folder that is no model fails here, with the reason
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(dir.resolve("config.json")));
            try (var s = Files.list(dir)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList()) {
                    md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    try (var ch = java.nio.channels.FileChannel.open(p)) {
                        long size = ch.size();
                        md.update(java.nio.ByteBuffer.allocate(8).putLong(size).array());
                        int n = (int) Math.min(size, 1 << 20);
                        var head = java.nio.ByteBuffer.allocate(n);
                        ch.read(head, 0);
                        md.update(head.array());
                        var tail = java.nio.ByteBuffer.allocate(n);
                        ch.read(tail, size - n);
                        md.update(tail.array());
                    }
                }
            }
            Path abs = dir.toAbsolutePath().normalize();
            // a hub download lives in <cache>/<org>--<name>/<revision>: name it by the repository
            boolean fromHub = Files.isRegularFile(abs.resolve(".complete")) && abs.getParent() != null
                    && abs.getParent().getFileName().toString().contains("--");
            String name = fromHub ? abs.getParent().getFileName().toString().replace("--", "/") : abs.getFileName().toString();
            return name + "@" + HexFormat.of().formatHex(md.digest()).substring(0, 10);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new ModelException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }
}
