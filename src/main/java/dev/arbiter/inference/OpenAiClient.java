package dev.arbiter.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client for OpenAI-compatible servers (vLLM, SGLang, ...): /v1/completions and
 * /v1/chat/completions, one sample per request with its own seed. Requests spread round robin
 * over several endpoints; an endpoint that keeps failing is left out for a while. Resets, timeouts,
 * 408, 429 and 5xx are retried with exponential backoff, honouring Retry-After; other 4xx are the
 * caller's mistake and fail at once. A retry asks again for the same sample (same seed), so a
 * timeout never turns into an extra sample.
 */
public final class OpenAiClient implements InferenceBackend {
    private final List<Endpoint> endpoints;
    private final String apiKey;
    private final RetryPolicy retry;
    private final HttpClient http;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    /** What the client has done so far. */
    public record Stats(long requests, long retries, List<String> ejectedNow) {}

    private static final class Endpoint {
        final URI base;
        int failuresInARow;
        long ejectedUntilNanos;

        Endpoint(URI base) {
            this.base = base;
        }
    }

    public OpenAiClient(List<URI> bases, String apiKey, RetryPolicy retry) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is required");
        }
        this.endpoints = bases.stream().map(b -> new Endpoint(normalize(b))).toList();
        this.apiKey = apiKey;
        this.retry = retry;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** "http://h:8000", "http://h:8000/" and "http://h:8000/v1" all mean the same server. */
    static URI normalize(URI base) {
        String s = base.toString().replaceAll("/+$", "");
        if (s.endsWith("/v1")) {
            s = s.substring(0, s.length() - 3);
        }
        if (!s.startsWith("http://") && !s.startsWith("https://")) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL: " + base);
        }
        return URI.create(s);
    }

    @Override
    public Generation generate(GenerationRequest r) {
        String path = r.chat() ? "/v1/chat/completions" : "/v1/completions";
        Answer a = post(path, Json.line(body(r)), r.timeout());
        return parse(a.body(), r.chat(), a.from());
    }

    /**
     * The tokenizer of a served model, through vLLM's /tokenize and /detokenize (SGLang serves the
     * same paths). Token budgets are counted with it, so they mean what the server means.
     */
    public TokenCodec tokenCodec(String model, Duration timeout) {
        return new TokenCodec() {
            @Override
            public int[] encode(String text) {
                ObjectNode n = Json.mapper().createObjectNode().put("model", model).put("prompt", text).put("add_special_tokens", false);
                Answer a = post("/tokenize", Json.line(n), timeout);
                JsonNode tokens = json(a).path("tokens");
                if (!tokens.isArray()) {
                    throw new InferenceException(a.from() + "/tokenize answered without a tokens array: " + abbreviate(a.body()));
                }
                int[] out = new int[tokens.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = tokens.get(i).asInt();
                }
                return out;
            }

            @Override
            public String decode(int[] ids) {
                ObjectNode n = Json.mapper().createObjectNode().put("model", model);
                var arr = n.putArray("tokens");
                for (int id : ids) {
                    arr.add(id);
                }
                Answer a = post("/detokenize", Json.line(n), timeout);
                JsonNode text = json(a).path("prompt");
                if (!text.isTextual()) {
                    throw new InferenceException(a.from() + "/detokenize answered without a prompt string: " + abbreviate(a.body()));
                }
                return text.asText();
            }
        };
    }

    /**
     * The tokens a request's prompt takes at {@code endpoint}, counted by its /tokenize (vLLM's, SGLang's
     * and `arbiter serve`'s): the prompt string as a completion reads it, or, for chat, one user message
     * through the chat template with the assistant's turn opened, as a chat completion reads it. Empty
     * when the server has no /tokenize or refuses to count this request there (any refusal: a
     * /tokenize that takes no chat messages answers 400 or 422).
     */
    public java.util.OptionalInt promptTokens(URI endpoint, String model, String prompt, boolean chat, Duration timeout) {
        ObjectNode n = Json.mapper().createObjectNode().put("model", model);
        if (chat) {
            n.putArray("messages").addObject().put("role", "user").put("content", prompt);
        } else {
            n.put("prompt", prompt);
        }
        Answer a;
        try {
            a = send(endpoint(endpoint), "POST", "/tokenize", Json.line(n), timeout, true);
        } catch (InferenceException e) {
            if (e.kind() == InferenceException.Kind.REFUSED) {
                return java.util.OptionalInt.empty();
            }
            throw e;
        }
        JsonNode count = json(a).path("count");
        if (!count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 0) {
            throw new InferenceException(a.from() + "/tokenize answered without a count of tokens: " + abbreviate(a.body()));
        }
        return java.util.OptionalInt.of(count.asInt());
    }

    private record Answer(String body, URI from) {}

    /** The endpoints, as normalized (no trailing /v1). */
    public List<URI> endpoints() {
        return endpoints.stream().map(e -> e.base).toList();
    }

    /**
     * One model a server lists at GET /v1/models: its id, and where the server gives them vLLM's
     * {@code root} (what the weights were loaded from) and {@code max_model_len} (the context in tokens).
     */
    public record ServedModel(String id, String root, Integer maxModelLen) {}

    /**
     * The models one endpoint serves, from GET /v1/models; empty when the server has no such route
     * (404). A connection that cannot be made fails at once, without retries, so a dead endpoint is
     * known in a moment; 408, 429 and 5xx are retried as for any request.
     */
    public java.util.Optional<List<ServedModel>> models(URI endpoint, Duration timeout) {
        Answer a;
        try {
            a = send(endpoint(endpoint), "GET", "/v1/models", null, timeout, false);
        } catch (InferenceException e) {
            if (e.status() == 404) {
                return java.util.Optional.empty();
            }
            throw e;
        }
        JsonNode data = json(a).path("data");
        if (!data.isArray()) {
            throw new InferenceException(a.from() + "/v1/models answered without a data list: " + abbreviate(a.body()));
        }
        List<ServedModel> out = new ArrayList<>();
        for (JsonNode m : data) {
            out.add(new ServedModel(m.path("id").asText(""), m.path("root").isTextual() ? m.path("root").asText() : null,
                    m.path("max_model_len").canConvertToInt() && m.path("max_model_len").isIntegralNumber() ? m.path("max_model_len").asInt() : null));
        }
        return java.util.Optional.of(out);
    }

    /** POSTs a JSON body to one endpoint (not spread over the others), with the retry policy; the parsed reply. */
    public JsonNode post(URI endpoint, String path, JsonNode body, Duration timeout) {
        return json(send(endpoint(endpoint), "POST", path, Json.line(body), timeout, true));
    }

    private Endpoint endpoint(URI base) {
        URI b = normalize(base);
        return endpoints.stream().filter(e -> e.base.equals(b)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(base + " is not one of this client's endpoints"));
    }

    /** POSTs with the retry policy, spread over the endpoints: the body of the first 200, or an InferenceException. */
    private Answer post(String path, String body, Duration timeout) {
        return send(null, "POST", path, body, timeout, true);
    }

    /**
     * Sends with the retry policy to {@code pinned}, or else to the endpoints in turn. A 4xx other
     * than 408 and 429 fails at once as {@link InferenceException.Kind#REFUSED}; a connection that
     * cannot be made is retried only when {@code retryConnect}.
     */
    private Answer send(Endpoint pinned, String method, String path, String body, Duration timeout, boolean retryConnect) {
        String lastError = "no attempt made";
        String lastReason = null;
        int lastStatus = 0;
        Throwable lastCause = null;
        boolean unreachable = false;
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            Endpoint e = pinned != null ? pinned : pick();
            Duration wait = null;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.base + path)).timeout(timeout);
                if (body != null) {
                    b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
                } else {
                    b.method(method, HttpRequest.BodyPublishers.noBody());
                }
                if (apiKey != null && !apiKey.isBlank()) {
                    b.header("Authorization", "Bearer " + apiKey);
                }
                requests.incrementAndGet();
                HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                int code = resp.statusCode();
                if (code == 200) {
                    succeeded(e);
                    return new Answer(resp.body(), e.base);
                }
                lastStatus = code;
                lastReason = serverMessage(resp.body());
                lastError = e.base + path + " answered HTTP " + code + ": " + abbreviate(resp.body());
                lastCause = null;
                unreachable = false;
                if (code != 408 && code != 429 && code < 500) {
                    throw new InferenceException(lastError, null, InferenceException.Kind.REFUSED, code, lastReason);
                }
                wait = retryAfter(resp);
            } catch (IOException ex) {
                String what = describe(ex);
                lastError = e.base + path + ": " + what;
                lastReason = what;
                lastStatus = 0;
                lastCause = ex;
                unreachable = ex instanceof java.net.ConnectException || ex.getCause() instanceof java.net.ConnectException
                        || ex.getCause() instanceof java.nio.channels.UnresolvedAddressException;
                if (unreachable && !retryConnect) {
                    throw new InferenceException("cannot reach " + e.base + " (" + method + " " + path + ": " + what + ")", ex,
                            InferenceException.Kind.UNREACHABLE, 0, what);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new InferenceException("interrupted while waiting for " + e.base, ex);
            }
            failed(e);
            if (attempt < retry.attempts()) {
                retries.incrementAndGet();
                sleep(wait != null ? wait : retry.backoff(attempt));
            }
        }
        throw new InferenceException("gave up after " + retry.attempts() + " attempts; last: " + lastError, lastCause,
                unreachable ? InferenceException.Kind.UNREACHABLE : InferenceException.Kind.FAILED, lastStatus, lastReason);
    }

    /** An I/O failure in a few words: its type and the first message in its chain (the JDK often leaves the outer one empty). */
    private static String describe(IOException ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return ex.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        // the JDK's client says nothing more when a port refuses the connection
        return ex.getClass().getSimpleName() + (ex instanceof java.net.ConnectException ? ": no connection could be made" : "");
    }

    /** The server's own words in an error body: OpenAI's error.message, a bare error string, FastAPI's detail, or the body. */
    static String serverMessage(String body) {
        try {
            JsonNode n = Json.mapper().readTree(body);
            if (n != null) {
                for (JsonNode m : List.of(n.path("error").path("message"), n.path("error"), n.path("message"), n.path("detail"))) {
                    if (m.isTextual() && !m.asText().isBlank()) {
                        return abbreviate(m.asText());
                    }
                }
            }
        } catch (IOException notJson) {
            // fall through to the body as it came
        }
        return abbreviate(body);
    }

    private static JsonNode json(Answer a) {
        try {
            return Json.mapper().readTree(a.body());
        } catch (IOException e) {
            throw new InferenceException(a.from() + " answered with something that is not JSON: " + abbreviate(a.body()));
        }
    }

    public Stats stats() {
        List<String> ejected = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (endpoints) {
            for (Endpoint e : endpoints) {
                if (e.ejectedUntilNanos > now) {
                    ejected.add(e.base.toString());
                }
            }
        }
        return new Stats(requests.get(), retries.get(), ejected);
    }

    private static ObjectNode body(GenerationRequest r) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("model", r.model());
        if (r.chat()) {
            n.putArray("messages").addObject().put("role", "user").put("content", r.prompt());
        } else {
            n.put("prompt", r.prompt());
        }
        n.put("max_tokens", r.maxTokens()).put("temperature", r.temperature()).put("top_p", r.topP()).put("seed", r.seed()).put("n", 1);
        if (!r.stop().isEmpty()) {
            r.stop().forEach(n.putArray("stop")::add);
        }
        return n;
    }

    private static Generation parse(String body, boolean chat, URI from) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new InferenceException(from + " answered with something that is not JSON: " + abbreviate(body));
        }
        JsonNode choice = root.path("choices").path(0);
        JsonNode text = chat ? choice.path("message").path("content") : choice.path("text");
        if (!text.isTextual()) {
            throw new InferenceException(from + " answered without " + (chat ? "choices[0].message.content" : "choices[0].text") + ": " + abbreviate(body));
        }
        JsonNode usage = root.path("usage");
        return new Generation(text.asText(), choice.path("finish_reason").asText(null), usage.path("prompt_tokens").asInt(0),
                usage.path("completion_tokens").asInt(0));
    }

    private Endpoint pick() {
        synchronized (endpoints) {
            long now = System.nanoTime();
            int start = Math.floorMod(next.getAndIncrement(), endpoints.size());
            Endpoint soonest = null;
            for (int i = 0; i < endpoints.size(); i++) {
                Endpoint e = endpoints.get((start + i) % endpoints.size());
                if (e.ejectedUntilNanos <= now) {
                    return e;
                }
                if (soonest == null || e.ejectedUntilNanos < soonest.ejectedUntilNanos) {
                    soonest = e;
                }
            }
            return soonest; // all ejected: try the one that comes back first rather than wait
        }
    }

    private void succeeded(Endpoint e) {
        synchronized (endpoints) {
            e.failuresInARow = 0;
            e.ejectedUntilNanos = 0;
        }
    }

    private void failed(Endpoint e) {
        synchronized (endpoints) {
            if (++e.failuresInARow >= retry.ejectAfter()) {
                e.ejectedUntilNanos = System.nanoTime() + retry.ejectFor().toNanos();
                e.failuresInARow = 0;
            }
        }
    }

    private static Duration retryAfter(HttpResponse<?> resp) {
        return resp.headers().firstValue("Retry-After").map(v -> {
            try {
                return Duration.ofSeconds(Math.min(300, Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return null; // an HTTP date: fall back to our own backoff
            }
        }).orElse(null);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("interrupted while backing off", e);
        }
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
