package dev.arbiter.perf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** One measured row: how many runs at what concurrency, in how long, each run's latency, and how many failed. */
public record Timings(String what, int concurrency, int runs, double seconds, List<Double> latenciesMs, int failures) {
    public Timings {
        latenciesMs = List.copyOf(latenciesMs);
    }

    public double perSecond() {
        return runs / seconds;
    }

    /** The p-th percentile latency in ms (nearest rank); NaN when nothing was timed. */
    public double percentile(double p) {
        if (latenciesMs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(latenciesMs);
        Collections.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }

    /** The same row counted in runs when each measured call made {@code k} runs: latency per run, amortized. */
    public Timings perRun(int k) {
        return new Timings(what, concurrency, runs * k, seconds, latenciesMs.stream().map(ms -> ms / k).toList(), failures);
    }

    /** Runs {@code op} {@code warmup} times untimed, then {@code runs} times timed, on {@code concurrency} threads; false counts as a failure. */
    public static Timings measure(String what, int concurrency, int runs, int warmup, Callable<Boolean> op) throws Exception {
        try (ExecutorService ex = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> w = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                w.add(ex.submit(op));
            }
            for (Future<?> f : w) {
                f.get();
            }
            List<Double> lat = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger failures = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                fs.add(ex.submit(() -> {
                    long s = System.nanoTime();
                    boolean ok = op.call();
                    lat.add((System.nanoTime() - s) / 1e6);
                    if (!ok) {
                        failures.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            return new Timings(what, concurrency, runs, (System.nanoTime() - t0) / 1e9, lat, failures.get());
        }
    }
}
