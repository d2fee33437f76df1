package dev.arbiter.inference.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelException;
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
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The OpenAI-compatible HTTP face of a {@link LocalEngine}: /v1/models (with vLLM's {@code root} and
 * {@code max_model_len}) and /v1/models/{id}, /v1/completions and /v1/chat/completions (streamed as server-sent
 * events or not; logprobs in each route's OpenAI shape; vLLM's sampling extras, echo and token-id prompts); and
 * vLLM's operational routes: /tokenize and /detokenize ({@link TokenizeRoutes}), /health, /version and Prometheus
 * /metrics ({@link ServeMetrics}). Each request waits on its own virtual thread, and all of them feed the engine's
 * one batching loop, so concurrent requests are decoded together; each is counted and logged as it ends
 * ({@link RequestObserver}).
 */
public final class OpenAiServer implements AutoCloseable {
    private static final int MAX_BODY = 32 << 20;
    private static final int MAX_N = 128;
    /** Choices one request may queue (prompts x n): each is a row for the engine, so n alone is no limit. */
    private static final int MAX_CHOICES = 1024;

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
                        yield completion(ex, body(ex), false);
                    }
                    case "/v1/chat/completions" -> {
                        requireMethod(method, "POST");
                        yield completion(ex, body(ex), true);
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
                            throw new ApiError(503, "the engine has stopped; restart arbiter serve", null, "engine_dead");
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
                        throw new ApiError(404, "no route " + method + " " + path + "; this server has /v1/models, /v1/models/{id},"
                                + " /v1/completions, /v1/chat/completions, /tokenize, /detokenize, /health, /version and /metrics", null, "not_found");
                    }
                };
                if (reply != null) {
                    observer.usage(ex, reply);
                }
            } catch (ApiError e) {
                send(ex, e.status, error(e.getMessage(), e.type(), e.param, e.code));
                return;
            } catch (ModelException | IllegalArgumentException e) {
                send(ex, 400, error(e.getMessage(), "invalid_request_error", null, null));
                return;
            } catch (RuntimeException e) {
                send(ex, 500, error("the engine failed: " + e.getMessage(), "server_error", null, null));
                return;
            }
            if (reply != null) { // null: the reply was streamed
                send(ex, 200, reply);
            }
        }
    }

    private static void requireMethod(String method, String want) {
        if (!method.equals(want)) {
            throw new ApiError(405, "use " + want + " here, not " + method, null, "method_not_allowed");
        }
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] raw;
        try (InputStream in = ex.getRequestBody()) {
            raw = in.readNBytes(MAX_BODY + 1);
        }
        if (raw.length > MAX_BODY) {
            throw new ApiError(413, "request body over " + (MAX_BODY >> 20) + " MiB", null, null);
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiError(400, "the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), null, "invalid_json");
        }
        if (n == null || !n.isObject()) {
            throw new ApiError(400, "the body must be a JSON object", null, "invalid_json");
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
        observer.replied(ex, 200);
        ex.getResponseBody().write(buf.toByteArray());
    }

    /** One prompt of a request: its token ids, how many tokens to generate (0: echo only), and the text echo puts first. */
    private record Prompted(int[] ids, int maxTokens, String echoText) {}

    /** A parsed completion or chat request. {@code topLogprobs} -1: none; {@code echo} only on completions. */
    private record Job(boolean chat, String model, List<Prompted> prompts, int n, Sampling sampling, List<String> stop, boolean ignoreEos,
                       int topLogprobs, boolean echo, boolean stream, boolean includeUsage) {}

    /** The generation futures of a job, one per choice (prompt-major), and each prompt's scored tokens when echoed with logprobs. */
    private record Submitted(List<CompletableFuture<LocalEngine.Choice>> choices, List<CompletableFuture<LocalEngine.PromptLogprobs>> echoed) {
        void cancel() {
            choices.forEach(f -> f.cancel(false));
            echoed.forEach(f -> f.cancel(false));
        }
    }

    /** Serves a completion or chat request: the reply, or null when it was streamed. */
    private ObjectNode completion(HttpExchange ex, JsonNode b, boolean chat) throws IOException {
        Job job = parse(b, chat);
        if (job.stream()) {
            stream(ex, job);
            return null;
        }
        Submitted sub = submit(job, null);
        List<LocalEngine.Choice> done = new ArrayList<>();
        List<LocalEngine.PromptLogprobs> echoed = new ArrayList<>();
        try {
            for (CompletableFuture<LocalEngine.Choice> f : sub.choices()) {
                done.add(f.join());
            }
            for (CompletableFuture<LocalEngine.PromptLogprobs> f : sub.echoed()) {
                echoed.add(f.join());
            }
        } catch (CompletionException e) {
            // requests are validated when submitted, so what fails here is the engine itself
            sub.cancel();
            throw new ApiError(500, String.valueOf(e.getCause().getMessage()), null, null);
        }
        ObjectNode o = head(job, UUID.randomUUID().toString().replace("-", ""));
        ArrayNode choices = o.putArray("choices");
        int promptTokens = 0;
        int completionTokens = 0;
        for (int i = 0; i < done.size(); i++) {
            LocalEngine.Choice c = done.get(i);
            Prompted p = job.prompts().get(i / job.n());
            ObjectNode ch = choices.addObject().put("index", i);
            if (chat) {
                ch.putObject("message").put("role", "assistant").put("content", c.text());
                if (job.topLogprobs() >= 0) {
                    chatLogprobs(ch.putObject("logprobs").putArray("content"), c.logprobs());
                } else {
                    ch.putNull("logprobs");
                }
            } else {
                String echo = job.echo() ? p.echoText() : "";
                ch.put("text", echo + c.text());
                if (job.topLogprobs() >= 0) {
                    ObjectNode lp = ch.putObject("logprobs");
                    int offset = 0;
                    if (job.echo()) {
                        offset = completionLogprobs(lp, echoed.get(i / job.n()), List.of(), 0);
                    }
                    completionLogprobs(lp, null, c.logprobs(), offset);
                } else {
                    ch.putNull("logprobs");
                }
            }
            ch.put("finish_reason", c.finishReason());
            if (i % job.n() == 0) {
                promptTokens += p.ids().length;
            }
            completionTokens += c.completionTokens();
        }
        usage(o.putObject("usage"), promptTokens, completionTokens);
        return o;
    }

    private Job parse(JsonNode b, boolean chat) {
        String model = b.path("model").asText(null);
        if (model == null) {
            throw new ApiError(400, "'model' is required", "model", null);
        }
        if (!model.equals(engine.name())) {
            throw ApiError.noSuchModel(model, engine.name());
        }
        boolean stream = boolParam(b, "stream");
        boolean includeUsage = false;
        JsonNode so = b.path("stream_options");
        if (!so.isMissingNode() && !so.isNull()) {
            if (!stream) {
                throw new ApiError(400, "'stream_options' needs 'stream': true", "stream_options", null);
            }
            if (!so.isObject()) {
                throw new ApiError(400, "'stream_options' must be an object, got " + so, "stream_options", null);
            }
            includeUsage = boolParam(so, "include_usage");
        }
        boolean echo = !chat && boolParam(b, "echo");
        // vLLM: chat without a limit gets the rest of the context; completions default to 16 (OpenAI's
        // default, kept by vLLM's CompletionRequest), and an explicit null there means the rest too.
        String maxKey = chat && b.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = chat || b.has("max_tokens") ? intParam(b, maxKey, -1) : 16;
        if (maxTokens == -1 && b.hasNonNull(maxKey) || maxTokens < -1 || maxTokens == 0 && !echo) {
            throw new ApiError(400, maxKey + " must be at least 1, got " + maxTokens, maxKey, null);
        }
        int n = intParam(b, "n", 1);
        if (n < 1 || n > MAX_N) {
            throw new ApiError(400, "n must be between 1 and " + MAX_N + ", got " + n, "n", null);
        }
        int topK = b.path("top_k").isNull() || b.path("top_k").asInt(0) < 0 ? 0 : intParam(b, "top_k", 0); // vLLM's -1 means off
        long seed = b.hasNonNull("seed") ? longParam(b, "seed") : new java.security.SecureRandom().nextLong();
        Sampling sampling;
        try {
            sampling = new Sampling(numParam(b, "temperature", 1.0), numParam(b, "top_p", 1.0), topK, numParam(b, "min_p", 0),
                    numParam(b, "presence_penalty", 0), numParam(b, "frequency_penalty", 0), numParam(b, "repetition_penalty", 1), seed);
        } catch (IllegalArgumentException e) {
            // the message starts with the parameter's name
            throw new ApiError(400, e.getMessage(), e.getMessage().split(" ", 2)[0], null);
        }
        int topLogprobs = topLogprobs(b, chat);
        List<String> stop = new ArrayList<>();
        JsonNode s = b.path("stop");
        if (s.isTextual()) {
            stop.add(s.asText());
        } else if (s.isArray()) {
            for (JsonNode x : s) {
                if (!x.isTextual()) {
                    throw new ApiError(400, "'stop' must be a string or a list of strings; got an element " + abbreviate(x), "stop", null);
                }
                stop.add(x.asText());
            }
        } else if (!s.isMissingNode() && !s.isNull()) {
            throw new ApiError(400, "'stop' must be a string or a list of strings", "stop", null);
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw new ApiError(400, "a stop string must not be empty", "stop", null);
        }
        List<LocalEngine.Prompt> prompts = chat ? List.of(chatPrompt(b)) : completionPrompts(b);
        if ((long) prompts.size() * n > MAX_CHOICES) {
            throw new ApiError(400, prompts.size() + " prompts x n " + n + " is " + (long) prompts.size() * n + " choices; one request may ask for "
                    + MAX_CHOICES + " at most", "n", null);
        }
        List<Prompted> prompted = new ArrayList<>();
        int context = engine.maxModelLen();
        for (LocalEngine.Prompt p : prompts) {
            int[] ids = engine.tokens(p);
            int max = maxTokens;
            if (max == -1) {
                max = context - ids.length;
                if (max < 1) {
                    throw new ApiError(400, "the prompt (" + ids.length + " tokens) leaves no room to generate in the model's context of "
                            + context + " tokens", chat ? "messages" : "prompt", null);
                }
            }
            if (max > context - ids.length) { // echo with max_tokens 0 reaches no engine check: the context is checked here for all
                throw new ApiError(400, "prompt (" + ids.length + " tokens) plus max_tokens (" + max + ") exceeds the model's context of "
                        + context + " tokens", chat ? "messages" : "prompt", null);
            }
            String echoText = !echo ? "" : p instanceof LocalEngine.Prompt.Raw r ? r.text() : engine.text(ids);
            prompted.add(new Prompted(ids, max, echoText));
        }
        return new Job(chat, model, prompted, n, sampling, stop, boolParam(b, "ignore_eos"), topLogprobs, echo, stream, includeUsage);
    }

    private static LocalEngine.Prompt chatPrompt(JsonNode b) {
        return new LocalEngine.Prompt.Chat(TokenizeRoutes.messages(b.path("messages")));
    }

    /** A string, a list of strings, a list of token ids, or a list of such lists, as OpenAI's completions take. */
    private static List<LocalEngine.Prompt> completionPrompts(JsonNode b) {
        JsonNode p = b.path("prompt");
        String shape = "'prompt' must be a string, a list of strings, a list of token ids or a list of lists of token ids";
        List<LocalEngine.Prompt> out = new ArrayList<>();
        if (p.isTextual()) {
            out.add(new LocalEngine.Prompt.Raw(p.asText()));
            return out;
        }
        if (!p.isArray() || p.isEmpty()) {
            throw new ApiError(400, shape, "prompt", null);
        }
        if (p.get(0).isIntegralNumber()) {
            out.add(new LocalEngine.Prompt.Tokens(tokenIds(p, shape)));
            return out;
        }
        for (JsonNode x : p) {
            if (x.isTextual()) {
                out.add(new LocalEngine.Prompt.Raw(x.asText()));
            } else if (x.isArray() && !x.isEmpty() && p.get(0).isArray()) {
                out.add(new LocalEngine.Prompt.Tokens(tokenIds(x, shape)));
            } else {
                throw new ApiError(400, shape + "; got an element " + abbreviate(x), "prompt", null);
            }
        }
        return out;
    }

    private static int[] tokenIds(JsonNode list, String shape) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode x = list.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToInt()) {
                throw new ApiError(400, shape + "; got the token id " + abbreviate(x), "prompt", null);
            }
            ids[i] = x.asInt();
        }
        return ids;
    }

    private static String abbreviate(JsonNode x) {
        String s = x.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Submits every prompt's choices (and scores echoed prompts); on a refusal, what was already submitted is withdrawn. */
    private Submitted submit(Job job, LocalEngine.Listener listener) {
        List<CompletableFuture<LocalEngine.Choice>> choices = new ArrayList<>();
        List<CompletableFuture<LocalEngine.PromptLogprobs>> echoed = new ArrayList<>();
        Submitted sub = new Submitted(choices, echoed);
        try {
            for (int pi = 0; pi < job.prompts().size(); pi++) {
                Prompted p = job.prompts().get(pi);
                if (job.echo() && job.topLogprobs() >= 0) {
                    echoed.add(engine.promptLogprobs(p.ids(), job.topLogprobs()));
                }
                if (p.maxTokens() == 0) { // echo only, as vLLM's echo with max_tokens 0
                    for (int i = 0; i < job.n(); i++) {
                        choices.add(CompletableFuture.completedFuture(new LocalEngine.Choice("", "length", p.ids().length, 0, List.of())));
                    }
                    continue;
                }
                int base = pi * job.n();
                LocalEngine.Listener l = listener == null ? null
                        : d -> listener.onDelta(new LocalEngine.Delta(base + d.index(), d.text(), d.logprobs()));
                choices.addAll(engine.complete(new LocalEngine.Prompt.Tokens(p.ids()), job.n(), job.sampling(), p.maxTokens(), job.stop(),
                        job.ignoreEos(), job.topLogprobs(), l));
            }
        } catch (RuntimeException e) {
            sub.cancel();
            throw e;
        }
        return sub;
    }

    /** The id, object, created and model every reply and chunk starts with. */
    private static ObjectNode head(Job job, String id) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", (job.chat() ? "chatcmpl-" : "cmpl-") + id);
        String object = job.chat() ? (job.stream() ? "chat.completion.chunk" : "chat.completion") : "text_completion";
        return o.put("object", object).put("created", Instant.now().getEpochSecond()).put("model", job.model());
    }

    private static void usage(ObjectNode u, int promptTokens, int completionTokens) {
        u.put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
    }

    /** What the engine thread hands the request's thread while streaming. */
    private sealed interface Event {
        record Piece(LocalEngine.Delta delta) implements Event {}

        record Finished(int index, LocalEngine.Choice choice) implements Event {}

        record Failed(Throwable error) implements Event {}
    }

    /**
     * Streams the job as server-sent events in OpenAI's chunk shapes: tokens are written as the engine
     * generates them (the engine thread only queues them), each choice ends with a chunk carrying its
     * finish_reason, then the usage chunk when asked for, then [DONE]. A client that goes away cancels
     * the job's rows; an engine failure after the stream began is sent as an error event.
     */
    private void stream(HttpExchange ex, Job job) throws IOException {
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Submitted sub = submit(job, d -> events.add(new Event.Piece(d)));
        for (int i = 0; i < sub.choices().size(); i++) {
            int index = i;
            sub.choices().get(i).whenComplete((c, e) -> events.add(e == null ? new Event.Finished(index, c) : new Event.Failed(e)));
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        int choices = sub.choices().size();
        int[] offsets = new int[choices]; // text streamed so far per choice, for completions' text_offset
        int promptTokens = 0;
        int completionTokens = 0;
        try (EventStream out = new EventStream(ex, () -> observer.replied(ex, 200))) {
            try {
                for (int i = 0; i < choices; i++) {
                    Prompted p = job.prompts().get(i / job.n());
                    if (job.chat()) {
                        Chunk c = chunk(job, id, i);
                        c.choice().putObject("delta").put("role", "assistant").put("content", "");
                        out.send(c.root());
                    } else if (job.echo()) {
                        // the prompt comes first, as in the echoed reply
                        Chunk c = chunk(job, id, i);
                        c.choice().put("text", p.echoText());
                        if (job.topLogprobs() >= 0) {
                            completionLogprobs(c.choice().putObject("logprobs"), join(sub.echoed().get(i / job.n())), List.of(), 0);
                        }
                        offsets[i] = p.echoText().length();
                        out.send(c.root());
                    }
                    if (i % job.n() == 0) {
                        promptTokens += p.ids().length;
                    }
                }
                int open = choices;
                while (open > 0) {
                    Event e = events.take();
                    switch (e) {
                        case Event.Piece(LocalEngine.Delta d) -> {
                            if (d.text().isEmpty() && d.logprobs().isEmpty()) {
                                continue;
                            }
                            Chunk c = chunk(job, id, d.index());
                            ObjectNode ch = c.choice();
                            if (job.chat()) {
                                ch.putObject("delta").put("content", d.text());
                                if (!d.logprobs().isEmpty()) {
                                    chatLogprobs(ch.putObject("logprobs").putArray("content"), d.logprobs());
                                }
                            } else {
                                ch.put("text", d.text());
                                if (!d.logprobs().isEmpty()) {
                                    completionLogprobs(ch.putObject("logprobs"), null, d.logprobs(), offsets[d.index()]);
                                }
                            }
                            offsets[d.index()] += d.text().length();
                            out.send(c.root());
                        }
                        case Event.Finished(int index, LocalEngine.Choice c) -> {
                            Chunk last = chunk(job, id, index);
                            if (job.chat()) {
                                last.choice().putObject("delta");
                            } else {
                                last.choice().put("text", "");
                            }
                            last.choice().put("finish_reason", c.finishReason());
                            completionTokens += c.completionTokens();
                            out.send(last.root());
                            open--;
                        }
                        case Event.Failed(Throwable t) -> {
                            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                            throw new EngineFailed(cause.getMessage());
                        }
                    }
                }
                ObjectNode u = head(job, id);
                u.putArray("choices");
                usage(u.putObject("usage"), promptTokens, completionTokens);
                observer.usage(ex, u); // the access log counts a streamed reply's tokens too
                if (job.includeUsage()) {
                    out.send(u);
                }
            } catch (EngineFailed e) {
                sub.cancel();
                out.send(error("the engine failed: " + e.getMessage(), "server_error", null, null));
            } catch (RuntimeException e) {
                // the status is sent already: the failure can only be told in the stream
                sub.cancel();
                out.send(error("the server failed: " + e, "server_error", null, null));
            }
            out.done();
        } catch (IOException | InterruptedException e) {
            // the client went away (or the server is closing): free the rows at the next step
            sub.cancel();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An engine failure after the stream's headers went out: reported in the stream, not as a status. */
    private static final class EngineFailed extends Exception {
        EngineFailed(String message) {
            super(message);
        }
    }

    private static <T> T join(CompletableFuture<T> f) throws EngineFailed {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw new EngineFailed(String.valueOf(e.getCause().getMessage()));
        }
    }

    /** A chunk and its one choice, to fill in (logprobs and finish_reason are null until set). */
    private record Chunk(ObjectNode root, ObjectNode choice) {}

    private static Chunk chunk(Job job, String id, int index) {
        ObjectNode o = head(job, id);
        ObjectNode ch = o.putArray("choices").addObject().put("index", index);
        ch.putNull("logprobs");
        ch.putNull("finish_reason");
        return new Chunk(o, ch);
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
                throw new ApiError(400, "'logprobs' must be true or false in a chat request, got " + on, "logprobs", null);
            }
            boolean wanted = on.asBoolean(false);
            if (!wanted) {
                if (b.hasNonNull("top_logprobs")) {
                    throw new ApiError(400, "'top_logprobs' needs 'logprobs': true", "top_logprobs", null);
                }
                return -1;
            }
            int k = intParam(b, "top_logprobs", 0);
            if (k < 0 || k > max) {
                throw new ApiError(400, "top_logprobs must be between 0 and " + max + ", got " + k, "top_logprobs", null);
            }
            return k;
        }
        if (!b.hasNonNull("logprobs")) {
            return -1;
        }
        int k = intParam(b, "logprobs", 0);
        if (k < 0 || k > max) {
            throw new ApiError(400, "logprobs must be between 0 and " + max + ", got " + k, "logprobs", null);
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

    /**
     * Appends to the completions shape (parallel lists of tokens, their logprobs, the top alternatives as
     * {token: logprob} with the token itself among them, as vLLM gives, and text offsets): an echoed
     * prompt's tokens when {@code prompt} is not null (the first has null logprobs), then {@code logprobs}.
     * Offsets count from {@code offset}; returns the offset after the last token.
     */
    private static int completionLogprobs(ObjectNode o, LocalEngine.PromptLogprobs prompt, List<LocalEngine.Logprob> logprobs, int offset) {
        ArrayNode tokens = o.withArray("tokens");
        ArrayNode tokenLogprobs = o.withArray("token_logprobs");
        ArrayNode top = o.withArray("top_logprobs");
        ArrayNode offsets = o.withArray("text_offset");
        List<LocalEngine.Logprob> all = logprobs;
        if (prompt != null) {
            tokens.add(prompt.first());
            tokenLogprobs.addNull();
            top.addNull();
            offsets.add(offset);
            offset += prompt.first().length();
            all = new ArrayList<>(prompt.rest());
            all.addAll(logprobs);
        }
        for (LocalEngine.Logprob lp : all) {
            tokens.add(lp.token());
            tokenLogprobs.add(lp.logprob());
            ObjectNode alts = top.addObject();
            lp.top().forEach(t -> {
                if (!alts.has(t.token())) {
                    alts.put(t.token(), t.logprob());
                }
            });
            if (!alts.has(lp.token())) {
                alts.put(lp.token(), lp.logprob());
            }
            offsets.add(offset);
            offset += lp.token().length();
        }
        return offset;
    }

    private static int intParam(JsonNode b, String key, int dflt) {
        JsonNode v = b.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !(v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())))) {
            throw new ApiError(400, "'" + key + "' must be an integer, got " + v, key, null);
        }
        return v.asInt();
    }

    private static long longParam(JsonNode b, String key) {
        JsonNode v = b.path(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ApiError(400, "'" + key + "' must be an integer, got " + v, key, null);
        }
        return v.asLong();
    }

    private static boolean boolParam(JsonNode b, String key) {
        JsonNode v = b.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new ApiError(400, "'" + key + "' must be true or false, got " + v, key, null);
        }
        return v.asBoolean();
    }

    private static double numParam(JsonNode b, String key, double dflt) {
        JsonNode v = b.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new ApiError(400, "'" + key + "' must be a number, got " + v, key, null);
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

    private void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = Json.line(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        observer.replied(ex, status);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
