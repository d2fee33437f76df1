package dev.arbiter.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Clients on virtual threads sending units of work for a while, as the reward benches drive their servers. */
final class ClientLoad {
    private ClientLoad() {}

    /** What one unit of work came to: its items, the rewards of 1 among them, and how many it was built to have. */
    record Answer(int items, int correct, int expected) {}

    /** One client with its connections: sends a unit of work and answers what it came to, or null when it was not answered 200. */
    interface Client<T> extends AutoCloseable {
        Answer send(T work) throws Exception;

        @Override
        void close();
    }

    /**
     * Runs {@code conc} clients, each from {@code connect}, for {@code seconds}; together they send units 0, 1, 2, ... in
     * turn, each from {@code work} (null: none left, that client stops). Units in flight finish. Latency is per unit.
     */
    static <T> RewardThroughput.Result run(String kind, int conc, double seconds, IntFunction<T> work, Callable<Client<T>> connect) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<List<Double>> lat = new ArrayList<>();
        int[] items = new int[conc];
        int[] correct = new int[conc];
        int[] expected = new int[conc];
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < conc; t++) {
                List<Double> mine = new ArrayList<>();
                lat.add(mine);
                int tt = t;
                fs.add(ex.submit(() -> {
                    try (Client<T> client = connect.call()) {
                        do {
                            T unit = work.apply(next.getAndIncrement());
                            if (unit == null) {
                                break;
                            }
                            long st = System.nanoTime();
                            Answer a = client.send(unit);
                            mine.add((System.nanoTime() - st) / 1e6);
                            if (a == null) {
                                refused.incrementAndGet();
                                continue;
                            }
                            items[tt] += a.items();
                            correct[tt] += a.correct();
                            expected[tt] += a.expected();
                        } while (System.nanoTime() < end);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new RewardThroughput.Result(new Timings(kind, conc, Arrays.stream(items).sum(), secs, lat.stream().flatMap(List::stream).toList(),
                refused.get()), Arrays.stream(correct).sum(), Arrays.stream(expected).sum());
    }
}
