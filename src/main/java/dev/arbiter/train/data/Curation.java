package dev.arbiter.train.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.json.Json;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.InputFiles;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSummary;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.code.CodeGrader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import me.tongfei.progressbar.ProgressBar;

/**
 * Rejection sampling into SFT data: candidates from a finished eval run, from generations of another
 * harness, or from a benchmark's reference solutions, judged by the verifiers, and written as
 * ShareGPT and Alpaca with the rejected ones and their statistics beside them.
 */
public final class Curation {
    private Curation() {}

    /**
     * Where the candidates come from: exactly one of {@code run}, {@code generations} and
     * {@code references}; {@code benchmark} names the problems of generations or references.
     */
    public record Input(Path run, String store, List<Path> jsonl, Path generations, boolean references, String benchmark,
                        String promptTemplate, Selection window) {
        public Input {
            jsonl = List.copyOf(jsonl);
            int inputs = (run != null ? 1 : 0) + (generations != null ? 1 : 0) + (references ? 1 : 0);
            if (inputs != 1) {
                throw new IllegalArgumentException("give exactly one input: --run, --generations or --references");
            }
            if (references && benchmark == null) {
                throw new IllegalArgumentException("--references needs --benchmark");
            }
            if (run != null && benchmark != null) {
                throw new IllegalArgumentException("--run curates the run's own benchmarks; leave out --benchmark");
            }
            if ((store != null || !jsonl.isEmpty()) && run == null) {
                throw new IllegalArgumentException("--store and --jsonl go with --run");
            }
            boolean selfContained = generations != null && benchmark == null;
            if (promptTemplate != null && (selfContained || !promptTemplate.contains("{problem}"))) {
                throw new IllegalArgumentException(selfContained ? "--prompt-template applies to benchmark problems; self-contained lines carry their prompt"
                        : "--prompt-template must contain {problem}");
            }
        }
    }

    /** How candidates are judged and written. */
    public record Settings(SftWriter.Keep keep, String system, int timeoutS, SandboxConfig sandbox) {}

    /** What a curation wrote, and the judged candidates it came from. */
    public record Result(SftWriter.Summary summary, List<Judged> judged, double verifySeconds) {
        /** What curate prints: each source's counts in {@code unit}, all together when there are several, and what went where. */
        public List<String> lines(SftWriter.Keep keep, String unit, double seconds, Path out) {
            List<String> lines = new ArrayList<>();
            summary.sources().forEach((src, c) -> lines.add(c.describe(src, unit)));
            if (summary.sources().size() > 1) {
                lines.add(summary.total().describe("all", unit));
            }
            lines.add(String.format("kept %d of %d (--keep %s) in %.1f s (verifying %.1f s): %s/sharegpt.jsonl, alpaca.jsonl, rejected.jsonl, stats.json",
                    summary.total().kept(), summary.total().samples(), keep.name().toLowerCase(), seconds, verifySeconds, out));
            return lines;
        }

        /** The error when some samples could not be judged (the first one's reason in it), or null when all were. */
        public String unjudged() {
            int errors = summary.total().count(Outcome.INFRASTRUCTURE_ERROR);
            if (errors == 0) {
                return null;
            }
            String first = judged.stream().filter(j -> !j.outcome().graded()).findFirst().map(Judged::reason).orElse("");
            return errors + " samples could not be judged (outcome infrastructure_error in rejected.jsonl; first: " + first + "); rerun to judge them";
        }
    }

    /**
     * The candidates of the input, with what they are recorded under {@code about} (stats.json); an
     * input that holds none, or none readable, is an {@link RunException}.
     */
    public static List<Candidate> candidates(Input in, Benchmarks benchmarks, ObjectNode about) {
        List<Candidate> cs;
        try {
            cs = read(in, benchmarks, about);
        } catch (RunException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new RunException(e.getMessage());
        }
        if (cs.isEmpty()) {
            throw new RunException("nothing to curate: the input holds no generations");
        }
        if (cs.stream().allMatch(c -> c.unreadable() != null)) {
            throw new RunException(in.references() ? in.benchmark() + " has no reference solutions to curate"
                    : in.generations() + ": no line could be read (" + cs.getFirst().unreadable() + ")");
        }
        return cs;
    }

    /**
     * Judges the candidates ({@code step} runs once per verdict) and writes the four files into {@code out};
     * lengths are in the tokenizer's tokens, or characters without one.
     */
    public static Result curate(List<Candidate> candidates, Settings settings, Path out, ModelTokenizer tok, Path tokenizer, ObjectNode about,
                                Runnable step) throws IOException {
        about.put("system", settings.system());
        long t0 = System.nanoTime();
        List<Judged> judged;
        try (Judge judge = new Judge(settings.sandbox(), new CodeGrader.Settings(settings.timeoutS(), CodeGrader.Settings.LCB_DEFAULT.clock(),
                Limits.DEFAULT))) {
            judged = judge.judgeAll(candidates, step);
        }
        double verifySecs = (System.nanoTime() - t0) / 1e9;
        ToIntFunction<String> length = tok == null ? String::length : s -> tok.encode(s, false).length;
        about.put("length_unit", tok == null ? "characters" : "tokens");
        if (tok == null) {
            about.put("length_note", "no --tokenizer was given: lengths are characters (UTF-16 code units), not tokens");
        } else {
            about.put("tokenizer", tokenizer.toString());
        }
        SftWriter.Summary summary;
        try {
            summary = SftWriter.write(out, judged, settings.keep(), settings.system(), length, about);
        } catch (IllegalArgumentException e) {
            throw new RunException(e.getMessage());
        }
        return new Result(summary, judged, verifySecs);
    }

    /**
     * {@link #curate} with a bar on stderr, lengths counted by the tokenizer of model folder {@code tokenizer} (null: characters).
     * The tokenizer loads first, so that a bad folder fails before minutes of verifying.
     */
    public static Result curate(List<Candidate> candidates, Settings settings, Path out, Path tokenizer, ObjectNode about) throws IOException {
        try (ModelTokenizer tok = tokenizer == null ? null : ModelTokenizer.load(tokenizer, ModelConfig.read(tokenizer));
                ProgressBar bar = dev.arbiter.Progress.bar("verifying", candidates.size(), 0)) {
            return curate(candidates, settings, out, tok, tokenizer, about, bar::step);
        }
    }

    /** A fresh stats.json header. */
    public static ObjectNode about() {
        return Json.mapper().createObjectNode();
    }

    private static List<Candidate> read(Input in, Benchmarks b, ObjectNode about) {
        ObjectNode input = about.putObject("input");
        if (in.run() != null) {
            input.put("run", in.run().toString());
            RunSummary rf = RunSummary.openRun(in.run(), in.store());
            input.put("model", rf.model()).put("n", rf.n());
            try (CompletionStore st = CompletionStore.open(rf.store())) {
                List<Candidate> cs = Candidates.fromRun(rf, st, b.runProblems(in.window(), in.jsonl()), in.promptTemplate());
                about.put("prompt_template", in.promptTemplate() != null ? in.promptTemplate() : "(the run's own)");
                return cs;
            }
        }
        String template = in.promptTemplate() != null ? in.promptTemplate() : "{problem}";
        Path generations = in.generations();
        if (in.benchmark() != null) {
            List<Problem> problems = b.load(in.benchmark(), in.window()).problems();
            input.put("benchmark", in.benchmark());
            about.put("prompt_template", template);
            if (in.references()) {
                input.put("references", true);
                return Candidates.references(problems, template);
            }
            input.put("generations", generations.toString());
            Map<String, Problem> byId = new HashMap<>();
            problems.forEach(p -> byId.put(p.id(), p));
            List<String> lines = InputFiles.read(generations).lines().toList();
            List<Candidate> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).isBlank()) {
                    try {
                        out.add(Candidates.generation(lines.get(i), i + 1, byId, in.benchmark(), template));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(generations + ":" + e.getMessage().replaceFirst("^line ", ""));
                    }
                }
            }
            return out;
        }
        input.put("generations", generations.toString());
        List<String> lines = InputFiles.read(generations).lines().toList();
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.isBlank()) {
                continue;
            }
            if (out.isEmpty() && Candidates.looksLikeGeneration(raw)) {
                throw new IllegalArgumentException(generations + ":" + (i + 1) + ": lines with problem_id and completion need --benchmark NAME");
            }
            out.add(Candidates.selfContained(raw, i + 1));
        }
        return out;
    }
}
