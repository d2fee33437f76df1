package dev.arbiter.inference.serve;

import dev.arbiter.inference.engine.LocalEngine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * `arbiter serve`'s Prometheus metrics, in its own registry. What vLLM also measures carries vLLM's name and
 * its {@code model_name} label, so dashboards made for vLLM read it:
 * {@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}, {@code vllm:prompt_tokens_total},
 * {@code vllm:generation_tokens_total} and {@code vllm:e2e_request_latency_seconds}. What vLLM has no metric
 * for is ours: {@code arbiter_http_requests_total} and {@code arbiter_http_request_duration_seconds} by route,
 * and {@code arbiter_engine_step_seconds} by phase (prefill or decode).
 */
public final class ServeMetrics {
    private static final double[] LATENCY_BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560};
    private static final double[] STEP_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String model;
    private final Counter requests;
    private final Histogram duration;
    private final Histogram e2e;
    private final Histogram steps;

    public ServeMetrics(LocalEngine engine) {
        this.model = engine.name();
        GaugeWithCallback.builder().name("vllm:num_requests_running").help("Sequences in the engine's running batch.").labelNames("model_name")
                .callback(cb -> cb.call(engine.running(), model)).register(registry);
        GaugeWithCallback.builder().name("vllm:num_requests_waiting").help("Sequences waiting for their prefill.").labelNames("model_name")
                .callback(cb -> cb.call(engine.waiting(), model)).register(registry);
        CounterWithCallback.builder().name("vllm:prompt_tokens").help("Prompt tokens prefilled (once per sequence, so n times for n choices).")
                .labelNames("model_name").callback(cb -> cb.call(engine.stats().promptTokens(), model)).register(registry);
        CounterWithCallback.builder().name("vllm:generation_tokens").help("Tokens generated.").labelNames("model_name")
                .callback(cb -> cb.call(engine.stats().generatedTokens(), model)).register(registry);
        e2e = Histogram.builder().name("vllm:e2e_request_latency_seconds").help("Completion requests answered 200: seconds from arrival to reply.")
                .labelNames("model_name").classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        requests = Counter.builder().name("arbiter_http_requests").help("HTTP requests by route, method and status.")
                .labelNames("route", "method", "status").register(registry);
        duration = Histogram.builder().name("arbiter_http_request_duration_seconds").help("HTTP requests: seconds from arrival to reply, by route.")
                .labelNames("route").classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        steps = Histogram.builder().name("arbiter_engine_step_seconds").help("Engine steps: seconds per prefill or decode step of the batch.")
                .labelNames("phase").classicOnly().classicUpperBounds(STEP_BOUNDS).register(registry);
        engine.onStep((prefill, rows, nanos) -> steps.labelValues(prefill ? "prefill" : "decode").observe(nanos / 1e9));
    }

    /** Counts one answered request. */
    void request(String route, String method, int status, double seconds) {
        String m = java.util.Set.of("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH").contains(method) ? method : "other";
        requests.labelValues(route, m, status < 0 ? "none" : Integer.toString(status)).inc();
        duration.labelValues(route).observe(seconds);
        if (status == 200 && Routes.completes(route)) {
            e2e.labelValues(model).observe(seconds);
        }
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
