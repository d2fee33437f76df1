package dev.arbiter.inference.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelException;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.inference.engine.Sampling;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The OpenAI-compatible HTTP face of a {@link LocalEngine}: /v1/models (with vLLM's {@code root} and
 * {@code max_model_len}) and /v1/models/{id}, /v1/completions and /v1/chat/completions (no streaming; logprobs in each
 * route's OpenAI shape); and vLLM's operational routes: /tokenize and /detokenize ({@link TokenizeRoutes}),
 * /health, /version and Prometheus /metrics ({@link ServeMetrics}). Each request waits on its own virtual thread, and
 * all of them feed the engine's one batching loop, so concurrent requests are decoded together; each is counted
 * and logged as it ends ({@link RequestObserver}).
 */
public final class OpenAiServer implements AutoCloseable {
    private static final int MAX_BODY = 32 << 20;
    private static final int MAX_N = 128;

    private final LocalEngine engine;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final long created = Instant.now().getEpochSecond();
    private final ServerOptions options;
    private final ServeMetrics metrics;
    private final TokenizeRoutes tokenize;
    private final RequestObserver observer;

    public OpenAiServer(LocalEngine engine, String host, int port) throws IOException {
        this(engine, host, port, ServerOptions.QUIET);
    }

    public OpenAiServer(LocalEngine engine, String host, int port, ServerOptions options) throws IOException {
        this.engine = engine;
        this.options = options;
        this.metrics = new ServeMetrics(engine);
        this.tokenize = new TokenizeRoutes(engine);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        server.setExecutor(executor);
        this.observer = new RequestObserver(metrics, options.accessLog());
        server.createContext("/", this::handle).getFilters().add(observer);
        server.start();
    }

    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** A request we refuse, with OpenAI's error shape. */
    private static final class BadRequest extends RuntimeException {
        final int status;
        final String param;
        final String code;

        BadRequest(int status, String message, String param, String code) {
            super(message);
            this.status = status;
            this.param = param;
            this.code = code;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath().replaceAll("/+$", "");
            String method = ex.getRequestMethod();
            ObjectNode reply;
            try {
                if (path.equals("/metrics")) {
                    requireMethod(method, "GET");
                    metrics(ex);
                    return;
                }
                reply = switch (path) {
                    case "/v1/models" -> {
                        requireMethod(method, "GET");
                        yield models();
                    }
                    case "/v1/completions" -> {
                        requireMethod(method, "POST");
                        yield completion(body(ex), false);
                    }
                    case "/v1/chat/completions" -> {
                        requireMethod(method, "POST");
                        yield completion(body(ex), true);
                    }
                    case "/tokenize" -> {
                        requireMethod(method, "POST");
                        yield tokenize.tokenize(body(ex));
                    }
                    case "/detokenize" -> {
                        requireMethod(method, "POST");
                        yield tokenize.detokenize(body(ex));
                    }
                    case "/health" -> {
                        if (!engine.alive()) {
                            throw new BadRequest(503, "the engine has stopped; restart arbiter serve", null, "engine_dead");
                        }
                        yield Json.mapper().createObjectNode().put("status", "ok");
                    }
                    case "/version" -> {
                        requireMethod(method, "GET");
                        yield Json.mapper().createObjectNode().put("version", options.version());
                    }
                    default -> {
                        if (path.startsWith(Routes.MODEL_PREFIX) && path.length() > Routes.MODEL_PREFIX.length()) {
                            requireMethod(method, "GET");
                            yield model(path.substring(Routes.MODEL_PREFIX.length()));
                        }
                        throw new BadRequest(404, "no route " + method + " " + path + "; this server has /v1/models, /v1/models/{id},"
                                + " /v1/completions, /v1/chat/completions, /tokenize, /detokenize, /health, /version and /metrics", null, "not_found");
                    }
                };
                observer.usage(ex, reply);
            } catch (ApiError e) {
                send(ex, e.status, error(e.getMessage(), e.type(), e.param, e.code));
                return;
            } catch (BadRequest e) {
                send(ex, e.status, error(e.getMessage(), e.status >= 500 ? "server_error" : "invalid_request_error", e.param, e.code));
                return;
            } catch (ModelException | IllegalArgumentException e) {
                send(ex, 400, error(e.getMessage(), "invalid_request_error", null, null));
                return;
            } catch (RuntimeException e) {
                send(ex, 500, error("the engine failed: " + e.getMessage(), "server_error", null, null));
                return;
            }
            send(ex, 200, reply);
        }
    }

    private static void requireMethod(String method, String want) {
        if (!method.equals(want)) {
            throw new BadRequest(405, "use " + want + " here, not " + method, null, "method_not_allowed");
        }
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readNBytes(MAX_BODY + 1);
        }
        if (raw.length > MAX_BODY) {
            throw new BadRequest(413, "request body over " + (MAX_BODY >> 20) + " MiB", null, null);
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadRequest(400, "the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), null, "invalid_json");
        }
        if (n == null || !n.isObject()) {
            throw new BadRequest(400, "the body must be a JSON object", null, "invalid_json");
        }
        return n;
    }

    private ObjectNode models() {
        ObjectNode o = Json.mapper().createObjectNode().put("object", "list");
        o.putArray("data").add(modelCard());
        return o;
    }

    /** GET /v1/models/{id}: the model's card, or OpenAI's 404 for another id. */
    private ObjectNode model(String id) {
        if (!id.equals(engine.name())) {
            throw ApiError.noSuchModel(id, engine.name());
        }
        return modelCard();
    }

    private ObjectNode modelCard() {
        return Json.mapper().createObjectNode().put("id", engine.name()).put("object", "model").put("created", created).put("owned_by", "arbiter")
                .put("root", engine.dir().toString()).putNull("parent").put("max_model_len", engine.maxModelLen());
    }

    private void metrics(HttpExchange ex) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        metrics.write(buf);
        ex.getResponseHeaders().set("Content-Type", metrics.contentType());
        ex.sendResponseHeaders(200, buf.size());
        ex.getResponseBody().write(buf.toByteArray());
    }

    private ObjectNode completion(JsonNode b, boolean chat) {
        String model = b.path("model").asText(null);
        if (model == null) {
            throw new BadRequest(400, "'model' is required", "model", null);
        }
        if (!model.equals(engine.name())) {
            throw new BadRequest(400, "the model '" + model + "' does not exist here; this server has '" + engine.name() + "'", "model",
                    "model_not_found");
        }
        if (b.path("stream").asBoolean(false)) {
            throw new BadRequest(400, "streaming is not supported; send stream: false", "stream", null);
        }
        int maxTokens = intParam(b, chat && b.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", 16);
        if (maxTokens < 1) {
            throw new BadRequest(400, "max_tokens must be at least 1, got " + maxTokens, "max_tokens", null);
        }
        int n = intParam(b, "n", 1);
        if (n < 1 || n > MAX_N) {
            throw new BadRequest(400, "n must be between 1 and " + MAX_N + ", got " + n, "n", null);
        }
        double temperature = numParam(b, "temperature", 1.0);
        double topP = numParam(b, "top_p", 1.0);
        int topK = b.path("top_k").isNull() || b.path("top_k").asInt(0) < 0 ? 0 : intParam(b, "top_k", 0); // vLLM's -1 means off
        long seed = b.hasNonNull("seed") ? longParam(b, "seed") : new java.security.SecureRandom().nextLong();
        Sampling sampling;
        try {
            sampling = new Sampling(temperature, topP, topK, seed);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, e.getMessage(), null, null);
        }
        int topLogprobs = topLogprobs(b, chat);
        List<String> stop = new ArrayList<>();
        JsonNode s = b.path("stop");
        if (s.isTextual()) {
            stop.add(s.asText());
        } else if (s.isArray()) {
            s.forEach(x -> stop.add(x.asText()));
        } else if (!s.isMissingNode() && !s.isNull()) {
            throw new BadRequest(400, "'stop' must be a string or a list of strings", "stop", null);
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new BadRequest(400, "a stop string must not be empty", "stop", null);
        }
        List<LocalEngine.Prompt> prompts = new ArrayList<>();
        if (chat) {
            JsonNode msgs = b.path("messages");
            if (!msgs.isArray() || msgs.isEmpty()) {
                throw new BadRequest(400, "'messages' must be a non-empty list", "messages", null);
            }
            List<ModelTokenizer.Message> list = new ArrayList<>();
            for (JsonNode m : msgs) {
                if (!m.path("role").isTextual()) {
                    throw new BadRequest(400, "every message needs a 'role'", "messages", null);
                }
                list.add(new ModelTokenizer.Message(m.path("role").asText(), content(m.path("content"))));
            }
            prompts.add(new LocalEngine.Prompt.Chat(list));
        } else {
            JsonNode p = b.path("prompt");
            if (p.isTextual()) {
                prompts.add(new LocalEngine.Prompt.Raw(p.asText()));
            } else if (p.isArray() && !p.isEmpty() && p.get(0).isTextual()) {
                p.forEach(x -> prompts.add(new LocalEngine.Prompt.Raw(x.asText())));
            } else {
                throw new BadRequest(400, "'prompt' must be a string or a list of strings", "prompt", null);
            }
        }
        List<CompletableFuture<LocalEngine.Choice>> futures = new ArrayList<>();
        for (LocalEngine.Prompt p : prompts) {
            futures.addAll(engine.complete(p, n, sampling, maxTokens, stop, topLogprobs));
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", ""));
        o.put("object", chat ? "chat.completion" : "text_completion").put("created", Instant.now().getEpochSecond()).put("model", model);
        ArrayNode choices = o.putArray("choices");
        int promptTokens = 0;
        int completionTokens = 0;
        for (int i = 0; i < futures.size(); i++) {
            LocalEngine.Choice c;
            try {
                c = futures.get(i).join();
            } catch (CompletionException e) {
                // requests are validated when submitted, so what fails here is the engine itself
                futures.forEach(f -> f.cancel(false));
                throw new BadRequest(500, String.valueOf(e.getCause().getMessage()), null, null);
            }
            ObjectNode ch = choices.addObject().put("index", i);
            if (chat) {
                ch.putObject("message").put("role", "assistant").put("content", c.text());
                if (topLogprobs >= 0) {
                    chatLogprobs(ch.putObject("logprobs").putArray("content"), c.logprobs());
                } else {
                    ch.putNull("logprobs");
                }
            } else {
                ch.put("text", c.text());
                if (topLogprobs >= 0) {
                    completionLogprobs(ch.putObject("logprobs"), c.logprobs());
                } else {
                    ch.putNull("logprobs");
                }
            }
            ch.put("finish_reason", c.finishReason());
            if (i % n == 0) {
                promptTokens += c.promptTokens();
            }
            completionTokens += c.completionTokens();
        }
        o.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return o;
    }

    /**
     * How many alternatives per token the request wants, -1 for no logprobs: chat sends
     * {@code logprobs: true} and {@code top_logprobs: k}; completions send {@code logprobs: k}.
     */
    private static int topLogprobs(JsonNode b, boolean chat) {
        int max = dev.arbiter.inference.engine.SequenceRequest.MAX_TOP_LOGPROBS;
        if (chat) {
            JsonNode on = b.path("logprobs");
            if (!on.isMissingNode() && !on.isNull() && !on.isBoolean()) {
                throw new BadRequest(400, "'logprobs' must be true or false in a chat request, got " + on, "logprobs", null);
            }
            boolean wanted = on.asBoolean(false);
            if (!wanted) {
                if (b.hasNonNull("top_logprobs")) {
                    throw new BadRequest(400, "'top_logprobs' needs 'logprobs': true", "top_logprobs", null);
                }
                return -1;
            }
            int k = intParam(b, "top_logprobs", 0);
            if (k < 0 || k > max) {
                throw new BadRequest(400, "top_logprobs must be between 0 and " + max + ", got " + k, "top_logprobs", null);
            }
            return k;
        }
        if (!b.hasNonNull("logprobs")) {
            return -1;
        }
        int k = intParam(b, "logprobs", 0);
        if (k < 0 || k > max) {
            throw new BadRequest(400, "logprobs must be between 0 and " + max + ", got " + k, "logprobs", null);
        }
        return k;
    }

    /** Chat's shape: one entry per token with its text, logprob, UTF-8 bytes and top alternatives. */
    private static void chatLogprobs(ArrayNode content, List<LocalEngine.Logprob> logprobs) {
        for (LocalEngine.Logprob lp : logprobs) {
            ObjectNode e = content.addObject();
            tokenEntry(e, lp.token(), lp.logprob());
            ArrayNode top = e.putArray("top_logprobs");
            lp.top().forEach(t -> tokenEntry(top.addObject(), t.token(), t.logprob()));
        }
    }

    private static void tokenEntry(ObjectNode e, String token, double logprob) {
        e.put("token", token).put("logprob", logprob);
        ArrayNode bytes = e.putArray("bytes");
        for (byte x : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(x & 0xff);
        }
    }

    /** The completions shape: parallel lists of tokens, their logprobs, the top alternatives as {token: logprob}, and text offsets. */
    private static void completionLogprobs(ObjectNode o, List<LocalEngine.Logprob> logprobs) {
        ArrayNode tokens = o.putArray("tokens");
        ArrayNode tokenLogprobs = o.putArray("token_logprobs");
        ArrayNode top = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        int offset = 0;
        for (LocalEngine.Logprob lp : logprobs) {
            tokens.add(lp.token());
            tokenLogprobs.add(lp.logprob());
            ObjectNode alts = top.addObject();
            lp.top().forEach(t -> {
                if (!alts.has(t.token())) {
                    alts.put(t.token(), t.logprob());
                }
            });
            offsets.add(offset);
            offset += lp.token().length();
        }
    }

    /** Message content: a string, or OpenAI's list of text parts. */
    private static String content(JsonNode c) {
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.path("type").asText().equals("text")) {
                    throw new BadRequest(400, "only text content parts are supported", "messages", null);
                }
                sb.append(part.path("text").asText());
            }
            return sb.toString();
        }
        if (c.isNull() || c.isMissingNode()) {
            return "";
        }
        throw new BadRequest(400, "message content must be a string or a list of text parts", "messages", null);
    }

    private static int intParam(JsonNode b, String key, int dflt) {
        JsonNode v = b.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !(v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())))) {
            throw new BadRequest(400, "'" + key + "' must be an integer, got " + v, key, null);
        }
        return v.asInt();
    }

    private static long longParam(JsonNode b, String key) {
        JsonNode v = b.path(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadRequest(400, "'" + key + "' must be an integer, got " + v, key, null);
        }
        return v.asLong();
    }

    private static double numParam(JsonNode b, String key, double dflt) {
        JsonNode v = b.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new BadRequest(400, "'" + key + "' must be a number, got " + v, key, null);
        }
        return v.asDouble();
    }

    private static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode o = Json.mapper().createObjectNode();
        ObjectNode e = o.putObject("error").put("message", message).put("type", type);
        e.put("param", param);
        e.put("code", code);
        return o;
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = Json.line(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
