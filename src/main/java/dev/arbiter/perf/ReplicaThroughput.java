package dev.arbiter.perf;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.json.Json;
import dev.arbiter.reward.RewardServerException;
import dev.arbiter.reward.RewardServerProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Reward-server replicas as OpenRLHF drives them with several reward URLs: each trainer batch is cut into one
 * even, contiguous slice per server, the slices go to {@code /get_reward} at once, and the batch is done when
 * the slowest slice is. Which server takes the first slice turns from batch to batch, so that batches smaller
 * than the replica count spread too. Every row runs against the first server alone and then against all of
 * them, side by side: cold, on (response, ground truth) pairs no server has seen, then warm, the same requests
 * again. Math items only: the replicas need no sandbox.
 */
public final class ReplicaThroughput {
    /** How the rows are run; {@code token} null: the servers need none. */
    public record Settings(List<Integer> concurrency, List<Integer> batches, double seconds, double warmupSeconds, String token) {}

    /** One server: where to connect and the path of its {@code /get_reward}. */
    record Server(String host, int port, String path) {
        /** {@code http://HOST:PORT}, with or without a path ending in {@code /get_reward}. */
        static Server of(URI url) {
            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("--servers takes http://HOST:PORT URLs, got " + url);
            }
            String path = url.getPath() == null || url.getPath().isEmpty() || url.getPath().equals("/") ? "" : url.getPath().replaceAll("/+$", "");
            return new Server(url.getHost(), url.getPort() < 0 ? 80 : url.getPort(), path.endsWith("/get_reward") ? path : path + "/get_reward");
        }

        @Override
        public String toString() {
            return "http://" + host + ":" + port + path;
        }
    }

    /** One trainer batch: each server's slice body by server index (null: no slice), its items and how many should come out right. */
    record Shot(byte[][] slices, int items, int expectedCorrect) {}

    private final Settings s;

    public ReplicaThroughput(Settings settings) {
        this.s = settings;
    }

    /** Refuses a URL the bench cannot drive: it speaks plain HTTP to HOST:PORT. */
    public static void requireHttp(List<URI> urls) {
        urls.forEach(Server::of);
    }

    /** Starts {@code count} reward-server processes here with {@code launcher} (a JVM and Arbiter's main class), measures them, stops them. */
    public void runSpawned(Benchmarks data, int count, List<String> launcher, PrintWriter out) throws Exception {
        List<RewardServerProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(RewardServerProcess.start(launcher, List.of("--sandbox", "off", "--drain-s", "5"), Map.of(), Duration.ofMinutes(2)));
            }
            run(data, started.stream().map(RewardServerProcess::uri).toList(), count + " reward-server processes started here", out);
        } finally {
            for (RewardServerProcess p : started) {
                p.stop(Duration.ofSeconds(10));
            }
        }
    }

    /** Measures the servers at {@code urls}, the first alone and then all of them; {@code what} says what they are. */
    public void run(Benchmarks data, List<URI> urls, String what, PrintWriter out) throws Exception {
        List<Server> servers = urls.stream().map(Server::of).toList();
        List<String[]> math = RewardThroughput.mathRows(data, out);
        long pairs = (long) math.size() * math.size();
        // The last fifth of the pairs warms the servers up; the rows take the rest, from a random place, so that servers
        // that outlive the bench meet new pairs on the next run too.
        long rowPairs = pairs - pairs / 5;
        AtomicLong cursor = new AtomicLong(ThreadLocalRandom.current().nextLong(rowPairs));
        out.printf("arbiter bench reward: %d cores; %s: %s; POST /get_reward, each batch cut across the servers as OpenRLHF does;"
                + " %.0f s per row (cold, then warm)%n", Runtime.getRuntime().availableProcessors(), what,
                String.join(", ", servers.stream().map(Server::toString).toList()), s.seconds());
        out.flush();
        AtomicLong warmCursor = new AtomicLong(rowPairs);
        IntFunction<Shot> warmUp = p -> shot(math, servers.size(), p, warmCursor.getAndIncrement() % pairs, 1);
        // The warm-up stops at the first refusal (a token missing or wrong, a server of another kind), with the server's words.
        row(servers, 16, s.warmupSeconds(), warmUp, true);
        // Each server's Symja children started on items of their own before any row, one request at a time each.
        AtomicInteger primed = new AtomicInteger();
        row(servers, 16, 3600, p -> primed.getAndIncrement() < RewardThroughput.PRIMER * servers.size() ? warmUp.apply(p) : null, true);
        out.printf("%7s %5s %4s | %8s %7s %7s | %8s %7s %7s | %6s %6s | %7s %6s %9s %9s%n", "SERVERS", "BATCH", "CONC", "COLD/S", "C P50",
                "C P99", "WARM/S", "W P50", "W P99", "C GAIN", "W GAIN", "REWARDS", "NON200", "C CORRECT", "W CORRECT");
        for (int b : s.batches()) {
            for (int c : s.concurrency()) {
                RewardThroughput.Result[] alone = null;
                for (List<Server> set : servers.size() == 1 ? List.of(servers) : List.of(servers.subList(0, 1), servers)) {
                    Shot[] sent = new Shot[1 << 20];
                    IntFunction<Shot> fresh = p -> p < sent.length ? sent[p] = shot(math, set.size(), p, cursor.getAndAdd(b) % rowPairs, b) : null;
                    RewardThroughput.Result cold = row(set, c, s.seconds(), fresh, false);
                    RewardThroughput.Result warm = row(set, c, s.seconds(), p -> sent[p % cold.payloads()], false);
                    if (alone == null) {
                        alone = new RewardThroughput.Result[] {cold, warm};
                    }
                    print(out, set.size(), b, c, cold, warm, alone);
                }
            }
        }
        out.println("Latency (ms) is per trainer batch, until its slowest slice is answered; items/s counts the batches' items."
                + " GAIN: items/s over the first server alone in the same row. COLD: pairs no server has seen; WARM: the same requests again.");
        out.println("CORRECT: rewards of 1 over the row's items, beside the count the inputs were built to give.");
    }

    /**
     * Distinct math items, one in n right, spread evenly: item k is solution i = k mod n against the answer of problem
     * i + o, o = (k / n + i) mod n, so that in each run of n items exactly one has o = 0, and no pair repeats within n squared.
     */
    static RewardThroughput.Item item(List<String[]> rows, long k) {
        int n = rows.size();
        long i = k % n;
        long o = ((k / n) % n + i) % n;
        return RewardThroughput.coldItem(rows, i + o * n);
    }

    /** Trainer batch {@code p}: {@code size} items from pair {@code first} on, cut into one slice per server, the first slice to server p mod n. */
    static Shot shot(List<String[]> math, int servers, int p, long first, int size) {
        long pairs = (long) math.size() * math.size();
        byte[][] slices = new byte[servers][];
        int slice = (size + servers - 1) / servers;
        int expected = 0;
        for (int j = 0; j * slice < size; j++) {
            List<RewardThroughput.Item> items = new ArrayList<>();
            for (int i = j * slice; i < Math.min(size, (j + 1) * slice); i++) {
                items.add(item(math, (first + i) % pairs));
            }
            RewardThroughput.Payload payload = RewardThroughput.payload(items, true, first + (long) j * slice);
            slices[(p + j) % servers] = payload.body();
            expected += payload.expectedCorrect();
        }
        return new Shot(slices, size, expected);
    }

    /**
     * Runs {@code conc} trainers for {@code seconds}, each with a kept-alive connection to every server (see {@link ClientLoad}).
     * A batch with a slice not answered 200 is counted, or, when {@code strict}, stops the bench with the server's answer.
     */
    private RewardThroughput.Result row(List<Server> servers, int conc, double seconds, IntFunction<Shot> shots, boolean strict)
            throws Exception {
        return ClientLoad.run("replicas", conc, seconds, shots, () -> new Trainer(servers, s.token(), strict));
    }

    /** One trainer: posts each batch's slices at once, one connection per server, and waits for all of them. */
    private static final class Trainer implements ClientLoad.Client<Shot> {
        private final List<Server> servers;
        private final List<LoopbackHttp> http;
        private final boolean strict;
        private final ExecutorService slices = Executors.newVirtualThreadPerTaskExecutor();

        Trainer(List<Server> servers, String token, boolean strict) {
            this.servers = servers;
            this.http = servers.stream().map(sv -> new LoopbackHttp(sv.host(), sv.port(), token)).toList();
            this.strict = strict;
        }

        @Override
        public ClientLoad.Answer send(Shot shot) throws InterruptedException {
            List<Future<LoopbackHttp.Response>> replies = new ArrayList<>();
            List<Server> to = new ArrayList<>();
            for (int k = 0; k < servers.size(); k++) {
                byte[] body = shot.slices()[k];
                if (body != null) {
                    LoopbackHttp h = http.get(k);
                    String path = servers.get(k).path();
                    replies.add(slices.submit(() -> h.post(path, body)));
                    to.add(servers.get(k));
                }
            }
            int ok = 0;
            boolean all200 = true;
            for (int k = 0; k < replies.size(); k++) {
                LoopbackHttp.Response r;
                try {
                    r = replies.get(k).get();
                } catch (ExecutionException e) {
                    throw new RewardServerException("the reward server at " + to.get(k) + " stopped answering: " + e.getCause());
                }
                if (r.status() != 200) {
                    if (strict) {
                        String said = r.text().strip();
                        throw new RewardServerException("the reward server at " + to.get(k) + " answered " + r.status() + ": "
                                + (said.length() > 300 ? said.substring(0, 300) + "…" : said));
                    }
                    all200 = false;
                    continue;
                }
                try {
                    ok += RewardThroughput.countCorrect(Json.mapper().readTree(r.body()), "/get_reward");
                } catch (IOException e) {
                    throw new RewardServerException("the reward server at " + to.get(k) + " answered 200 with no JSON: " + e.getMessage());
                }
            }
            return all200 ? new ClientLoad.Answer(shot.items(), ok, shot.expectedCorrect()) : null;
        }

        @Override
        public void close() {
            slices.close();
            http.forEach(LoopbackHttp::close);
        }
    }

    private static void print(PrintWriter out, int servers, int batch, int conc, RewardThroughput.Result cold, RewardThroughput.Result warm,
            RewardThroughput.Result[] alone) {
        Timings c = cold.timings();
        Timings w = warm.timings();
        out.printf("%7d %5d %4d | %8.1f %7.1f %7.1f | %8.1f %7.1f %7.1f | %6.2f %6.2f | %7d %6d %9s %9s%n", servers, batch, conc, c.perSecond(),
                c.percentile(50), c.percentile(99), w.perSecond(), w.percentile(50), w.percentile(99),
                c.perSecond() / alone[0].timings().perSecond(), w.perSecond() / alone[1].timings().perSecond(), c.runs() + w.runs(),
                c.failures() + w.failures(), cold.correct() + "/" + cold.expectedCorrect(), warm.correct() + "/" + warm.expectedCorrect());
        out.flush();
    }
}
