package dev.arbiter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.Check;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.Verdict;
import dev.arbiter.verify.Verifier;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.math.MathConfig;
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
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(
        name = "grade",
        mixinStandardHelpOptions = true,
        description = {
            "Grade model outputs from any harness: code benchmarks in the sandbox, math benchmarks with the math verifier.",
            "Each input line is a JSON object with problem_id and completion (the raw model output);",
            "each output line is that generation's verdict, in input order, written as soon as it is known.",
            "Every line carries an outcome: correct, wrong, no_answer, truncated, program_timeout, verifier_timeout,",
            "or infrastructure_error (the sandbox or the verifier failed: no verdict, with its reason).",
            "Rerunning with the same --out resumes after the verdicts already written, and grades again",
            "the generations that got no verdict; while any remain the command exits with status 1."
        },
        footer = {
            "",
            "LiveCodeBench problems are graded by LiveCodeBench's rules: the last fenced code block, all",
            "tests in one process, 6 s of wall clock per test, stop at the first failure. --clock cpu",
            "counts CPU time per test instead, so slow machines do not turn passes into timeouts.",
            "code_contests benchmarks use CodeContests' tolerant checker. Math verdicts carry equal, the",
            "extracted answer and the rule that decided; the summary gives pass@1 as the mean over problems",
            "of each problem's share of correct completions.",
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

    @Option(names = "--extraction", defaultValue = "flexible", paramLabel = "flexible|boxed",
            description = {"Math only: flexible (default) takes an answer wherever the verifier finds one; boxed only the final",
                "\\boxed{} (lm-eval's strict-match), never a number in the prose."})
    MathConfig.Extraction extraction;

    @Option(names = "--containers", paramLabel = "N", description = "Sandbox containers to run in parallel (default: one per core but one).")
    Integer containers;

    @CommandLine.Mixin
    dev.arbiter.cli.options.SelectionOptions window;

    @CommandLine.Mixin
    dev.arbiter.cli.options.DataOptions data;

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
        ResumableJsonl.Done resumed = ResumableJsonl.resume(out, n -> n.hasNonNull("problem_id"), GradeCommand::noVerdict);
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
                    redo.isEmpty() ? "" : "; grading again " + redo.size() + " that could not be graded");
        }
        List<Generation> todo = gens.subList(done, gens.size());
        boolean math = loaded.kind() == Kind.MATH;
        String machine = machine();
        long start = System.nanoTime();
        int graded = redo.size() + todo.size();
        if (graded > 0) { // a finished run needs no sandbox and no verifier
            SandboxConfig cfg = SandboxConfig.defaults();
            if (containers != null) {
                cfg = cfg.withContainers(containers);
            }
            SandboxConfig sandboxConfig = cfg;
            CodeGrader.Settings settings = new CodeGrader.Settings(timeoutS, clock, Limits.DEFAULT.withMemoryMb(memoryMb));
            try (MathVerifier engine = new MathVerifier();
                    CodeTestVerifier code = CodeTestVerifier.starting(() -> sandboxes.apply(sandboxConfig), settings, sandboxConfig.containers() * 2);
                    ProgressBar bar = ResumableJsonl.progress("grading", gens.size(), done - redo.size())) {
                Verifier verifier = math ? new MathAnswerVerifier(engine, engine.defaults().withExtraction(extraction)) : code;
                if (math) {
                    engine.warmUp();
                }
                // The regraded lines and the new ones are verified together, so the sandbox stays busy;
                // the regraded ones go in first, in one rewrite, then each new line as soon as it and all before it are known.
                List<Generation> all = new ArrayList<>();
                redo.forEach(i -> all.add(gens.get(i)));
                all.addAll(todo);
                List<Check> checks = all.stream().map(g -> check(byId.get(g.problemId()), g)).toList();
                InOrder writer = new InOrder(out, redo.size(), bar);
                try (writer) {
                    List<Verdict> vs = verifier.verifyAll(checks, (i, v) -> writer.arrived(i, verdictLine(v, all.get(i), machine)));
                    Map<Integer, String> replaced = new HashMap<>();
                    for (int k = 0; k < redo.size(); k++) {
                        replaced.put(redo.get(k), verdictLine(vs.get(k), all.get(k), machine));
                    }
                    if (!replaced.isEmpty()) {
                        writer.rewriteFirst(replaced);
                    }
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        // The counts cover every verdict in --out, resumed ones included.
        Tally t = Tally.of(out);
        PrintWriter o = spec.commandLine().getOut();
        if (math) {
            o.printf("graded %d generations (math verifier, %s extraction) in %.1f s, %.1f generations/s; in %s: %d of %d equal, pass@1 %.4f"
                    + " over %d problems%s%n", graded, extraction.name().toLowerCase(), secs, graded / Math.max(secs, 1e-9), out, t.passed,
                    t.passed + t.failed, t.passAt1(), t.problems(), t.errors == 0 ? "" : "; " + t.missing());
        } else {
            o.printf("graded %d generations (%s grader, %s clock, %d s per test, on %s) in %.1f s, %.1f generations/s; %s: %s%s%n",
                    graded, CodeGrader.graderFor(benchmark).name().toLowerCase(), clock.name().toLowerCase(), timeoutS, machine, secs,
                    graded / Math.max(secs, 1e-9), out, t, loaded.note().contains("public tests only") ? "; PUBLIC TESTS ONLY" : "");
        }
        o.flush();
        if (t.errors > 0) {
            err.printf("arbiter: %d of %d generations could not be graded (first: %s); run the same command again to grade them%n",
                    t.errors, t.lines, t.firstCause);
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }

    private static Check check(Problem p, Generation g) {
        CodeGrader.Kind grader = p.kind() == Kind.CODE ? CodeGrader.graderFor(p.benchmark()) : null;
        return Check.of(p.id(), p.gold(), grader, g.completion(), false);
    }

    /** Whether a stored line is no verdict, to be graded again: an infrastructure error (or a sandbox error, as older files say). */
    private static boolean noVerdict(JsonNode n) {
        return n.hasNonNull("sandbox_error") || Outcome.INFRASTRUCTURE_ERROR.label().equals(n.path("outcome").asText());
    }

    /**
     * Appends new verdict lines to --out in input order as they arrive (the first {@code skip} arrivals
     * are regraded lines, which go in by one rewrite instead), so a killed run keeps every line written.
     */
    private static final class InOrder implements AutoCloseable {
        private final Path out;
        private final int skip;
        private final ProgressBar bar;
        private final Map<Integer, String> waiting = new HashMap<>();
        private final List<String> held = new ArrayList<>();
        private int next;
        private BufferedWriter w;

        InOrder(Path out, int skip, ProgressBar bar) {
            this.out = out;
            this.skip = skip;
            this.bar = bar;
            this.next = skip;
        }

        synchronized void arrived(int index, String line) {
            bar.step();
            if (index < skip) {
                return;
            }
            waiting.put(index, line);
            while (waiting.containsKey(next)) {
                held.add(waiting.remove(next++));
            }
            if (w != null || skip == 0) {
                flush();
            }
        }

        /** Puts the regraded lines in place, then appends what has arrived meanwhile. */
        synchronized void rewriteFirst(Map<Integer, String> replaced) throws IOException {
            ResumableJsonl.rewrite(out, replaced);
            w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            flush();
        }

        private void flush() {
            try {
                if (w == null) {
                    w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
                for (String l : held) {
                    w.write(l);
                    w.newLine();
                }
                held.clear();
                w.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (!held.isEmpty() && w == null && skip > 0) {
                return; // the rewrite never happened: the run failed before it, and those lines are graded again next time
            }
            if (w != null) {
                w.close();
            }
        }
    }

    /** The verdicts in --out, code or math: an infrastructure error is missing, neither passed nor failed. */
    static final class Tally {
        int lines;
        int passed;
        int failed;
        int errors;
        String firstCause;
        final Map<String, double[]> perProblem = new java.util.TreeMap<>();

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
                    if (noVerdict(n)) {
                        t.errors++;
                        if (t.firstCause == null) {
                            t.firstCause = oneLine(n.hasNonNull("sandbox_error") ? "sandbox error: " + n.get("sandbox_error").asText()
                                    : n.path("reason").asText());
                        }
                        continue;
                    }
                    boolean ok = n.has("outcome") ? Outcome.parse(n.get("outcome").asText()).correct() : n.path("passed").asBoolean();
                    double[] c = t.perProblem.computeIfAbsent(n.path("problem_id").asText(), k -> new double[2]);
                    c[0] += ok ? 1 : 0;
                    c[1]++;
                    if (ok) {
                        t.passed++;
                    } else {
                        t.failed++;
                    }
                }
            }
            return t;
        }

        double passAt1() {
            return perProblem.values().stream().mapToDouble(c -> c[0] / c[1]).average().orElse(0);
        }

        int problems() {
            return perProblem.size();
        }

        String missing() {
            return errors + " infrastructure error" + (errors == 1 ? "" : "s") + ", missing (first: " + firstCause + ")";
        }

        @Override
        public String toString() {
            int graded = passed + failed;
            String rate = graded == 0 ? "none graded" : String.format("%.1f%% of %d graded", 100.0 * passed / graded, graded);
            return passed + " passed (" + rate + "), " + failed + " failed, " + (errors == 0 ? "0 infrastructure errors" : missing());
        }

        private static String oneLine(String s) {
            String l = s.strip().lines().findFirst().orElse("");
            return l.length() > 200 ? l.substring(0, 200) + "…" : l;
        }
    }

    /** One output line: the verifier's full evidence, the outcome in the shared vocabulary, and where it came from. */
    private static String verdictLine(Verdict v, Generation g, String machine) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("line", g.line()).put("problem_id", g.problemId());
        if (v.evidence() instanceof MathVerdict mv) {
            line.put("equal", mv.equal()).put("extracted", v.answer() == null ? "" : v.answer()).put("timed_out", mv.timedOut());
        } else if (v.evidence() != null) {
            line.setAll((ObjectNode) Json.mapper().valueToTree(v.evidence()));
            line.put("machine", machine);
        }
        line.put("outcome", v.outcome().label()).put("reason", v.reason());
        return Json.line(line);
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
