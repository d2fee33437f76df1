package dev.arbiter.reward;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The reward server's counters, written in Prometheus' text format (version 0.0.4). A handful of
 * counters and one histogram do not need a metrics library; every metric is named
 * {@code arbiter_reward_*}.
 */
public final class RewardMetrics {
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> items = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> timeouts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final AtomicLong inflight = new AtomicLong();
    private final IntSupplier queueDepth;
    private final int queueCapacity;

    public RewardMetrics(IntSupplier queueDepth, int queueCapacity) {
        this.queueDepth = queueDepth;
        this.queueCapacity = queueCapacity;
    }

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }
    }

    void requestStarted() {
        inflight.incrementAndGet();
    }

    void requestDone(String endpoint, int status, long nanos) {
        inflight.decrementAndGet();
        requests.computeIfAbsent(label("endpoint", endpoint) + "," + label("code", Integer.toString(status)), k -> new LongAdder()).increment();
        latency.computeIfAbsent(label("endpoint", endpoint), k -> new Histogram()).observe(nanos / 1e9);
    }

    void item(RewardResult r) {
        items.computeIfAbsent(label("kind", r.kind().label()) + "," + label("verdict", r.verdict().label()), k -> new LongAdder())
                .increment();
        if (r.timedOut()) {
            timeouts.computeIfAbsent(label("kind", r.kind().label()), k -> new LongAdder()).increment();
        }
    }

    void rejected(String reason) {
        rejected.computeIfAbsent(label("reason", reason), k -> new LongAdder()).increment();
    }

    /** Total requests answered with {@code status}, over all endpoints (for tests and the bench). */
    public long requests(int status) {
        String code = label("code", Integer.toString(status));
        return requests.entrySet().stream().filter(e -> e.getKey().endsWith(code)).mapToLong(e -> e.getValue().sum()).sum();
    }

    public String render() {
        StringBuilder b = new StringBuilder(4096);
        counter(b, "arbiter_reward_requests_total", "HTTP requests answered, by endpoint and status code.", requests);
        b.append("# HELP arbiter_reward_request_duration_seconds Time from the request's arrival to its answer.\n");
        b.append("# TYPE arbiter_reward_request_duration_seconds histogram\n");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(latency).entrySet()) {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += e.getValue().counts[i].sum();
                b.append("arbiter_reward_request_duration_seconds_bucket{").append(e.getKey()).append(",le=\"").append(BUCKETS[i]).append("\"} ")
                        .append(cumulative).append('\n');
            }
            long n = e.getValue().count.sum();
            b.append("arbiter_reward_request_duration_seconds_bucket{").append(e.getKey()).append(",le=\"+Inf\"} ").append(n).append('\n');
            b.append("arbiter_reward_request_duration_seconds_sum{").append(e.getKey()).append("} ").append(e.getValue().sum.sum()).append('\n');
            b.append("arbiter_reward_request_duration_seconds_count{").append(e.getKey()).append("} ").append(n).append('\n');
        }
        counter(b, "arbiter_reward_items_total", "Items scored, by kind and verdict.", items);
        counter(b, "arbiter_reward_timeouts_total", "Items whose deadline or test time limit ran out, by kind.", timeouts);
        counter(b, "arbiter_reward_rejected_total", "Requests refused before scoring, by reason.", rejected);
        gauge(b, "arbiter_reward_queue_depth", "Items admitted and not yet answered.", queueDepth.getAsInt());
        gauge(b, "arbiter_reward_queue_capacity", "Items the queue admits at once.", queueCapacity);
        gauge(b, "arbiter_reward_inflight_requests", "Requests being handled now.", inflight.get());
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, Map<String, LongAdder> m) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(m).entrySet()) {
            b.append(name).append('{').append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
        }
    }

    private static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(' ').append(v).append('\n');
    }

    private static String label(String k, String v) {
        return k + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
