package dev.arbiter.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.json.Json;
import dev.arbiter.reward.RewardScorer;
import dev.arbiter.reward.RewardServer;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.sandbox.SandboxException;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The reward server over loopback, as a trainer drives it, with our own kept-alive HTTP/1.1 clients on virtual
 * threads. Each math row runs twice on a server with a new verifier, whose Symja children are first started on
 * other items: cold, every item a (response, ground truth) pair the server has not seen, as in RL rollouts;
 * then warm, the same requests again, so that Symja's answer cache serves what it asked before. Code items
 * have no answer cache and run once.
 */
public final class RewardThroughput {
    /** How the rows are run; {@code containers} null: the sandbox's default. */
    public record Settings(List<String> kinds, List<Integer> concurrency, List<Integer> batches, double seconds, double warmupSeconds,
            Integer containers) {}

    /** One math item: a response, the ground truth it is scored against, and whether it was built right. */
    public record Item(String response, String groundTruth, boolean right) {}

    /** A request body and how many of its items should come out correct. */
    record Payload(byte[] body, int items, int expectedCorrect) {}

    /** A measured row: {@code timings.runs()} counts items, its latencies are per request, one per payload sent. */
    record Result(Timings timings, int correct, int expectedCorrect) {
        int payloads() {
            return timings.latenciesMs().size();
        }
    }

    /** Items that start a new server's Symja children before its cold row. */
    static final int PRIMER = 300;

    private final Settings s;

    public RewardThroughput(Settings settings) {
        this.s = settings;
    }

    /**
     * Distinct math items: item k is solution i = k mod n against the answer of problem i + k / n, so that
     * the first n are right and none of the first n squared repeats a pair.
     */
    public static Item coldItem(List<String[]> rows, long k) {
        int n = rows.size();
        int i = (int) (k % n);
        int j = (int) ((i + k / n) % n);
        return new Item(rows.get(i)[0], rows.get(j)[1], i == j);
    }

    /** The warm-up's items: solution k / 2 against its own answer when k is even, the next problem's when odd. */
    static Item cycledItem(List<String[]> rows, long k) {
        int n = rows.size();
        int row = (int) ((k / 2) % n);
        return new Item(rows.get(row)[0], rows.get((int) (k % 2 == 0 ? row : (row + 1) % n))[1], k % 2 == 0);
    }

    public void run(Benchmarks data, PrintWriter out) throws Exception {
        List<String[]> math = s.kinds().contains("math") ? mathRows(data, out) : List.of();
        Sandbox sandbox = null;
        String sandboxNote = "not needed";
        if (s.kinds().contains("code")) {
            try {
                SandboxConfig sc = s.containers() == null ? SandboxConfig.defaults() : SandboxConfig.defaults().withContainers(s.containers());
                sandbox = Sandbox.start(sc);
                sandboxNote = sc.containers() + " containers";
            } catch (SandboxException e) {
                sandboxNote = "unavailable (" + e.getMessage() + "); code rows skipped";
            }
        }
        try {
            out.printf("arbiter bench reward: %d cores, sandbox %s, %.0f s per row (cold, then warm)%n", Runtime.getRuntime().availableProcessors(),
                    sandboxNote, s.seconds());
            out.flush();
            // This JVM's own code compiled first, on a server of its own, so that the first cold row is not also the JIT's first sight of it.
            if (!math.isEmpty()) {
                try (Server w = new Server(null, 16)) {
                    row(w.port(), "/v1/score", "warm-up", 16, s.warmupSeconds(), p -> payload(List.of(cycledItem(math, p)), false, p));
                }
            }
            out.printf("%-4s %-11s %5s %4s | %8s %7s %7s | %8s %7s %7s | %7s %6s %9s %9s%n", "KIND", "ENDPOINT", "BATCH", "CONC", "COLD/S",
                    "C P50", "C P99", "WARM/S", "W P50", "W P99", "REWARDS", "NON200", "C CORRECT", "W CORRECT");
            if (!math.isEmpty()) {
                for (int b : s.batches()) {
                    for (int c : s.concurrency()) {
                        mathRow(out, math, "/v1/score", b, c);
                    }
                }
                if (s.batches().contains(1)) {
                    mathRow(out, math, "/get_reward", 1, s.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1));
                }
            }
            if (sandbox != null) {
                try (Server server = new Server(sandbox, 1)) {
                    row(server.port(), "/v1/score", "warm-up", 16, Math.min(s.warmupSeconds(), 2), cycle(codePayloads(1)));
                    for (int b : s.batches()) {
                        for (int c : s.concurrency()) {
                            print(out, "code", "/v1/score", b, c, null, row(server.port(), "/v1/score", "code", c, s.seconds(), cycle(codePayloads(b))));
                        }
                    }
                }
            }
            out.println("COLD: a new verifier behind a new server (its Symja children started on other items), every item a pair it has"
                    + " not seen; WARM: the same requests again."
                    + " REWARDS/S counts items scored per second; latency (ms) is per request, a batch's covering all its items.");
            out.println("CORRECT: rewards of 1 over the row's items, beside the count the inputs were built to give (cold items are mostly"
                    + " other problems' answers). Code items have no answer cache: one run, in the warm columns.");
        } finally {
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    private void mathRow(PrintWriter out, List<String[]> math, String path, int batch, int conc) throws Exception {
        boolean openRlhf = path.equals("/get_reward");
        Payload[] sent = new Payload[1 << 20];
        // the primer takes items from the far end, the cold row from the start: no pair in both
        long distinct = (long) math.size() * math.size() - PRIMER;
        IntFunction<Payload> fresh = p -> p < sent.length && (p + 1L) * batch <= distinct
                ? sent[p] = payload(itemsFrom(math, (long) p * batch, batch), openRlhf, (long) p * batch) : null;
        try (Server server = new Server(null, conc)) {
            row(server.port(), path, "prime", conc, Math.max(1, 2 * s.seconds()),
                    p -> p < PRIMER ? payload(itemsFrom(math, distinct + p, 1), openRlhf, distinct + p) : null);
            Result cold = row(server.port(), path, "math", conc, s.seconds(), fresh);
            Result warm = row(server.port(), path, "math", conc, s.seconds(), p -> sent[p % cold.payloads()]);
            print(out, "math", path, batch, conc, cold, warm);
        }
    }

    private static List<Item> itemsFrom(List<String[]> rows, long first, int count) {
        List<Item> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(coldItem(rows, first + i));
        }
        return items;
    }

    private static IntFunction<Payload> cycle(List<Payload> payloads) {
        return p -> payloads.get(p % payloads.size());
    }

    /** A reward server on a free loopback port with a new verifier of its own, starting a Symja child per client (at most one per core). */
    private static final class Server implements AutoCloseable {
        final MathVerifier verifier = new MathVerifier();
        final RewardServer server;

        Server(Sandbox sandbox, int clients) throws IOException {
            verifier.warmUp(clients);
            server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, sandbox, null), sandbox, null);
        }

        int port() {
            return server.uri().getPort();
        }

        @Override
        public void close() {
            server.close();
            verifier.close();
        }
    }

    private static void print(PrintWriter out, String kind, String endpoint, int batch, int conc, Result cold, Result warm) {
        Timings w = warm.timings();
        String c = cold == null ? String.format("%8s %7s %7s", "-", "-", "-")
                : String.format("%8.1f %7.1f %7.1f", cold.timings().perSecond(), cold.timings().percentile(50), cold.timings().percentile(99));
        out.printf("%-4s %-11s %5d %4d | %s | %8.1f %7.1f %7.1f | %7d %6d %9s %9s%n", kind, endpoint, batch, conc, c, w.perSecond(),
                w.percentile(50), w.percentile(99), w.runs() + (cold == null ? 0 : cold.timings().runs()),
                w.failures() + (cold == null ? 0 : cold.timings().failures()),
                cold == null ? "-" : cold.correct() + "/" + cold.expectedCorrect(), warm.correct() + "/" + warm.expectedCorrect());
        out.flush();
    }

    /** Runs {@code conc} clients on {@code path} for {@code seconds}, each request's payload from {@code payloads} (see {@link ClientLoad}). */
    private static Result row(int port, String path, String kind, int conc, double seconds, IntFunction<Payload> payloads) throws Exception {
        return ClientLoad.run(kind, conc, seconds, payloads, () -> new ClientLoad.Client<Payload>() {
            final LoopbackHttp http = new LoopbackHttp("127.0.0.1", port);

            @Override
            public ClientLoad.Answer send(Payload p) throws IOException {
                LoopbackHttp.Response r = http.post(path, p.body());
                return r.status() != 200 ? null
                        : new ClientLoad.Answer(p.items(), countCorrect(Json.mapper().readTree(r.body()), path), p.expectedCorrect());
            }

            @Override
            public void close() {
                http.close();
            }
        });
    }

    static int countCorrect(JsonNode reply, String path) {
        int n = 0;
        if (path.equals("/get_reward")) {
            for (JsonNode x : reply.path("scores")) {
                n += x.asDouble() == 1.0 ? 1 : 0;
            }
        } else {
            for (JsonNode r : reply.path("results")) {
                n += r.path("acc").asBoolean() ? 1 : 0;
            }
        }
        return n;
    }

    /** MATH-500's {solution, answer} rows, or a small arithmetic set when no data is at hand. */
    static List<String[]> mathRows(Benchmarks data, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        try {
            for (Problem p : data.load("math500", Selection.DEFAULT).problems()) {
                if (p.gold() instanceof MathAnswer a && a.solution() != null && !a.solution().isBlank()) {
                    rows.add(new String[] {a.solution(), a.answer()});
                }
            }
        } catch (RuntimeException e) {
            out.println("MATH-500 not at hand (" + e.getMessage() + "); using generated arithmetic items");
        }
        if (rows.isEmpty()) {
            for (int i = 1; i <= 500; i++) {
                rows.add(new String[] {"We add " + i + " and " + (2 * i) + " to get $\\boxed{" + (3 * i) + "}$.", Integer.toString(3 * i)});
            }
        }
        return rows;
    }

    /** One request of the given items, in /v1/score's shape or OpenRLHF's; ids count from {@code firstId}. */
    static Payload payload(List<Item> items, boolean openRlhf, long firstId) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode list = openRlhf ? null : body.putArray("items");
        ArrayNode query = openRlhf ? body.putArray("query") : null;
        ArrayNode prompts = openRlhf ? body.putArray("prompts") : null;
        ArrayNode labels = openRlhf ? body.putArray("labels") : null;
        int expected = 0;
        long k = firstId;
        for (Item it : items) {
            expected += it.right() ? 1 : 0;
            if (openRlhf) {
                String prompt = "<|im_start|>user\nProblem " + k + "<|im_end|>\n<|im_start|>assistant\n";
                query.add(prompt + it.response() + "<|im_end|>");
                prompts.add(prompt);
                labels.add(it.groundTruth());
            } else {
                list.addObject().put("id", "m" + k).put("kind", "math").put("response", it.response()).put("ground_truth", it.groundTruth());
            }
            k++;
        }
        return new Payload(Json.line(body).getBytes(StandardCharsets.UTF_8), items.size(), expected);
    }

    /** Short stdin programs with three tests each: {right code, wrong code, inputs, outputs}. */
    private static final String[][] PROGRAMS = {
        {"a, b = map(int, input().split())\nprint(a + b)", "a, b = map(int, input().split())\nprint(a - b)",
            "1 2\n|40 2\n|-5 5\n", "3\n|42\n|0\n"},
        {"s = input().strip()\nprint(s[::-1])", "s = input().strip()\nprint(s)", "abc\n|racecar\n|ab\n", "cba\n|racecar\n|ba\n"},
        {"n = int(input())\nprint(sum(range(1, n + 1)))", "n = int(input())\nprint(sum(range(n)))", "1\n|10\n|100\n", "1\n|55\n|5050\n"},
        {"xs = list(map(int, input().split()))\nprint(max(xs))", "xs = list(map(int, input().split()))\nprint(xs[0])",
            "3 9 2\n|7\n|-1 -3\n", "9\n|7\n|-1\n"}};

    private static List<Payload> codePayloads(int batch) {
        List<Payload> out = new ArrayList<>();
        int count = Math.max(1, Math.min(16, 2 * PROGRAMS.length * 4 / batch));
        int k = 0;
        for (int p = 0; p < count; p++) {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode items = body.putArray("items");
            int expected = 0;
            for (int i = 0; i < batch; i++, k++) {
                String[] prog = PROGRAMS[(k / 2) % PROGRAMS.length];
                boolean right = k % 2 == 0;
                expected += right ? 1 : 0;
                ObjectNode item = items.addObject().put("id", "c" + k).put("kind", "code")
                        .put("response", "Here is the program.\n```python\n" + (right ? prog[0] : prog[1]) + "\n```\n");
                ObjectNode tests = item.putObject("tests");
                ArrayNode in = tests.putArray("inputs");
                ArrayNode want = tests.putArray("outputs");
                Arrays.stream(prog[2].split("\\|")).forEach(in::add);
                Arrays.stream(prog[3].split("\\|")).forEach(want::add);
            }
            out.add(new Payload(Json.line(body).getBytes(StandardCharsets.UTF_8), batch, expected));
        }
        return out;
    }
}
