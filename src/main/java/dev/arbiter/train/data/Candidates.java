package dev.arbiter.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Gold;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.reward.TestsJson;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.RunSamples;
import dev.arbiter.run.RunSummary;
import dev.arbiter.verify.code.CodeGrader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns each kind of curation input into {@link Candidate}s. A line that cannot be read becomes an
 * unreadable candidate (rejected, counted, and the run goes on); a mismatch between the input and the
 * benchmark named with it is the user's to fix and throws {@link IllegalArgumentException}.
 */
public final class Candidates {
    private Candidates() {}

    /** The human turn for a benchmark problem: {@code template} with {problem} replaced. */
    static String prompt(String template, Problem p) {
        return PromptTemplates.apply(template, p);
    }

    private static Candidate of(String id, Problem p, String template, String response, boolean truncated) {
        Gold g = p.gold();
        return Candidate.of(id, p.benchmark(), prompt(template, p), response, g,
                g instanceof CodeTests ? CodeGrader.graderFor(p.benchmark()) : null, truncated);
    }

    /** Each math problem's reference worked solution as its own generation; a problem without one is unparseable. */
    public static List<Candidate> references(List<Problem> problems, String template) {
        List<Candidate> out = new ArrayList<>();
        for (Problem p : problems) {
            if (!(p.gold() instanceof MathAnswer a)) {
                throw new IllegalArgumentException(p.benchmark() + " is a code benchmark; reference solutions exist for math problems only");
            }
            out.add(a.solution() == null || a.solution().isBlank() ? Candidate.unreadable(p.id(), p.benchmark(), "no reference solution")
                    : of(p.id(), p, template, a.solution(), false));
        }
        return out;
    }

    /**
     * One line of `arbiter grade`'s input, {"problem_id", "completion"}; the id is
     * {@code problem_id#line}.
     *
     * @throws IllegalArgumentException when the problem is not in the benchmark
     */
    public static Candidate generation(String raw, int line, Map<String, Problem> byId, String benchmark, String template) {
        JsonNode n = parse(raw);
        if (n == null || !n.isObject()) {
            return Candidate.unreadable("line " + line, benchmark, "line " + line + ": not a JSON object");
        }
        JsonNode pid = n.path("problem_id");
        if (!(pid.isTextual() || pid.isNumber()) || !n.path("completion").isTextual()) {
            return Candidate.unreadable("line " + line, benchmark, "line " + line + ": needs a problem_id and a completion string");
        }
        Problem p = byId.get(pid.asText());
        if (p == null) {
            throw new IllegalArgumentException("line " + line + ": problem_id '" + pid.asText() + "' is not in " + benchmark);
        }
        return of(p.id() + "#" + line, p, template, n.get("completion").asText(), false);
    }

    /**
     * One self-contained line: {"prompt", "response", "answer" | "tests", "id"?, "source"?, "grader"?}.
     * {@code answer} (a string or a number) makes it math; {@code tests} (any shape the reward service
     * reads) makes it code, graded by LiveCodeBench's rules unless {@code grader} is "codecontests".
     * The id defaults to "line N", the source to "math" or "code".
     */
    public static Candidate selfContained(String raw, int line) {
        JsonNode n = parse(raw);
        String where = "line " + line;
        if (n == null || !n.isObject()) {
            return Candidate.unreadable(where, "(unreadable)", where + ": not a JSON object");
        }
        boolean math = n.has("answer");
        boolean code = n.has("tests");
        String id = n.path("id").isTextual() || n.path("id").isNumber() ? n.get("id").asText() : where;
        String source = n.path("source").isTextual() && !n.path("source").asText().isBlank() ? n.get("source").asText()
                : math && !code ? "math" : code && !math ? "code" : "(unreadable)";
        if (!n.path("prompt").isTextual() || !n.path("response").isTextual()) {
            return Candidate.unreadable(id, source, where + ": needs 'prompt' and 'response' strings");
        }
        if (math == code) {
            return Candidate.unreadable(id, source, where + ": needs exactly one of 'answer' (math) and 'tests' (code)");
        }
        String prompt = n.get("prompt").asText();
        String response = n.get("response").asText();
        if (math) {
            JsonNode a = n.get("answer");
            if (!(a.isTextual() || a.isNumber()) || a.asText().isBlank()) {
                return Candidate.unreadable(id, source, where + ": 'answer' must be a non-empty string or a number");
            }
            return Candidate.math(id, source, prompt, response, a.asText());
        }
        CodeTests tests;
        try {
            tests = TestsJson.read(n.get("tests"), "tests");
        } catch (IllegalArgumentException e) {
            return Candidate.unreadable(id, source, where + ": " + e.getMessage());
        }
        String g = n.path("grader").asText("livecodebench");
        CodeGrader.Kind kind = switch (g) {
            case "livecodebench" -> CodeGrader.Kind.LIVECODEBENCH;
            case "codecontests", "code_contests" -> CodeGrader.Kind.CODECONTESTS;
            default -> null;
        };
        if (kind == null) {
            return Candidate.unreadable(id, source, where + ": 'grader' must be livecodebench or codecontests");
        }
        return Candidate.of(id, source, prompt, response, tests, kind, false);
    }

    /** Whether a line looks like `arbiter grade`'s input (problem_id, no prompt): it then needs --benchmark. */
    public static boolean looksLikeGeneration(String raw) {
        JsonNode n = parse(raw);
        return n != null && n.has("problem_id") && !n.has("prompt");
    }

    /**
     * Every stored sample below n of a finished `arbiter eval` run, with the prompt as the run asked it
     * (its template, from the store) unless {@code templateOverride} is given. Ids are
     * {@code problem_id#sample_index}; the source is the benchmark.
     *
     * @param problemsOf a benchmark's problems by name, loaded as the run loaded them
     */
    public static List<Candidate> fromRun(RunSummary run, CompletionStore store, Function<String, List<Problem>> problemsOf, String templateOverride) {
        List<Candidate> out = new ArrayList<>();
        for (RunSamples.BenchmarkSamples b : RunSamples.read(run, store, problemsOf)) {
            String template = templateOverride != null ? templateOverride : b.promptTemplate();
            for (RunSamples.ProblemSamples p : b.problems()) {
                p.slots().forEach(s -> s.stored().ifPresent(c ->
                        out.add(of(p.problem().id() + "#" + c.sampleIndex(), p.problem(), template, c.text(), c.truncated()))));
            }
        }
        return out;
    }

    private static JsonNode parse(String raw) {
        try {
            return Json.mapper().readTree(raw);
        } catch (IOException e) {
            return null;
        }
    }
}
