package dev.arbiter.reward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.OutputChecker;
import dev.arbiter.sandbox.ProgramRequest;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The verifiers as an RL reward service over HTTP: OpenRLHF's {@code /get_reward}, SandboxFusion's
 * {@code /run_code} (for verl), our {@code /v1/score}, {@code /health} (with {@code /health/live} and
 * {@code /health/ready} for Kubernetes' probes) and {@code /metrics}.
 *
 * <p>Replicas are interchangeable: a reward depends only on the request and the server's settings,
 * never on which replica answers or what it answered before. What a server keeps across requests is
 * its counters, its queue's admission, and Symja's cache of answers to symbolic questions, which holds
 * only what the CAS would answer again.
 *
 * <p>Overload never costs unbounded memory: bodies over the size limit are refused (413), bodies
 * being read share a byte budget (503 when it is spent), and scored items share a bounded queue
 * (429 when full); both refusals carry Retry-After. {@link #close()} stops accepting, answers new
 * requests 503, and finishes the ones in flight before returning.
 *
 * <p>No wire ever answers a made-up reward: a server without a sandbox refuses code items and
 * {@code /run_code} with 503 and the reason, and an OpenRLHF query whose response cannot be told apart
 * from its prompt is refused (400) unless {@link Unseparated#SCORE_ZERO} says to score it 0.
 */
public final class RewardServer implements AutoCloseable {
    /** What {@code /get_reward} does with a query whose response cannot be told apart from its prompt. */
    public enum Unseparated {
        /** Answer 400 naming the fix: send {@code prompts}, or apply the chat template. */
        REFUSE,
        /** Score the query exactly 0, flagged in {@code extra_logs.unseparated}. */
        SCORE_ZERO;

        /** From its name on the command line: refuse or score-zero. */
        public static Unseparated parse(String name) {
            return switch (name) {
                case "refuse" -> REFUSE;
                case "score-zero" -> SCORE_ZERO;
                default -> throw new IllegalArgumentException("--unseparated must be refuse or score-zero, got " + name);
            };
        }
    }

    /** How the server is set up; see the CLI's {@code reward-server --help} for each field. */
    public record Config(String host, int port, String token, int maxBodyBytes, long bodyBudgetBytes, int queueItems, ItemDefaults defaults,
                         int drainSeconds, Unseparated unseparated) {
        public Config {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("the body limit must be at least 1 KiB");
            }
            if (bodyBudgetBytes < maxBodyBytes) {
                throw new IllegalArgumentException("the body budget must hold at least one body of the maximum size");
            }
            if (queueItems < 1) {
                throw new IllegalArgumentException("the queue must hold at least one item");
            }
            if (token != null && token.isBlank()) {
                token = null;
            }
            Objects.requireNonNull(unseparated, "unseparated");
        }

        public static Config local(int port) {
            return new Config("127.0.0.1", port, null, 32 << 20, 128L << 20, 65_536, ItemDefaults.STANDARD, 30, Unseparated.REFUSE);
        }

        public Config withUnseparated(Unseparated u) {
            return new Config(host, port, token, maxBodyBytes, bodyBudgetBytes, queueItems, defaults, drainSeconds, u);
        }
    }

    private static final String RETRY_AFTER_S = "1";

    static {
        // The JDK server closes kept-alive connections beyond 200 idle ones; a client that reuses one
        // just then gets no answer at all. Trainers hold hundreds of connections, so allow thousands.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "8192");
        }
    }

    private final Config config;
    private final RewardService service;
    /** Rules in the service's queue; then, on a server with an LLM judge, the judge on what the rules rejected. */
    private final RewardScorer scorer;
    private final Sandbox sandbox;
    private final String noSandbox;
    private final AnswerIndex answers;
    private final RewardMetrics metrics;
    /** Requests not yet counted, with their arrival (nanoTime). */
    private final java.util.Map<HttpExchange, Long> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    // The budget is counted in KiB so that gigabytes fit a semaphore's int.
    private final Semaphore bodyBudgetKib;
    private final byte[] tokenBytes;
    private final Readiness readiness;
    private volatile boolean draining;

    /** Starts serving at once; see the five-argument constructor. */
    public RewardServer(Config config, RewardScorer scorer, Sandbox sandbox, AnswerIndex answers) throws IOException {
        this(config, scorer, sandbox, answers, null);
    }

    /** Starts serving at once; see the six-argument constructor. Ready while it is not draining: the sandbox given is all it is configured with. */
    public RewardServer(Config config, RewardScorer scorer, Sandbox sandbox, AnswerIndex answers, String noSandbox) throws IOException {
        this(config, scorer, sandbox, answers, noSandbox, Readiness.ALWAYS);
    }

    /**
     * Starts serving at once. {@code sandbox} may be null: code items and /run_code are then refused
     * (503) with {@code noSandbox} as the reason, by default "no code sandbox is running on this
     * server". {@code answers} may be null. {@code readiness} says whether the parts the server was
     * configured with can score now (the sandbox, when code scoring is on): {@code /health/ready}.
     */
    public RewardServer(Config config, RewardScorer scorer, Sandbox sandbox, AnswerIndex answers, String noSandbox, Readiness readiness)
            throws IOException {
        this.config = config;
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.service = new RewardService(scorer, config.queueItems());
        this.scorer = scorer;
        this.sandbox = sandbox;
        this.noSandbox = noSandbox == null ? "no code sandbox is running on this server" : noSandbox;
        this.answers = answers;
        this.metrics = new RewardMetrics(service::depth, config.queueItems());
        this.bodyBudgetKib = new Semaphore((int) Math.min(Integer.MAX_VALUE, config.bodyBudgetBytes() >> 10));
        this.tokenBytes = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 4096);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    public URI uri() {
        return URI.create("http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort());
    }

    public RewardMetrics metrics() {
        return metrics;
    }

    private void handle(HttpExchange ex) throws IOException {
        open.put(ex, System.nanoTime());
        metrics.requestStarted();
        String path = ex.getRequestURI().getPath();
        int status = 500;
        // Not try-with-resources: that would close the exchange before the catch blocks answer.
        try {
            status = route(ex, path);
        } catch (BadRequest e) {
            status = e.status;
            if (e.status == 401) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            if (e.retryLater) {
                ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_S);
                // A refused client will come back later: its connection should not sit idle meanwhile.
                ex.getResponseHeaders().set("Connection", "close");
            }
            // Whatever of the body is still unread must be read first, or the client, still sending, gets a reset connection.
            discardRest(ex);
            trySend(ex, e.status, error(e.getMessage(), e.field, e.status));
        } catch (IOException e) {
            // The client went away mid-exchange; nothing to answer.
            status = 499;
        } catch (RuntimeException e) {
            status = 500;
            trySend(ex, 500, error("internal error: " + e, null, 500));
        } finally {
            ex.close();
            answered(ex, status); // when no reply said so itself: the client left, or none could be sent
        }
    }

    /**
     * Counts a request once, as its reply's last bytes are about to go: a client that has its answer
     * (a 429, say) and reads the metrics next finds it counted.
     */
    private void answered(HttpExchange ex, int status) {
        Long t0 = open.remove(ex);
        if (t0 == null) {
            return;
        }
        String endpoint = switch (ex.getRequestURI().getPath()) {
            case "/get_reward", "/run_code", "/v1/score", "/health", "/health/live", "/health/ready", "/metrics" -> ex.getRequestURI().getPath();
            default -> "other";
        };
        metrics.requestDone(endpoint, status, System.nanoTime() - t0);
    }

    private int route(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (path.equals("/health")) {
            requireMethod(method, "GET");
            ObjectNode h = Json.mapper().createObjectNode().put("status", draining ? "draining" : "ok")
                    .put("queue_depth", service.depth()).put("queue_capacity", service.capacity())
                    .put("sandbox", sandbox != null ? "ready" : "unavailable");
            return send(ex, draining ? 503 : 200, h);
        }
        if (path.equals("/health/live")) {
            // Liveness is the process answering: a restart cures neither a missing Docker nor a drain.
            requireMethod(method, "GET");
            return send(ex, 200, Json.mapper().createObjectNode().put("status", draining ? "draining" : "live"));
        }
        if (path.equals("/health/ready")) {
            requireMethod(method, "GET");
            Optional<String> problem = draining ? Optional.of("draining: the server is shutting down") : readiness.problem();
            ObjectNode r = Json.mapper().createObjectNode().put("status", problem.isEmpty() ? "ready" : "not_ready");
            problem.ifPresent(why -> r.put("reason", why));
            return send(ex, problem.isEmpty() ? 200 : 503, r);
        }
        authorize(ex);
        if (draining) {
            metrics.rejected("draining");
            throw new BadRequest(503, "the server is shutting down; retry against another replica", null);
        }
        switch (path) {
            case "/metrics" -> {
                requireMethod(method, "GET");
                byte[] b = metrics.render().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, b.length);
                answered(ex, 200);
                ex.getResponseBody().write(b);
                return 200;
            }
            case "/get_reward" -> {
                requireMethod(method, "POST");
                JsonNode body = body(ex);
                OpenRlhfWire.Batch batch = OpenRlhfWire.parse(body, config.defaults(), config.unseparated(), answers, System.nanoTime());
                List<RewardResult> rules = score(batch.items(), k -> "query " + batch.items().get(k).id());
                List<RewardResult> results = batch.merge(scorer.judged(batch.items(), rules, batch.items().stream()
                        .map(i -> i.target() instanceof RewardItem.MathTarget m ? m.groundTruth() : null).toList()));
                results.forEach(metrics::item);
                BadRequest unscored = OpenRlhfWire.unscored(results);
                if (unscored != null) {
                    throw unscored;
                }
                return send(ex, 200, OpenRlhfWire.reply(results, batch.unseparated()));
            }
            case "/v1/score" -> {
                requireMethod(method, "POST");
                long t0 = System.nanoTime();
                JsonNode body = body(ex);
                ScoreWire.Batch batch = ScoreWire.parse(body, config.defaults(), System.nanoTime());
                List<RewardResult> all = score(batch.items(), batch::where);
                int[] chosen = batch.chosen(all);
                List<RewardItem> items = java.util.Arrays.stream(chosen).mapToObj(batch.items()::get).toList();
                List<RewardResult> results = scorer.judged(items, batch.fold(all), java.util.Arrays.stream(chosen).mapToObj(batch::reference).toList());
                results.forEach(metrics::item);
                return send(ex, 200, ScoreWire.reply(results, (System.nanoTime() - t0) / 1000));
            }
            case "/run_code" -> {
                requireMethod(method, "POST");
                SandboxFusionWire.Run run = SandboxFusionWire.parse(body(ex));
                if (sandbox == null) {
                    metrics.rejected("no_sandbox");
                    throw new BadRequest(503, noSandbox + ": this server cannot run code", null, false);
                }
                return send(ex, 200, runCode(run));
            }
            default -> throw new BadRequest(404, "no route " + method + " " + path
                    + "; this server has POST /get_reward, /run_code and /v1/score, GET /health, /health/live, /health/ready and /metrics", null);
        }
    }

    /**
     * Scores the items; {@code name} says how the wire names the item at an index. Without a sandbox,
     * a request holding code is refused before any scoring: its code items cannot be judged here, and
     * an item not judged has no reward, which is not 0.
     */
    private List<RewardResult> score(List<RewardItem> items, IntFunction<String> name) {
        if (sandbox == null) {
            int[] code = IntStream.range(0, items.size()).filter(k -> items.get(k).target() instanceof RewardItem.CodeTarget).toArray();
            if (code.length > 0) {
                metrics.rejected("no_sandbox");
                throw new BadRequest(503, "this request holds " + code.length + " code item" + (code.length == 1 ? "" : "s") + " (the first is "
                        + name.apply(code[0]) + "), and "
                        + noSandbox + ": code cannot be judged here, and an item that is not judged gets no reward, not 0; send code items"
                        + " to a server with a sandbox", null, false);
            }
        }
        try {
            return service.scoreAll(items);
        } catch (RewardService.Overloaded e) {
            metrics.rejected("queue_full");
            throw new BadRequest(429, e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            metrics.rejected("batch_too_large");
            throw new BadRequest(413, e.getMessage(), null);
        }
    }

    private ObjectNode runCode(SandboxFusionWire.Run run) {
        // One queue slot, like any other item, so /run_code floods are refused the same way.
        try {
            // Python takes the fork server's fast path; the other languages compile first.
            return service.admitOne(() -> run.language() == Language.PYTHON
                    ? SandboxFusionWire.reply(sandbox.run(run.code(), run.stdin(), run.limits()))
                    : SandboxFusionWire.reply(sandbox.program(new ProgramRequest(run.language(), run.code(), List.of(run.stdin()), null,
                            OutputChecker.LCB, run.limits(), false, run.compileLimits()))));
        } catch (RewardService.Overloaded e) {
            metrics.rejected("queue_full");
            throw new BadRequest(429, e.getMessage(), null);
        }
    }

    private void authorize(HttpExchange ex) {
        if (tokenBytes == null) {
            return;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, tokenBytes)) {
            metrics.rejected("unauthorized");
            throw new BadRequest(401, h == null ? "this server needs 'Authorization: Bearer <token>'" : "the bearer token is wrong", null);
        }
    }

    private static void requireMethod(String method, String want) {
        if (!method.equals(want)) {
            throw new BadRequest(405, "use " + want + " here, not " + method, null);
        }
    }

    /** Reads the body as a JSON object, within the size limit and the shared byte budget. */
    private JsonNode body(HttpExchange ex) throws IOException {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (cl != null) {
            try {
                declared = Long.parseLong(cl.strip());
            } catch (NumberFormatException e) {
                throw new BadRequest("Content-Length is not a number", null);
            }
        }
        if (declared > config.maxBodyBytes()) {
            metrics.rejected("body_too_large");
            throw new BadRequest(413, "the body is " + declared + " bytes; the limit is " + config.maxBodyBytes() + " bytes", null);
        }
        int reserveKib = (int) (((declared >= 0 ? declared : config.maxBodyBytes()) >> 10) + 1);
        try {
            if (!bodyBudgetKib.tryAcquire(reserveKib, 1, TimeUnit.SECONDS)) {
                metrics.rejected("body_budget");
                throw new BadRequest(503, "too many large bodies are being read at once; retry shortly", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        byte[] raw;
        // Left open: an oversized body's rest is read and dropped before the answer (see discardRest).
        try {
            raw = ex.getRequestBody().readNBytes(config.maxBodyBytes() + 1);
            if (raw.length > config.maxBodyBytes()) {
                metrics.rejected("body_too_large");
                throw new BadRequest(413, "the body is over the limit of " + config.maxBodyBytes() + " bytes", null);
            }
        } finally {
            bodyBudgetKib.release(reserveKib);
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(raw);
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (n == null || !n.isObject()) {
            throw new BadRequest("the body must be a JSON object", null);
        }
        return n;
    }

    /**
     * Reads and drops what is left of the request body, up to four body limits; past that the
     * connection is dropped instead, so a refused request never costs more than that much reading.
     */
    private void discardRest(HttpExchange ex) {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        long cap = 4L * config.maxBodyBytes();
        try {
            if (cl != null && Long.parseLong(cl.strip()) > cap) {
                return;
            }
        } catch (NumberFormatException e) {
            return;
        }
        byte[] buf = new byte[64 << 10];
        try {
            InputStream in = ex.getRequestBody();
            long left = cap;
            int r;
            while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= r;
            }
        } catch (IOException ignored) {
            // The client stopped sending; the answer may still reach it.
        }
    }

    private static ObjectNode error(String message, String field, int status) {
        ObjectNode o = Json.mapper().createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("message", message);
        e.put("type", switch (status) {
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            case 429 -> "overloaded";
            case 503 -> "unavailable";
            default -> status >= 500 ? "server_error" : "invalid_request";
        });
        if (field != null) {
            e.put("field", field);
        }
        return o;
    }

    private int send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] b = Json.mapper().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        answered(ex, status);
        ex.getResponseBody().write(b);
        return status;
    }

    private void trySend(HttpExchange ex, int status, ObjectNode body) {
        try {
            send(ex, status, body);
        } catch (IOException | RuntimeException ignored) {
            // Headers already went out, or the client left.
        }
    }

    /** Stops accepting, answers new requests 503, waits for in-flight requests up to the drain time, then stops. */
    @Override
    public void close() {
        draining = true;
        http.stop(config.drainSeconds());
        service.close();
        executor.close();
    }
}
