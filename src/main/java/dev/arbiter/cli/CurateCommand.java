package dev.arbiter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.UserJsonl;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.json.Json;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.run.RunSummary;
import dev.arbiter.train.data.Candidate;
import dev.arbiter.train.data.Candidates;
import dev.arbiter.train.data.Judge;
import dev.arbiter.train.data.Judged;
import dev.arbiter.train.data.LengthStats;
import dev.arbiter.train.data.SftWriter;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.code.CodeGrader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "curate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Keep the generations the verifiers accept and write them as SFT data (Sky-T1's rejection sampling).",
            "Math is checked by the math verifier against the gold answer, code by running its tests in the sandbox",
            "as `arbiter grade` does. Writes into --out: sharegpt.jsonl and alpaca.jsonl (the kept samples),",
            "rejected.jsonl (the rest, each with its outcome and reason) and stats.json (counts per source and",
            "the length of kept responses: tokens with --tokenizer, else characters, labelled as such).",
            "",
            "Inputs, one of:",
            "  --run DIR                       a finished `arbiter eval` run: every stored sample, prompts as the run asked",
            "  --generations FILE --benchmark  `arbiter grade`'s input: {\"problem_id\", \"completion\"} per line",
            "  --references --benchmark        each math problem's reference solution as its generation",
            "  --generations FILE              self-contained lines: {\"prompt\", \"response\", \"answer\"} (math) or",
            "                                  {\"prompt\", \"response\", \"tests\"} (code, tests as the reward service reads",
            "                                  them), optional \"id\", \"source\" and \"grader\" (livecodebench|codecontests)"},
        footer = {"", "Outcomes, as eval, grade and the reward service name them: correct, wrong, no_answer (no answer",
            "extracted, no fenced code block, or an unreadable line), truncated (cut off at max_tokens; eval runs only),",
            "program_timeout, verifier_timeout, and infrastructure_error (the sandbox or the verifier failed: no verdict).",
            "--keep wrong writes the wrong ones (program timeouts included) as the SFT data instead: the paper's",
            "\"wrong answers\" set.",
            "A rerun over the same --out replaces its four files, each in one atomic rename once all are written;",
            "a folder holding other files is refused.",
            "",
            "Examples:",
            "  arbiter curate --references --benchmark math500 --out sft/math500-ref",
            "  arbiter curate --run results/qwq-32b-1a2b3c4d5e6f --out sft/qwq --tokenizer models/Qwen2.5-32B-Instruct",
            "  arbiter curate --generations gens.jsonl --benchmark livecodebench --out sft/lcb --keep wrong",
            "  arbiter curate --generations mine.jsonl --out sft/mine --system 'You are a careful reasoner.'"})
final class CurateCommand implements Callable<Integer> {
    @Option(names = "--run", paramLabel = "DIR", description = "A finished `arbiter eval` run folder.")
    Path run;

    @Option(names = "--store", paramLabel = "FILE|URL", description = "--run: the completion store (default: the run's own).")
    String store;

    @Option(names = "--jsonl", paramLabel = "FILE", description = "--run: the problems file of a benchmark the run read with --jsonl; repeatable.")
    List<Path> jsonl = new ArrayList<>();

    @Option(names = "--generations", paramLabel = "FILE", description = "JSONL generations (see above).")
    Path generations;

    @Option(names = "--references", description = "Curate the benchmark's reference solutions (math).")
    boolean references;

    @Option(names = "--benchmark", paramLabel = "NAME", description = "The benchmark --generations or --references refer to.")
    String benchmark;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the four output files (created).")
    Path out;

    @Option(names = "--keep", defaultValue = "correct", paramLabel = "correct|wrong", description = "Which verdict becomes SFT data (default: ${DEFAULT-VALUE}).")
    SftWriter.Keep keep;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt for every record (default: none; no system field).")
    String system;

    @Option(names = "--prompt-template", paramLabel = "TEXT",
            description = "The human turn for benchmark problems, with {problem} (default: the run's own template; '{problem}' otherwise).")
    String promptTemplate;

    @Option(names = "--tokenizer", paramLabel = "MODEL_DIR", description = "Count kept responses' lengths in this model's tokens.")
    Path tokenizer;

    @Option(names = "--timeout-s", defaultValue = "6", paramLabel = "S", description = "Code: per-test limit in whole seconds (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Option(names = "--containers", paramLabel = "N", description = "Code: sandbox containers in parallel (default: one per core but one).")
    Integer containers;

    @CommandLine.Mixin
    BenchmarksCommand.SelectionOptions window;

    @CommandLine.Mixin
    BenchmarksCommand.DataOptions data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        int inputs = (run != null ? 1 : 0) + (generations != null ? 1 : 0) + (references ? 1 : 0);
        if (inputs != 1) {
            throw new CommandLine.ParameterException(cl, "give exactly one input: --run, --generations or --references");
        }
        if (references && benchmark == null) {
            throw new CommandLine.ParameterException(cl, "--references needs --benchmark");
        }
        if (run != null && benchmark != null) {
            throw new CommandLine.ParameterException(cl, "--run curates the run's own benchmarks; leave out --benchmark");
        }
        if ((store != null || !jsonl.isEmpty()) && run == null) {
            throw new CommandLine.ParameterException(cl, "--store and --jsonl go with --run");
        }
        boolean selfContained = generations != null && benchmark == null;
        if (promptTemplate != null && (selfContained || !promptTemplate.contains("{problem}"))) {
            throw new CommandLine.ParameterException(cl, selfContained ? "--prompt-template applies to benchmark problems; self-contained lines carry their prompt"
                    : "--prompt-template must contain {problem}");
        }
        if (timeoutS < 1 || (containers != null && containers < 1)) {
            throw new CommandLine.ParameterException(cl, "--timeout-s and --containers must be at least 1");
        }
        try {
            SftWriter.checkOut(out);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
        ObjectNode about = Json.mapper().createObjectNode();
        List<Candidate> candidates;
        try {
            candidates = candidates(about);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
        if (candidates.isEmpty()) {
            throw new Errors.UserError("nothing to curate: the input holds no generations");
        }
        if (candidates.stream().allMatch(c -> c.unreadable() != null)) {
            throw new Errors.UserError(references ? benchmark + " has no reference solutions to curate"
                    : generations + ": no line could be read (" + candidates.getFirst().unreadable() + ")");
        }
        about.put("system", system);
        SandboxConfig cfg = SandboxConfig.defaults();
        if (containers != null) {
            cfg = cfg.withContainers(containers);
        }
        // The tokenizer loads first, so that a bad folder fails before minutes of verifying.
        try (ModelTokenizer tok = tokenizer == null ? null : ModelTokenizer.load(tokenizer, ModelConfig.read(tokenizer))) {
            return curate(cl, candidates, cfg, about, tok);
        }
    }

    private int curate(CommandLine cl, List<Candidate> candidates, SandboxConfig cfg, ObjectNode about, ModelTokenizer tok) throws Exception {
        PrintWriter o = cl.getOut();
        long t0 = System.nanoTime();
        List<Judged> judged;
        try (Judge judge = new Judge(cfg, new CodeGrader.Settings(timeoutS, CodeGrader.Settings.LCB_DEFAULT.clock(), Limits.DEFAULT));
             ProgressBar bar = ResumableJsonl.progress("verifying", candidates.size(), 0)) {
            judged = judge.judgeAll(candidates, bar::step);
        }
        double verifySecs = (System.nanoTime() - t0) / 1e9;
        SftWriter.Summary summary;
        ToIntFunction<String> length = tok == null ? String::length : s -> tok.encode(s, false).length;
        about.put("length_unit", tok == null ? "characters" : "tokens");
        if (tok == null) {
            about.put("length_note", "no --tokenizer was given: lengths are characters (UTF-16 code units), not tokens");
        } else {
            about.put("tokenizer", tokenizer.toString());
        }
        try {
            summary = SftWriter.write(out, judged, keep, system, length, about);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(e.getMessage());
        }
        String unit = tok == null ? "chars" : "tokens";
        summary.sources().forEach((s, c) -> o.println(line(s, c, unit)));
        if (summary.sources().size() > 1) {
            o.println(line("all", summary.total(), unit));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        o.printf("kept %d of %d (--keep %s) in %.1f s (verifying %.1f s): %s/sharegpt.jsonl, alpaca.jsonl, rejected.jsonl, stats.json%n",
                summary.total().kept(), summary.total().samples(), keep.name().toLowerCase(), secs, verifySecs, out);
        o.flush();
        int errors = summary.total().count(Outcome.INFRASTRUCTURE_ERROR);
        if (errors > 0) {
            PrintWriter err = cl.getErr();
            String first = judged.stream().filter(j -> !j.outcome().graded()).findFirst().map(Judged::reason).orElse("");
            err.println("arbiter: " + errors + " samples could not be judged (outcome infrastructure_error in rejected.jsonl; first: "
                    + first + "); rerun to judge them");
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }

    private static String line(String source, SftWriter.Counts c, String unit) {
        LengthStats l = c.keptLength();
        StringBuilder by = new StringBuilder();
        c.outcomes().forEach((o, k) -> {
            if (k > 0 || o.equals(Outcome.CORRECT.label()) || o.equals(Outcome.WRONG.label())) {
                by.append(by.isEmpty() ? "" : ", ").append(o).append(' ').append(k);
            }
        });
        return String.format("%s: kept %d of %d (%s); kept %s min %d mean %.1f median %.1f p90 %.1f max %d",
                source, c.kept(), c.samples(), by, unit, l.min(), l.mean(), l.median(), l.p90(), l.max());
    }

    /** A run's benchmark loaded again: a shipped one by name, the user's own file from --jsonl. */
    private List<Problem> problemsOf(Benchmarks b, String name) {
        if (!name.startsWith("jsonl:")) {
            return b.load(name, window.selection()).problems();
        }
        String file = name.substring("jsonl:".length());
        for (Path f : jsonl) {
            if (f.getFileName().toString().equals(file)) {
                return b.loadJsonl(f, new UserJsonl.Mapping(Kind.MATH, Map.of())).problems();
            }
        }
        throw new IllegalArgumentException("the run read its problems from your file " + file + ": pass it with --jsonl FILE");
    }

    private List<Candidate> candidates(ObjectNode about) {
        ObjectNode input = about.putObject("input");
        if (run != null) {
            input.put("run", run.toString());
            RunSummary rf = ScaleCommand.readRun(run, store);
            input.put("model", rf.model()).put("n", rf.n());
            Benchmarks b = data.open();
            try (CompletionStore st = CompletionStore.open(rf.store())) {
                List<Candidate> cs = Candidates.fromRun(rf, st, name -> problemsOf(b, name), promptTemplate);
                about.put("prompt_template", promptTemplate != null ? promptTemplate : "(the run's own)");
                return cs;
            }
        }
        String template = promptTemplate != null ? promptTemplate : "{problem}";
        if (benchmark != null) {
            List<Problem> problems = data.open().load(benchmark, window.selection()).problems();
            input.put("benchmark", benchmark);
            about.put("prompt_template", template);
            if (references) {
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
                        out.add(Candidates.generation(lines.get(i), i + 1, byId, benchmark, template));
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
