package dev.arbiter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "grade",
        mixinStandardHelpOptions = true,
        description = {
            "Grade model outputs from any harness: code benchmarks in the sandbox, math benchmarks with the math verifier.",
            "Each input line is a JSON object with problem_id and completion (the raw model output);",
            "each output line is that generation's verdict, in input order, written as soon as it is known.",
            "Rerunning with the same --out resumes after the verdicts already written, and grades again",
            "the generations the sandbox could not grade (their lines carry sandbox_error); while any remain",
            "the command exits with status 1."
        },
        footer = {
            "",
            "LiveCodeBench problems are graded by LiveCodeBench's rules: the last fenced code block, all",
            "tests in one process, 6 s of wall clock per test, stop at the first failure. --clock cpu",
            "counts CPU time per test instead, so slow machines do not turn passes into timeouts.",
            "code_contests benchmarks use CodeContests' tolerant checker. Math verdicts carry equal, outcome",
            "(correct, wrong or no_answer), the extracted answer and the rule that decided; the summary gives",
            "pass@1 as the mean over problems of each problem's share of correct completions.",
            "",
            "Example:",
            "  arbiter grade --benchmark livecodebench --generations gens.jsonl --out verdicts.jsonl",
            "  arbiter grade --benchmark math500 --generations gens.jsonl --out verdicts.jsonl"
        })
final class GradeCommand implements Callable<Integer> {
    @Option(names = "--benchmark", required = true, paramLabel = "NAME", description = "A benchmark, e.g. livecodebench or math500.")
    String benchmark;

    @Option(names = "--generations", required = true, paramLabel = "FILE", description = "JSONL with problem_id and completion.")
    Path generations;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where verdicts go, one JSON line each.")
    Path out;

    @Option(names = "--timeout-s", defaultValue = "6", paramLabel = "S", description = "Per-test limit in whole seconds (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Option(names = "--clock", defaultValue = "wall", paramLabel = "wall|cpu", description = "What the per-test limit counts (default: ${DEFAULT-VALUE}).")
    LcbRequest.Clock clock;

    @Option(names = "--memory-mb", defaultValue = "1024", paramLabel = "M", description = "Address-space limit per generation (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(names = "--containers", paramLabel = "N", description = "Sandbox containers to run in parallel (default: one per core but one).")
    Integer containers;

    @CommandLine.Mixin
    BenchmarksCommand.SelectionOptions window;

    @CommandLine.Mixin
    BenchmarksCommand.DataOptions data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    record Generation(int line, String problemId, String completion) {}

    /** Where the sandbox comes from; tests put a broken one here to see what the command does then. */
    static volatile Function<SandboxConfig, Sandbox> sandboxes = Sandbox::start;

    @Override
    public Integer call() throws Exception {
        if (timeoutS < 1 || memoryMb < 16 || (containers != null && containers < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-s and --containers must be at least 1, --memory-mb at least 16");
        }
        Benchmarks.Loaded loaded = data.open().load(benchmark, window.selection());
        Map<String, Problem> byId = new HashMap<>();
        loaded.problems().forEach(p -> byId.put(p.id(), p));
        List<Generation> gens = readGenerations(byId);
        // A stored sandbox error is no verdict: that generation is graded again.
        ResumableJsonl.Done resumed = ResumableJsonl.resume(out, n -> n.hasNonNull("problem_id"), n -> n.hasNonNull("sandbox_error"));
        int done = resumed.lines();
        PrintWriter err = spec.commandLine().getErr();
        if (done > gens.size()) {
            throw new Errors.UserError(out + " holds " + done + " verdicts but " + generations + " has only " + gens.size() + " generations");
        }
        List<Integer> redo = new ArrayList<>(resumed.redo().keySet());
        for (int i : redo) {
            String stored = resumed.redo().get(i).path("problem_id").asText();
            if (!stored.equals(gens.get(i).problemId())) {
                throw new Errors.UserError(out + ":" + (i + 1) + ": a verdict on " + stored + ", but " + generations + ":" + gens.get(i).line()
                        + " is for " + gens.get(i).problemId() + "; is it the output of other generations? Give another --out");
            }
        }
        if (done > 0) {
            err.printf("resuming: %d of %d verdicts already in %s%s%n", done - redo.size(), gens.size(), out,
                    redo.isEmpty() ? "" : "; grading again " + redo.size() + " that the sandbox could not grade");
        }
        List<Generation> todo = gens.subList(done, gens.size());
        if (loaded.kind() == Kind.MATH) {
            return gradeMath(byId, todo, gens.size(), done);
        }
        SandboxConfig cfg = SandboxConfig.defaults();
        if (containers != null) {
            cfg = cfg.withContainers(containers);
        }
        CodeGrader.Settings settings = new CodeGrader.Settings(timeoutS, clock, Limits.DEFAULT.withMemoryMb(memoryMb));
        String machine = machine();
        long start = System.nanoTime();
        int graded = redo.size() + todo.size();
        if (graded > 0) { // a finished run needs no sandbox
            try (Sandbox sandbox = sandboxes.apply(cfg);
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                    ProgressBar bar = ResumableJsonl.progress("grading", gens.size(), done - redo.size())) {
                CodeGrader grader = new CodeGrader(sandbox, settings);
                Semaphore inFlight = new Semaphore(cfg.containers() * 2);
                Function<Generation, Future<CodeVerdict>> submit = g -> pool.submit(() -> {
                    inFlight.acquire();
                    try {
                        return grader.grade(byId.get(g.problemId()), g.completion());
                    } finally {
                        inFlight.release();
                    }
                });
                // Both at once, so the sandbox stays busy; the regraded lines go in first, in one rewrite.
                List<Future<CodeVerdict>> again = redo.stream().map(i -> submit.apply(gens.get(i))).toList();
                List<Future<CodeVerdict>> futures = todo.stream().map(submit).toList();
                if (!redo.isEmpty()) {
                    Map<Integer, String> replaced = new HashMap<>();
                    for (int k = 0; k < redo.size(); k++) {
                        replaced.put(redo.get(k), verdictLine(get(again.get(k)), gens.get(redo.get(k)), machine));
                        bar.step();
                    }
                    ResumableJsonl.rewrite(out, replaced);
                }
                // Opened after the rewrite, which puts a new file in place of the old one.
                try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    for (int i = 0; i < todo.size(); i++) {
                        w.write(verdictLine(get(futures.get(i)), todo.get(i), machine));
                        w.newLine();
                        w.flush();
                        bar.step();
                    }
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        // The counts cover every verdict in --out, resumed ones included.
        Tally t = Tally.of(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("graded %d generations (%s grader, %s clock, %d s per test, on %s) in %.1f s, %.1f generations/s; %s: %s%s%n",
                graded, CodeGrader.graderFor(benchmark).name().toLowerCase(), clock.name().toLowerCase(), timeoutS, machine, secs,
                graded / Math.max(secs, 1e-9), out, t, loaded.note().contains("public tests only") ? "; PUBLIC TESTS ONLY" : "");
        o.flush();
        if (t.sandboxErrors > 0) {
            err.printf("arbiter: %d of %d generations could not be graded, the sandbox failed (first: %s); run the same command again"
                    + " to grade them%n", t.sandboxErrors, t.lines, t.firstCause);
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }

    /** The verdicts in a code --out: a sandbox error is missing, neither passed nor failed. */
    static final class Tally {
        int lines;
        int passed;
        int failed;
        int sandboxErrors;
        String firstCause;

        static Tally of(Path out) throws IOException {
            Tally t = new Tally();
            if (!Files.exists(out)) {
                return t;
            }
            try (java.io.BufferedReader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.isBlank()) {
                        continue;
                    }
                    JsonNode n = Json.mapper().readTree(l);
                    t.lines++;
                    if (n.hasNonNull("sandbox_error")) {
                        t.sandboxErrors++;
                        if (t.firstCause == null) {
                            t.firstCause = oneLine(n.get("sandbox_error").asText());
                        }
                    } else if (n.path("passed").asBoolean()) {
                        t.passed++;
                    } else {
                        t.failed++;
                    }
                }
            }
            return t;
        }

        @Override
        public String toString() {
            int graded = passed + failed;
            String rate = graded == 0 ? "none graded" : String.format("%.1f%% of %d graded", 100.0 * passed / graded, graded);
            String missing = sandboxErrors == 0 ? "0 sandbox errors"
                    : sandboxErrors + " sandbox error" + (sandboxErrors == 1 ? "" : "s") + ", missing (first: " + firstCause + ")";
            return passed + " passed (" + rate + "), " + failed + " failed, " + missing;
        }

        private static String oneLine(String s) {
            String l = s.strip().lines().findFirst().orElse("");
            return l.length() > 200 ? l.substring(0, 200) + "…" : l;
        }
    }

    private static String verdictLine(CodeVerdict v, Generation g, String machine) {
        ObjectNode line = Json.mapper().valueToTree(v);
        line.put("line", g.line());
        line.put("machine", machine);
        return Json.line(line);
    }

    /** A grading's verdict; anything thrown but a sandbox's failure is a bug, and ends the run. */
    private static CodeVerdict get(Future<CodeVerdict> f) throws Exception {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private int gradeMath(Map<String, Problem> byId, List<Generation> todo, int total, int done) throws Exception {
        long start = System.nanoTime();
        if (!todo.isEmpty()) {
            try (MathVerifier verifier = new MathVerifier();
                    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
                    BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    ProgressBar bar = ResumableJsonl.progress("grading", total, done)) {
                verifier.warmUp();
                List<Future<MathVerdict>> futures = new ArrayList<>();
                for (Generation g : todo) {
                    MathAnswer gold = (MathAnswer) byId.get(g.problemId()).gold();
                    futures.add(pool.submit(() -> verifier.verify(gold.answer(), g.completion())));
                }
                for (int i = 0; i < todo.size(); i++) {
                    MathVerdict v = futures.get(i).get();
                    ObjectNode line = Json.mapper().createObjectNode();
                    line.put("line", todo.get(i).line()).put("problem_id", todo.get(i).problemId()).put("equal", v.equal())
                            .put("outcome", v.equal() ? "correct" : v.extractedPred().isEmpty() ? "no_answer" : "wrong")
                            .put("extracted", String.join(", ", v.extractedPred())).put("reason", v.reason()).put("timed_out", v.timedOut());
                    w.write(Json.line(line));
                    w.newLine();
                    w.flush();
                    bar.step();
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        // The summary covers every verdict in --out, resumed ones included.
        Map<String, double[]> perProblem = new java.util.TreeMap<>();
        long equal = 0;
        long lines = 0;
        for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode n = Json.mapper().readTree(l);
            double[] c = perProblem.computeIfAbsent(n.path("problem_id").asText(), k -> new double[2]);
            c[0] += n.path("equal").asBoolean() ? 1 : 0;
            c[1]++;
            equal += n.path("equal").asBoolean() ? 1 : 0;
            lines++;
        }
        double pass1 = perProblem.values().stream().mapToDouble(c -> c[0] / c[1]).average().orElse(0);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("graded %d generations (math verifier) in %.1f s, %.1f generations/s; in %s: %d of %d equal, pass@1 %.4f over %d problems%n",
                todo.size(), secs, todo.size() / Math.max(secs, 1e-9), out, equal, lines, pass1, perProblem.size());
        o.flush();
        return 0;
    }

    /** Which machine produced a verdict: wall-clock limits make scores machine-dependent. */
    static String machine() {
        String model = "unknown CPU";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(model);
        } catch (IOException e) {
            // Not Linux: the core count still says something.
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + model;
    }

    private List<Generation> readGenerations(Map<String, Problem> byId) {
        List<String> lines = InputFiles.read(generations).lines().toList();
        List<Generation> gens = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i).strip();
            if (raw.isEmpty()) {
                continue;
            }
            String where = generations + ":" + (i + 1);
            JsonNode n;
            try {
                n = Json.mapper().readTree(raw);
            } catch (IOException e) {
                throw new Errors.UserError(where + ": not valid JSON");
            }
            if (!n.path("problem_id").isTextual() && !n.path("problem_id").isNumber()) {
                throw new Errors.UserError(where + ": needs a problem_id");
            }
            if (!n.path("completion").isTextual()) {
                throw new Errors.UserError(where + ": needs a completion string");
            }
            String id = n.get("problem_id").asText();
            if (!byId.containsKey(id)) {
                throw new Errors.UserError(where + ": problem_id '" + id + "' is not in " + benchmark);
            }
            gens.add(new Generation(i + 1, id, n.get("completion").asText()));
        }
        return gens;
    }
}
