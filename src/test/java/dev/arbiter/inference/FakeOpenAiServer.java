package dev.arbiter.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenAI-compatible server for tests: real sockets, real HTTP and JSON, answers made by a
 * function of (prompt, seed), and faults on demand: 500s, 429s with Retry-After, connections
 * closed without an answer, and replies slower than the client's timeout.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    /** What the model "writes" for a prompt and seed. */
    public interface Model {
        Reply reply(String prompt, long seed);
    }

    public record Reply(String text, String finishReason) {}

    /** {@code model} answering each request after {@code delayMs}, as a model takes time to write. */
    public static Model slowed(Model model, long delayMs) {
        return (prompt, seed) -> {
            sleep(delayMs);
            return model.reply(prompt, seed);
        };
    }

    /** Thrown by a model to have the server refuse the request with HTTP 400 and this message, as a server refuses what it cannot take. */
    public static final class Refusal extends RuntimeException {
        public Refusal(String message) {
            super(message);
        }
    }

    public enum Fault { NONE, SERVER_ERROR, TOO_MANY, RESET, SLOW }

    /**
     * A model that writes the whole continuation of a prompt; the server then applies the request's
     * stop strings and max_tokens, as vLLM does, counting tokens as {@link #tokens} cuts them.
     */
    public interface Continuation {
        String continueFrom(String prompt);
    }

    /** The fake tokenizer: a token is a run of whitespace with the word after it, or trailing whitespace. */
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("\\s*\\S+|\\s+");

    public static List<String> tokens(String text) {
        List<String> out = new java.util.ArrayList<>();
        var m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private final HttpServer server;
    private final Model model;
    private Continuation continuation;
    private final java.util.Map<String, Integer> vocab = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Integer, String> words = new java.util.concurrent.ConcurrentHashMap<>();
    /** Requests to /tokenize and /detokenize. */
    public final AtomicInteger tokenizerCalls = new AtomicInteger();

    /** A server whose replies honour max_tokens and stop strings, with /tokenize and /detokenize. */
    public static FakeOpenAiServer continuing(Continuation c) throws IOException {
        FakeOpenAiServer s = new FakeOpenAiServer((prompt, seed) -> {
            throw new IllegalStateException("unused");
        });
        s.continuation = c;
        return s;
    }
    private volatile double faultRate;
    private volatile long slowMillis = 3_000;
    private final Random random = new Random(5);
    public final AtomicInteger received = new AtomicInteger();
    public final AtomicInteger served = new AtomicInteger();
    public final AtomicInteger faults = new AtomicInteger();
    public final ConcurrentLinkedQueue<JsonNode> bodies = new ConcurrentLinkedQueue<>();

    public FakeOpenAiServer(Model model) throws IOException {
        this.model = model;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/completions", ex -> handle(ex, false));
        server.createContext("/v1/chat/completions", ex -> handle(ex, true));
        server.createContext("/tokenize", this::tokenize);
        server.createContext("/detokenize", this::detokenize);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A share of requests (0..1) that get one of the four faults, chosen at random. */
    public void faultRate(double rate, long slowMillis) {
        this.faultRate = rate;
        this.slowMillis = slowMillis;
    }

    private volatile Fault always = Fault.NONE;

    /** Every request from now on gets {@code fault} (NONE: back to {@link #faultRate}). */
    public void always(Fault fault) {
        this.always = fault;
    }

    private Fault nextFault() {
        if (always != Fault.NONE) {
            return always;
        }
        synchronized (random) {
            if (random.nextDouble() >= faultRate) {
                return Fault.NONE;
            }
            return List.of(Fault.SERVER_ERROR, Fault.TOO_MANY, Fault.RESET, Fault.SLOW).get(random.nextInt(4));
        }
    }

    private void handle(HttpExchange ex, boolean chat) throws IOException {
        received.incrementAndGet();
        try (ex) {
            JsonNode req = Json.mapper().readTree(ex.getRequestBody());
            bodies.add(req);
            if (!req.path("model").isTextual()) {
                send(ex, 400, "{\"error\":{\"message\":\"model is required\"}}");
                return;
            }
            Fault f = nextFault();
            if (f != Fault.NONE) {
                faults.incrementAndGet();
            }
            switch (f) {
                case SERVER_ERROR -> {
                    send(ex, 500, "{\"error\":\"injected\"}");
                    return;
                }
                case TOO_MANY -> {
                    ex.getResponseHeaders().add("Retry-After", "0");
                    send(ex, 429, "{\"error\":\"slow down\"}");
                    return;
                }
                case RESET -> {
                    return; // closed with no status line: the client sees the connection end
                }
                case SLOW -> sleep(slowMillis);
                case NONE -> { }
            }
            String prompt = chat ? req.path("messages").path(0).path("content").asText() : req.path("prompt").asText();
            Reply r;
            try {
                r = continuation != null ? continued(prompt, req) : model.reply(prompt, req.path("seed").asLong());
            } catch (Refusal refused) {
                send(ex, 400, Json.line(Json.mapper().createObjectNode().set("error", Json.mapper().createObjectNode().put("message", refused.getMessage()))));
                return;
            }
            ObjectNode out = Json.mapper().createObjectNode();
            ObjectNode choice = out.putArray("choices").addObject();
            if (chat) {
                choice.putObject("message").put("role", "assistant").put("content", r.text());
            } else {
                choice.put("text", r.text());
            }
            choice.put("finish_reason", r.finishReason());
            if (continuation != null) {
                out.putObject("usage").put("prompt_tokens", tokens(prompt).size()).put("completion_tokens", tokens(r.text()).size());
            } else {
                out.putObject("usage").put("prompt_tokens", prompt.length() / 4).put("completion_tokens", r.text().length() / 4);
            }
            send(ex, 200, Json.line(out));
            served.incrementAndGet();
        }
    }

    private Reply continued(String prompt, JsonNode req) {
        String text = continuation.continueFrom(prompt);
        String finish = "stop";
        int cut = text.length();
        for (JsonNode st : req.path("stop")) {
            int at = text.indexOf(st.asText());
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        text = text.substring(0, cut);
        List<String> toks = tokens(text);
        int max = req.path("max_tokens").asInt(Integer.MAX_VALUE);
        if (toks.size() > max) {
            text = String.join("", toks.subList(0, max));
            finish = "length";
        }
        return new Reply(text, finish);
    }

    private int id(String token) {
        return vocab.computeIfAbsent(token, t -> {
            synchronized (words) {
                int id = words.size();
                words.put(id, t);
                return id;
            }
        });
    }

    private void tokenize(HttpExchange ex) throws IOException {
        tokenizerCalls.incrementAndGet();
        try (ex) {
            JsonNode req = Json.mapper().readTree(ex.getRequestBody());
            ObjectNode out = Json.mapper().createObjectNode();
            var arr = out.putArray("tokens");
            tokens(req.path("prompt").asText()).forEach(t -> arr.add(id(t)));
            out.put("count", arr.size());
            send(ex, 200, Json.line(out));
        }
    }

    private void detokenize(HttpExchange ex) throws IOException {
        tokenizerCalls.incrementAndGet();
        try (ex) {
            JsonNode req = Json.mapper().readTree(ex.getRequestBody());
            StringBuilder b = new StringBuilder();
            req.path("tokens").forEach(t -> b.append(words.get(t.asInt())));
            send(ex, 200, Json.line(Json.mapper().createObjectNode().put("prompt", b.toString())));
        }
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
