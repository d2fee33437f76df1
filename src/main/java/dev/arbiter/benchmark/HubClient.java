package dev.arbiter.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;

/**
 * Downloads dataset files from the Hugging Face hub's {@code resolve} endpoint, the same URL scheme
 * {@code huggingface_hub} uses: {@code {endpoint}/datasets/{repo}/resolve/{revision}/{path}}.
 */
final class HubClient {
    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    HubClient(URI endpoint, String token) {
        this.endpoint = endpoint;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    URI urlOf(Manifest.Hub hub) {
        String base = endpoint.toString().replaceAll("/+$", "");
        return URI.create(base + "/datasets/" + hub.repo() + "/resolve/" + encode(hub.revision()) + "/" + hub.path());
    }

    /** Streams the file to {@code dest}, printing progress on stderr. */
    void download(Manifest.Hub hub, Path dest) {
        URI url = urlOf(hub);
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET();
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> resp;
        try {
            resp = send(req.build(), HttpResponse.BodyHandlers.ofInputStream(), r -> close(r.body()));
        } catch (ConnectException | UnknownHostException | HttpTimeoutException e) {
            throw new BenchmarkException("cannot reach the Hugging Face hub at " + endpoint + " (" + e.getClass().getSimpleName()
                    + "); point --data-dir or ARBITER_DATA at a folder with the data, or set ARBITER_OFFLINE=1");
        } catch (IOException e) {
            throw new BenchmarkException("download of " + url + " failed after " + TRIES + " tries: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("download of " + url + " interrupted");
        }
        int status = resp.statusCode();
        if (status != 200) {
            close(resp.body());
            String why = switch (status) {
                case 401, 403 -> "access denied; set HF_TOKEN if the dataset is gated";
                case 404 -> "no such file or revision";
                default -> transientStatus(status) ? "the hub failed " + TRIES + " tries" : "unexpected answer";
            };
            String theirs = hubMessage(resp.headers().firstValue("X-Error-Message").orElse(null), null);
            throw new BenchmarkException("hub download " + url + " answered HTTP " + status + ": " + why + (theirs == null ? "" : " (hub: " + theirs + ")"));
        }
        long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        try {
            Files.createDirectories(dest.getParent());
            try (InputStream in = resp.body();
                    OutputStream out = Files.newOutputStream(dest);
                    ProgressBar bar = dev.arbiter.Progress.builder(hub.repo() + "/" + hub.path(), length)
                            .setUnit(" KiB", 1024)
                            .build()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    bar.stepBy(n);
                }
            }
        } catch (IOException e) {
            throw new BenchmarkException("download of " + url + " to " + dest + " failed: " + e.getMessage());
        }
    }

    /**
     * GETs a hub API path (after {@code /api/}) as JSON, as {@code huggingface_hub} does for repo
     * information; errors name the URL, the status and the hub's own message.
     */
    com.fasterxml.jackson.databind.JsonNode api(String path) {
        URI url = URI.create(endpoint.toString().replaceAll("/+$", "") + "/api/" + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET();
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> resp;
        try {
            resp = send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), r -> {});
        } catch (ConnectException | UnknownHostException | HttpTimeoutException e) {
            throw new BenchmarkException("cannot reach the Hugging Face hub at " + endpoint + " (" + e.getClass().getSimpleName()
                    + "); set ARBITER_OFFLINE=1 (or --offline) to read what the cache holds");
        } catch (IOException e) {
            throw new BenchmarkException("hub request " + url + " failed after " + TRIES + " tries: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("hub request " + url + " interrupted");
        }
        int status = resp.statusCode();
        if (status != 200) {
            String why = switch (status) {
                case 401, 403 -> "access denied; the dataset may be private or gated (set HF_TOKEN)";
                case 404 -> "no such dataset or revision";
                default -> transientStatus(status) ? "the hub failed " + TRIES + " tries" : "unexpected answer";
            };
            String theirs = hubMessage(resp.headers().firstValue("X-Error-Message").orElse(null), resp.body());
            throw new BenchmarkException("hub request " + url + " answered HTTP " + status + ": " + why + (theirs == null ? "" : " (hub: " + theirs + ")"));
        }
        try {
            return dev.arbiter.json.Json.mapper().readTree(resp.body());
        } catch (IOException e) {
            throw new BenchmarkException("hub request " + url + " answered something that is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The hub's reason: its error header, else the {@code error} field of a JSON body, else a short text body. */
    private static String hubMessage(String header, String body) {
        if (header != null && !header.isBlank()) {
            return header.strip();
        }
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = dev.arbiter.json.Json.mapper().readTree(body);
            if (n.path("error").isTextual()) {
                return n.get("error").asText().strip();
            }
        } catch (IOException notJson) {
            // a plain-text body is the message itself
        }
        String line = body.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Tries in all for a hub that fails for a while: a 5xx, a 429, a dropped or refused connection. */
    static final int TRIES = 3;

    private static boolean transientStatus(int status) {
        return status >= 500 || status == 429;
    }

    /**
     * Sends, trying again after a pause when the hub answers 5xx or 429 or the connection fails (not
     * when the host is unknown): a hub that is down for a moment is not a missing dataset. The last
     * answer or failure is the caller's to explain.
     */
    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> body, java.util.function.Consumer<HttpResponse<T>> discard)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<T> resp;
            try {
                resp = http.send(req, body);
            } catch (UnknownHostException e) {
                throw e;
            } catch (IOException e) {
                if (attempt >= TRIES) {
                    throw e;
                }
                Thread.sleep(pauseMillis(attempt));
                continue;
            }
            if (!transientStatus(resp.statusCode()) || attempt >= TRIES) {
                return resp;
            }
            discard.accept(resp);
            Thread.sleep(pauseMillis(attempt));
        }
    }

    private static long pauseMillis(int attempt) {
        return 250L << (attempt - 1);
    }

    private static String encode(String revision) {
        return URLEncoder.encode(revision, StandardCharsets.UTF_8);
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // The error we are about to raise matters more.
        }
    }
}
