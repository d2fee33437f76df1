package dev.arbiter.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Language;
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
import dev.arbiter.verify.code.SpecialJudges;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import me.tongfei.progressbar.ProgressBar;

/**
 * Grades other harnesses' generations against a benchmark, one verdict line each in input order in a
 * resumable file: a rerun carries on after the verdicts written and grades again those that got none.
 */
public final class Grading {
    private Grading() {}

    /** How code is run and math read; {@code sandboxes} starts the sandbox (tests put a broken one there). */
    public record Settings(int timeoutS, LcbRequest.Clock clock, int memoryMb, MathConfig.Extraction extraction, SandboxConfig sandbox,
                           Function<SandboxConfig, Sandbox> sandboxes, boolean judges) {
        public Settings {
            if (timeoutS < 1) {
                throw new IllegalArgumentException("--timeout-s must be at least 1");
            }
            if (memoryMb < 16) {
                throw new IllegalArgumentException("--memory-mb must be at least 16");
            }
        }
    }

    /**
     * One generation: the input line (or row) it came from, which problem, the raw model output, its language if the
     * line names one, and the score the harness that wrote the file gave it (null when it gave none).
     */
    public record Generation(int line, String problemId, String completion, Language language, Double theirScore) {
        public Generation(int line, String problemId, String completion, Language language) {
            this(line, problemId, completion, language, null);
        }
    }

    /** What is left to grade: every generation, the lines to grade again (by index) and how many verdicts stand already. */
    public record Plan(Benchmarks.Loaded benchmark, Path out, List<Generation> generations, List<Integer> redo, int done) {
        public Plan {
            generations = List.copyOf(generations);
            redo = List.copyOf(redo);
        }

        /** Verdicts in --out that stand and need no grading. */
        public int standing() {
            return done - redo.size();
        }

        /** Generations this run grades. */
        public int toGrade() {
            return redo.size() + generations.size() - done;
        }

        public boolean math() {
            return benchmark.kind() == Kind.MATH;
        }

        /** What a resumed run found in --out, for the user; null when nothing was there. */
        public String resumed() {
            return done == 0 ? null : String.format("resuming: %d of %d verdicts already in %s%s", standing(), generations.size(), out,
                    redo.isEmpty() ? "" : "; grading again " + redo.size() + " that could not be graded");
        }

        /**
         * The summary line of this run, which graded in {@code secs} on {@code machine}; {@code t} counts every verdict
         * in --out, resumed ones included. Code names the grader {@code benchmarkName} takes.
         */
        public String summary(String benchmarkName, Settings settings, String machine, double secs, Tally t) {
            int graded = toGrade();
            if (math()) {
                return String.format("graded %d generations (math verifier, %s extraction) in %.1f s, %.1f generations/s; in %s: %d of %d equal,"
                        + " pass@1 %.4f over %d problems%s", graded, settings.extraction().name().toLowerCase(), secs, graded / Math.max(secs, 1e-9),
                        out, t.passed(), t.passed() + t.failed(), t.passAt1(), t.problems(), t.errors() == 0 ? "" : "; " + t.missing());
            }
            return String.format("graded %d generations (%s grader, %s clock, %d s per test, on %s) in %.1f s, %.1f generations/s; %s: %s%s",
                    graded, CodeGrader.graderFor(benchmarkName).name().toLowerCase(), settings.clock().name().toLowerCase(), settings.timeoutS(),
                    machine, secs, graded / Math.max(secs, 1e-9), out, t, benchmark.note().contains("public tests only") ? "; PUBLIC TESTS ONLY" : "");
        }
    }

    /**
     * Reads the generations (every line checked before any verdict) and what an earlier run left in
     * {@code out}, which must be this input's verdicts.
     */
    public static Plan plan(Benchmarks.Loaded loaded, Path generations, Path out) throws IOException {
        return plan(loaded, read(generations, byId(loaded), loaded.name()), generations, out);
    }

    /**
     * The plan for generations another harness wrote, read by {@link HarnessOutputs}: against {@code loaded}, or
     * against the file's own reference answers when the read carries them.
     */
    public static Plan plan(Benchmarks.Loaded loaded, HarnessOutputs.Read read, Path generations, Path out) throws IOException {
        return plan(read.ownGold() != null ? read.ownGold() : loaded, read.generations(), generations, out);
    }

    private static Plan plan(Benchmarks.Loaded loaded, List<Generation> gens, Path generations, Path out) throws IOException {
        // A stored sandbox error is no verdict: that generation is graded again. Every stored line must be on its
        // generation's problem, or the verdicts kept would be other generations' (and rulings beside them, another's).
        List<String> stored = new ArrayList<>();
        ResumableJsonl.Done resumed = ResumableJsonl.resume(out, n -> n.hasNonNull("problem_id") && stored.add(n.get("problem_id").asText()),
                Grading::noVerdict);
        int done = resumed.lines();
        if (done > gens.size()) {
            throw new RunException(out + " holds " + done + " verdicts but " + generations + " has only " + gens.size() + " generations");
        }
        for (int i = 0; i < done; i++) {
            if (!stored.get(i).equals(gens.get(i).problemId())) {
                throw new RunException(out + ":" + (i + 1) + ": a verdict on " + stored.get(i) + ", but " + generations + ":" + gens.get(i).line()
                        + " is for " + gens.get(i).problemId() + "; is it the output of other generations? Give another --out");
            }
        }
        List<Integer> redo = new ArrayList<>(resumed.redo().keySet());
        return new Plan(loaded, out, gens, redo, done);
    }

    /** {@link #grade(Plan, Settings, String, Runnable)} with a bar on stderr; returns the seconds it took. */
    public static double grade(Plan plan, Settings settings, String machine) throws Exception {
        long start = System.nanoTime();
        if (plan.toGrade() > 0) {
            try (ProgressBar bar = dev.arbiter.Progress.bar("grading", plan.generations().size(), plan.standing())) {
                grade(plan, settings, machine, bar::step);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Grades what the plan leaves, writing each new verdict as soon as it and all before it are known;
     * {@code step} runs once per verdict. A finished plan needs no sandbox and no verifier.
     */
    public static void grade(Plan plan, Settings settings, String machine, Runnable step) throws Exception {
        if (plan.toGrade() == 0) {
            return;
        }
        Map<String, Problem> byId = byId(plan.benchmark());
        List<Generation> gens = plan.generations();
        // Python runs on every image; another language needs the polyglot one, which runs Python too.
        boolean polyglot = gens.stream().anyMatch(g -> {
            Problem p = byId.get(g.problemId());
            return p.kind() == Kind.CODE && (CodeGrader.languageOf(CodeGrader.graderFor(p.benchmark()), g.completion(), g.language()) != Language.PYTHON
                    || settings.judges() && SpecialJudges.has(p.id())); // judges are C++
        });
        SandboxConfig sandbox = polyglot ? settings.sandbox().polyglot() : settings.sandbox();
        CodeGrader.Settings code = new CodeGrader.Settings(settings.timeoutS(), settings.clock(), Limits.DEFAULT.withMemoryMb(settings.memoryMb()),
                settings.judges());
        try (MathVerifier engine = new MathVerifier();
                CodeTestVerifier tests = CodeTestVerifier.starting(() -> settings.sandboxes().apply(sandbox), code, sandbox.totalContainers() * 2)) {
            Verifier verifier = plan.math() ? new MathAnswerVerifier(engine, engine.defaults().withExtraction(settings.extraction())) : tests;
            if (plan.math()) {
                engine.warmUp();
            }
            // The regraded lines and the new ones are verified together, so the sandbox stays busy;
            // the regraded ones go in first, in one rewrite, then each new line as soon as it and all before it are known.
            List<Generation> all = new ArrayList<>();
            plan.redo().forEach(i -> all.add(gens.get(i)));
            all.addAll(gens.subList(plan.done(), gens.size()));
            List<Check> checks = all.stream().map(g -> check(byId.get(g.problemId()), g)).toList();
            InOrder writer = new InOrder(plan.out(), plan.redo().size(), step);
            try (writer) {
                List<Verdict> vs = verifier.verifyAll(checks, (i, v) -> writer.arrived(i, verdictLine(v, all.get(i), machine)));
                Map<Integer, String> replaced = new HashMap<>();
                for (int k = 0; k < plan.redo().size(); k++) {
                    replaced.put(plan.redo().get(k), verdictLine(vs.get(k), all.get(k), machine));
                }
                if (!replaced.isEmpty()) {
                    writer.rewriteFirst(replaced);
                }
            }
        }
    }

    private static Map<String, Problem> byId(Benchmarks.Loaded loaded) {
        Map<String, Problem> byId = new HashMap<>();
        loaded.problems().forEach(p -> byId.put(p.id(), p));
        return byId;
    }

    private static Check check(Problem p, Generation g) {
        CodeGrader.Kind grader = p.kind() == Kind.CODE ? CodeGrader.graderFor(p.benchmark()) : null;
        return Check.of(p.id(), p.gold(), grader, g.completion(), false).inLanguage(g.language());
    }

    /** Whether a stored line is no verdict, to be graded again: an infrastructure error (or a sandbox error, as older files say). */
    private static boolean noVerdict(JsonNode n) {
        return n.hasNonNull("sandbox_error") || Outcome.INFRASTRUCTURE_ERROR.label().equals(n.path("outcome").asText());
    }

    /**
     * Appends new verdict lines to the output in input order as they arrive (the first {@code skip} arrivals
     * are regraded lines, which go in by one rewrite instead), so a killed run keeps every line written.
     */
    private static final class InOrder implements AutoCloseable {
        private final Path out;
        private final int skip;
        private final Runnable step;
        private final Map<Integer, String> waiting = new HashMap<>();
        private final List<String> held = new ArrayList<>();
        private int next;
        private BufferedWriter w;

        InOrder(Path out, int skip, Runnable step) {
            this.out = out;
            this.skip = skip;
            this.step = step;
            this.next = skip;
        }

        synchronized void arrived(int index, String line) {
            step.run();
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

    /** The verdicts in an output file, code or math: an infrastructure error is missing, neither passed nor failed. */
    public static final class Tally {
        private int lines;
        private int passed;
        private int failed;
        private int errors;
        private String firstCause;
        /** Against the file's own scores, over verdicts whose line carries a score of 0 or 1: both pass, ours only, theirs only, neither. */
        private final int[] agreement = new int[4];
        private final Map<String, double[]> perProblem = new TreeMap<>();

        public static Tally of(Path out) throws IOException {
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
                    JsonNode theirs = n.get("their_score");
                    if (theirs != null && theirs.isNumber() && (theirs.asDouble() == 0 || theirs.asDouble() == 1)) {
                        boolean theirOk = theirs.asDouble() == 1;
                        t.agreement[ok ? (theirOk ? 0 : 1) : (theirOk ? 2 : 3)]++;
                    }
                    if (ok) {
                        t.passed++;
                    } else {
                        t.failed++;
                    }
                }
            }
            return t;
        }

        public int lines() {
            return lines;
        }

        public int passed() {
            return passed;
        }

        public int failed() {
            return failed;
        }

        /** Lines with no verdict. */
        public int errors() {
            return errors;
        }

        public String firstCause() {
            return firstCause;
        }

        /** The mean over problems of each problem's share of correct completions. */
        public double passAt1() {
            return perProblem.values().stream().mapToDouble(c -> c[0] / c[1]).average().orElse(0);
        }

        public int problems() {
            return perProblem.size();
        }

        /** The error when some lines got no verdict, naming the first cause; null when every line has one. */
        public String unjudged() {
            return errors == 0 ? null : errors + " of " + lines + " generations could not be graded (first: " + firstCause
                    + "); run the same command again to grade them";
        }

        /**
         * How the file's own per-sample scores compare with these verdicts, in one line naming {@code who} scored
         * them; null when no line carries a score of 0 or 1.
         */
        public String comparison(String who) {
            int n = agreement[0] + agreement[1] + agreement[2] + agreement[3];
            if (n == 0) {
                return null;
            }
            return String.format("against %s's own scores on %d generations: %s passed %d, Arbiter %d; they disagree on %d (Arbiter alone"
                    + " passed %d, %s alone %d)", who, n, who, agreement[0] + agreement[2], agreement[0] + agreement[1],
                    agreement[1] + agreement[2], agreement[1], who, agreement[2]);
        }

        public String missing() {
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
        if (g.theirScore() != null) {
            line.put("their_score", g.theirScore());
        }
        return Json.line(line);
    }

    /** Which machine produced a verdict: wall-clock limits make scores machine-dependent. */
    public static String machine() {
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

    private static List<Generation> read(Path generations, Map<String, Problem> byId, String benchmark) {
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
                throw new RunException(where + ": not valid JSON");
            }
            if (!n.path("problem_id").isTextual() && !n.path("problem_id").isNumber()) {
                throw new RunException(where + ": needs a problem_id");
            }
            if (!n.path("completion").isTextual()) {
                throw new RunException(where + ": needs a completion string");
            }
            String id = n.get("problem_id").asText();
            if (!byId.containsKey(id)) {
                throw new RunException(where + ": problem_id '" + id + "' is not in " + benchmark);
            }
            Language language = null;
            if (n.hasNonNull("language")) {
                String name = n.get("language").asText();
                language = Language.parse(name).orElseThrow(() -> new RunException(where + ": language '" + name
                        + "' is none we run (python, cpp, java, go, rust, javascript, bash)"));
                if (byId.get(id).kind() != Kind.CODE) {
                    throw new RunException(where + ": a language is for code problems; " + id + " is not one");
                }
            }
            gens.add(new Generation(i + 1, id, n.get("completion").asText(), language));
        }
        return gens;
    }
}
