package dev.arbiter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.SandboxOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.cli.options.TestTimeoutOption;
import dev.arbiter.train.data.Candidate;
import dev.arbiter.train.data.Curation;
import dev.arbiter.train.data.SftWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
final class CurateCommand extends CommandBase {
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

    @CommandLine.Mixin
    TestTimeoutOption timeout;

    @CommandLine.Mixin
    SandboxOptions sandbox;

    @CommandLine.Mixin
    SelectionOptions window;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        Curation.Input input;
        try {
            input = new Curation.Input(run, store, jsonl, generations, references, benchmark, promptTemplate, window.selection());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Curation.Settings settings = new Curation.Settings(keep, system, timeout.seconds(), sandbox.config());
        SftWriter.checkOut(out);
        ObjectNode about = Curation.about();
        List<Candidate> candidates = Curation.candidates(input, data.open(), about);
        PrintWriter o = cl.getOut();
        long t0 = System.nanoTime();
        Curation.Result r = Curation.curate(candidates, settings, out, tokenizer, about);
        r.lines(keep, tokenizer == null ? "chars" : "tokens", (System.nanoTime() - t0) / 1e9, out).forEach(o::println);
        o.flush();
        String unjudged = r.unjudged();
        if (unjudged != null) {
            cl.getErr().println("arbiter: " + unjudged);
            cl.getErr().flush();
            return Errors.FAILURE;
        }
        return 0;
    }
}
