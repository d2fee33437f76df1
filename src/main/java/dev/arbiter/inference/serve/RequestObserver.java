package dev.arbiter.inference.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Around every request: counts it in the metrics and writes its access-log line. A reply's last bytes go
 * out only after {@link #replied}, so a client that has its reply (and scrapes {@code /metrics} next, or
 * reads the log) finds the request counted. A route that knows the tokens it used says so with {@link #usage}.
 */
final class RequestObserver extends Filter {

    /** The tokens a completion used, as its reply's {@code usage} counts them. */
    record Usage(int promptTokens, int completionTokens) {}

    private final ServeMetrics metrics;
    private final AccessLog log;
    // the JDK keeps an exchange's attributes on its context, shared by all requests, so each request's usage is kept here
    private final Map<HttpExchange, Usage> usages = new ConcurrentHashMap<>();
    private final Map<HttpExchange, Long> started = new ConcurrentHashMap<>();

    RequestObserver(ServeMetrics metrics, AccessLog log) {
        this.metrics = metrics;
        this.log = log;
    }

    /** Records the tokens of a reply that has OpenAI's {@code usage} object. */
    void usage(HttpExchange ex, JsonNode reply) {
        JsonNode u = reply.path("usage");
        if (u.path("prompt_tokens").isInt() && u.path("completion_tokens").isInt()) {
            usages.put(ex, new Usage(u.path("prompt_tokens").asInt(), u.path("completion_tokens").asInt()));
        }
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        started.put(ex, System.nanoTime());
        try {
            chain.doFilter(ex);
        } finally {
            replied(ex, ex.getResponseCode()); // a reply that did not say so itself (or none at all)
        }
    }

    /** Counts and logs the request once, just before the last bytes of its reply are written. */
    void replied(HttpExchange ex, int status) {
        Long start = started.remove(ex);
        if (start == null) {
            return;
        }
        long nanos = System.nanoTime() - start;
        String path = ex.getRequestURI().getPath().replaceAll("/+$", "");
        metrics.request(Routes.of(path), ex.getRequestMethod(), status, nanos / 1e9);
        InetSocketAddress from = ex.getRemoteAddress();
        String client = from == null ? "-" : from.getAddress() == null ? from.getHostString() + ":" + from.getPort()
                : from.getAddress().getHostAddress() + ":" + from.getPort();
        log.log(Instant.now(), client, ex.getRequestMethod(), ex.getRequestURI().getRawPath(), status, nanos / 1_000_000, usages.remove(ex));
    }

    @Override
    public String description() {
        return "metrics and the access log";
    }
}
