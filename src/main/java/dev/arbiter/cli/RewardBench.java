package dev.arbiter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reward", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the reward server over loopback, as a trainer drives it.",
            "Math and code items, single-item and batched requests, at several concurrencies. The server is the one `arbiter reward-server` runs, started in this process on a free port;",
            "the clients are kept-alive HTTP/1.1 connections on virtual threads, sharing this machine's cores with the server.",
            "Prints rewards per second, p50 and p99 request latency, non-200 answers, and how many rewards came out 1.",
            "",
            "Math items are MATH-500 reference solutions against their own answer (half) and the next problem's (half).",
            "Code items are short Python programs with three tests each, right (half) and wrong (half), graded by LCB's rules.",
            "A row waits for its requests in flight: 64 clients with 256 code items each are 16,384 sandbox runs, minutes on a small machine."},
        footer = {"", "Example:", "  ARBITER_DATA=../shared/datasets arbiter bench reward",
            "  arbiter bench reward --kinds math --concurrency 64 --batches 1 --seconds 10"})
final class RewardBench implements Callable<Integer> {
    @Option(names = "--kinds", split = ",", defaultValue = "math,code", paramLabel = "K", description = "math, code or both (default: ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,16,64", paramLabel = "C", description = "Client connections per row (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--batches", split = ",", defaultValue = "1,256", paramLabel = "B", description = "Items per request (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "Each row keeps sending for this long; requests in flight then finish (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S",
            description = "Warm-up before the first row: this long for math, up to 2 s for code (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--containers", paramLabel = "N", description = "Sandbox containers for the code rows (default: one per core but one).")
    Integer containers;

    @CommandLine.Mixin
    dev.arbiter.cli.options.DataOptions data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A request body and how many of its items should come out correct. */
    record Payload(byte[] body, int items, int expectedCorrect) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String k : kinds) {
            if (!k.equals("math") && !k.equals("code")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--kinds takes math and code, got " + k);
            }
        }
        if (concurrency.stream().anyMatch(c -> c < 1 || c > 1024) || batches.stream().anyMatch(b -> b < 1 || b > 4096) || seconds <= 0
                || (containers != null && (containers < 1 || containers > 256))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "concurrency must be 1..1024, batches 1..4096, containers 1..256 and seconds positive");
        }
        List<String[]> math = kinds.contains("math") ? mathItems(out) : List.of();
        Sandbox sandbox = null;
        String sandboxNote = "not needed";
        if (kinds.contains("code")) {
            try {
                SandboxConfig sc = containers == null ? SandboxConfig.defaults() : SandboxConfig.defaults().withContainers(containers);
                sandbox = Sandbox.start(sc);
                sandboxNote = sc.containers() + " containers";
            } catch (SandboxException e) {
                sandboxNote = "unavailable (" + e.getMessage() + "); code rows skipped";
            }
        }
        MathVerifier verifier = new MathVerifier();
        if (!math.isEmpty()) {
            verifier.warmUp();
        }
        RewardServer server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, sandbox, null), sandbox, null);
        try {
            int port = server.uri().getPort();
            out.printf("arbiter bench reward: %d cores, server %s, sandbox %s, %.0f s per row%n", Runtime.getRuntime().availableProcessors(),
                    server.uri(), sandboxNote, seconds);
            out.flush();
            if (!math.isEmpty()) {
                row(port, "/v1/score", "warm-up", 16, warmupSeconds, mathPayloads(math, 1, false));
            }
            if (sandbox != null) {
                row(port, "/v1/score", "warm-up", 16, Math.min(warmupSeconds, 2), codePayloads(1));
            }
            out.printf("%-6s %-12s %5s %5s %8s %9s %10s %9s %9s %6s %9s%n", "KIND", "ENDPOINT", "BATCH", "CONC", "REQS", "REWARDS", "REWARDS/S",
                    "P50 MS", "P99 MS", "NON200", "CORRECT");
            for (String kind : kinds) {
                if (kind.equals("code") && sandbox == null) {
                    continue;
                }
                for (int b : batches) {
                    for (int c : concurrency) {
                        List<Payload> payloads = kind.equals("math") ? mathPayloads(math, b, false) : codePayloads(b);
                        print(out, kind, "/v1/score", b, c, row(port, "/v1/score", kind, c, seconds, payloads));
                    }
                }
                if (kind.equals("math") && batches.contains(1)) {
                    int c = concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
                    print(out, kind, "/get_reward", 1, c, row(port, "/get_reward", kind, c, seconds, mathPayloads(math, 1, true)));
                }
            }
            out.println("REWARDS/S counts items scored per second; latency is per request (a batch's latency covers all its items).");
            out.println("CORRECT: rewards of 1 over the rows' items, beside the count the inputs were built to give.");
        } finally {
            server.close();
            verifier.close();
            if (sandbox != null) {
                sandbox.close();
            }
        }
        return 0;
    }

    /** A measured row: {@code row.runs()} counts items, its latencies are per request. */
    record Result(BenchCommand.Row row, int requests, int correct, int expectedCorrect) {}

    private static void print(PrintWriter out, String kind, String endpoint, int batch, int conc, Result r) {
        BenchCommand.Row row = r.row();
        out.printf("%-6s %-12s %5d %5d %8d %9d %10.1f %9.1f %9.1f %6d %4d/%-4d%n", kind, endpoint, batch, conc, r.requests(), row.runs(),
                row.perSecond(), row.percentile(50), row.percentile(99), row.failures(), r.correct(), r.expectedCorrect());
        out.flush();
    }

    /** Runs {@code conc} clients for {@code seconds}, each cycling through the payloads from its own offset. */
    private static Result row(int port, String path, String kind, int conc, double seconds, List<Payload> payloads) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger non200 = new AtomicInteger();
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
                    try (dev.arbiter.reward.LoopbackHttp http = new dev.arbiter.reward.LoopbackHttp("127.0.0.1", port)) {
                        int i = tt * 7919;
                        do {
                            Payload p = payloads.get(Math.floorMod(i++, payloads.size()));
                            long s = System.nanoTime();
                            dev.arbiter.reward.LoopbackHttp.Response r = http.post(path, p.body());
                            mine.add((System.nanoTime() - s) / 1e6);
                            if (r.status() != 200) {
                                non200.incrementAndGet();
                                continue;
                            }
                            items[tt] += p.items();
                            expected[tt] += p.expectedCorrect();
                            correct[tt] += countCorrect(Json.mapper().readTree(r.body()), path);
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
        List<Double> all = lat.stream().flatMap(List::stream).toList();
        return new Result(new BenchCommand.Row(kind, conc, Arrays.stream(items).sum(), secs, all, non200.get()), all.size(),
                Arrays.stream(correct).sum(), Arrays.stream(expected).sum());
    }

    private static int countCorrect(JsonNode reply, String path) {
        int n = 0;
        if (path.equals("/get_reward")) {
            for (JsonNode s : reply.path("scores")) {
                n += s.asDouble() == 1.0 ? 1 : 0;
            }
        } else {
            for (JsonNode r : reply.path("results")) {
                n += r.path("acc").asBoolean() ? 1 : 0;
            }
        }
        return n;
    }

    /** MATH-500's solutions and answers, or a small arithmetic set when no data is at hand. */
    private List<String[]> mathItems(PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        try {
            for (Problem p : data.open().load("math500", Selection.DEFAULT).problems()) {
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

    /** Payloads of {@code batch} items each; item k is right when k is even (its own answer) and wrong when odd (the next one's). */
    private static List<Payload> mathPayloads(List<String[]> rows, int batch, boolean openRlhf) {
        List<Payload> out = new ArrayList<>();
        int n = rows.size();
        int count = Math.max(1, Math.min(1024, (2 * n + batch - 1) / batch));
        int k = 0;
        for (int p = 0; p < count; p++) {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode items = openRlhf ? null : body.putArray("items");
            ArrayNode query = openRlhf ? body.putArray("query") : null;
            ArrayNode prompts = openRlhf ? body.putArray("prompts") : null;
            ArrayNode labels = openRlhf ? body.putArray("labels") : null;
            int expected = 0;
            for (int i = 0; i < batch; i++, k++) {
                int row = (k / 2) % n;
                boolean right = k % 2 == 0;
                String response = rows.get(row)[0];
                String gt = rows.get(right ? row : (row + 1) % n)[1];
                expected += right ? 1 : 0;
                if (openRlhf) {
                    String prompt = "<|im_start|>user\nProblem " + row + "<|im_end|>\n<|im_start|>assistant\n";
                    query.add(prompt + response + "<|im_end|>");
                    prompts.add(prompt);
                    labels.add(gt);
                } else {
                    items.addObject().put("id", "m" + k).put("kind", "math").put("response", response).put("ground_truth", gt);
                }
            }
            out.add(new Payload(Json.line(body).getBytes(java.nio.charset.StandardCharsets.UTF_8), batch, expected));
        }
        return out;
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
            out.add(new Payload(Json.line(body).getBytes(java.nio.charset.StandardCharsets.UTF_8), batch, expected));
        }
        return out;
    }
}
