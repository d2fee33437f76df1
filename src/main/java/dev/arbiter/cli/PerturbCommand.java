package dev.arbiter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.train.data.Perturber;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "perturb", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Perturb the reasoning of SFT data, as in Sky-T1's structure-vs-content study (Li et al. 2025, §4).",
            "Reads ShareGPT JSON lines (as `arbiter curate` writes them) and edits the last assistant message",
            "(from gpt or assistant): only its thought, between <|begin_of_thought|> and <|end_of_thought|>, else",
            "between <think> and </think>, else everything but the final step (the step with the last \\boxed).",
            "Every byte outside the changed units stays as it was. Each output line is the input record with the",
            "message replaced and a \"perturbation\" object: kind, fraction, seed, unit, total, changed, indices",
            "(and moved_from for shuffle, donors for insert, a note when nothing could change).",
            "",
            "Kinds (k = round(F x N), half up, of the thought's N units):",
            "  digits        k of the N digit characters, each replaced by a different random digit",
            "  keywords      k of the N sentences holding a reasoning keyword (wait, but, hmm, ...) removed",
            "  delete        k of the N steps removed",
            "  insert        k steps replaced by steps of other records (each differs from the one it replaces)",
            "  shuffle       k steps permuted among their own places so that every one moves (k >= 2)",
            "  wrong-answer  the digits of the solution's last \\boxed{} changed until the answer differs (F = 1)",
            "Steps: a blank line ends a step, and so does a sentence opening with a reflection marker (Wait,",
            "Alternatively, Hmm, But let me, ...). The paper segmented with an LLM; this splitter is our deterministic stand-in."},
        footer = {"", "The paper's fractions: digits 0.2, 0.5, 0.7, 1.0; keywords 0.2, 0.5, 1.0; steps 0.33, 0.67, 1.0.",
            "Same input, kind, fraction and seed: byte-identical output (record i draws from its own seeded stream).",
            "--out is replaced in one atomic rename once complete.",
            "",
            "Examples:",
            "  arbiter perturb --in sft/qwq/sharegpt.jsonl --out sft/qwq/digits-50.jsonl --kind digits --fraction 0.5",
            "  arbiter perturb --in sft/qwq/sharegpt.jsonl --out sft/qwq/shuffle-33.jsonl --kind shuffle --fraction 0.33",
            "  arbiter perturb --in sft/qwq/sharegpt.jsonl --out sft/qwq/wrong.jsonl --kind wrong-answer"})
final class PerturbCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "ShareGPT JSONL.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the perturbed JSONL goes.")
    Path out;

    @Option(names = "--kind", required = true, paramLabel = "K", converter = KindConverter.class,
            description = "digits, keywords, delete, insert, shuffle or wrong-answer.")
    Perturber.Kind kind;

    @Option(names = "--fraction", paramLabel = "F", description = "Share of units to change, in (0, 1] (required but for wrong-answer, where it is 1).")
    Double fraction;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class KindConverter implements CommandLine.ITypeConverter<Perturber.Kind> {
        @Override
        public Perturber.Kind convert(String value) {
            try {
                return Perturber.Kind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** One input record and where its assistant message sits. */
    private record Item(ObjectNode record, ObjectNode message, String text) {}

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (fraction == null && kind != Perturber.Kind.WRONG_ANSWER) {
            throw new CommandLine.ParameterException(cl, "--kind " + kind.cliName + " needs --fraction F in (0, 1]");
        }
        double f = fraction == null ? 1.0 : fraction;
        if (!(f > 0 && f <= 1)) {
            throw new CommandLine.ParameterException(cl, "--fraction must be in (0, 1], got " + f);
        }
        if (kind == Perturber.Kind.WRONG_ANSWER && f != 1.0) {
            throw new CommandLine.ParameterException(cl, "wrong-answer changes the whole final answer: leave out --fraction or give 1");
        }
        if (Files.exists(out) && Files.exists(in) && Files.isSameFile(in, out)) {
            throw new CommandLine.ParameterException(cl, "--out must not be --in");
        }
        if (Files.isDirectory(out)) {
            throw new Errors.UserError(out + " is a folder; --out takes a file");
        }
        List<Item> items = read();
        if (kind == Perturber.Kind.INSERT && items.size() < 2) {
            throw new Errors.UserError(in + ": insert draws steps from other records, and it holds " + items.size());
        }
        MathVerifier verifier = kind == Perturber.Kind.WRONG_ANSWER ? new MathVerifier() : null;
        long total = 0;
        long changed = 0;
        int untouched = 0;
        TreeMap<String, Integer> where = new TreeMap<>();
        TreeMap<String, Integer> notes = new TreeMap<>();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = dev.arbiter.OutputFiles.tempBeside(out);
        try {
            Perturber p = new Perturber(kind, f, seed, items.stream().map(Item::text).toList(),
                    verifier == null ? null : (a, b) -> verifier.verify(a, "\\boxed{" + b + "}").equal());
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                 ProgressBar bar = ResumableJsonl.progress("perturbing", items.size(), 0)) {
                for (int i = 0; i < items.size(); i++) {
                    Item it = items.get(i);
                    Perturber.Result r = p.apply(i, it.text());
                    it.message().put(it.message().has("value") ? "value" : "content", r.message());
                    it.record().set("perturbation", Json.mapper().valueToTree(r.audit()));
                    w.write(Json.line(it.record()));
                    w.write('\n');
                    total += r.audit().total();
                    changed += r.audit().changed();
                    untouched += r.audit().changed() == 0 ? 1 : 0;
                    where.merge(r.audit().thought(), 1, Integer::sum);
                    if (r.audit().note() != null) {
                        notes.merge(r.audit().note().replaceFirst("^\\d+ ", "N "), 1, Integer::sum);
                    }
                    bar.step();
                }
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
            if (verifier != null) {
                verifier.close();
            }
        }
        PrintWriter o = cl.getOut();
        o.printf("perturbed %d records (%s, fraction %s, seed %d): changed %d of %d %s (%.1f%%); %d records unchanged; thought found by %s%n",
                items.size(), kind.cliName, f, seed, changed, total, kind.unit, total == 0 ? 0.0 : 100.0 * changed / total, untouched, where);
        notes.forEach((n, c) -> o.printf("  %d records: %s%n", c, n));
        o.printf("wrote %s%n", out);
        o.flush();
        return 0;
    }

    private List<Item> read() {
        List<Item> items = new ArrayList<>();
        try (InputFiles.Lines lines = new InputFiles.Lines(in)) {
            for (String raw; (raw = lines.next()) != null; ) {
                if (raw.isBlank()) {
                    continue;
                }
                String where = in + ":" + lines.number();
                JsonNode n;
                try {
                    n = Json.mapper().readTree(raw);
                } catch (IOException e) {
                    throw new Errors.UserError(where + ": not valid JSON");
                }
                if (!(n instanceof ObjectNode rec) || !n.path("conversations").isArray()) {
                    throw new Errors.UserError(where + ": not a ShareGPT record (needs a \"conversations\" list)");
                }
                ObjectNode assistant = null;
                for (JsonNode m : n.get("conversations")) {
                    String from = m.path("from").asText(m.path("role").asText(""));
                    if ((from.equals("gpt") || from.equals("assistant")) && m instanceof ObjectNode mo) {
                        assistant = mo;
                    }
                }
                if (assistant == null) {
                    throw new Errors.UserError(where + ": no assistant message (from \"gpt\" or \"assistant\")");
                }
                JsonNode text = assistant.has("value") ? assistant.get("value") : assistant.get("content");
                if (text == null || !text.isTextual()) {
                    throw new Errors.UserError(where + ": the assistant message has no \"value\" string");
                }
                if (rec.has("perturbation")) {
                    throw new Errors.UserError(where + ": already perturbed; perturb the original data");
                }
                items.add(new Item(rec, assistant, text.asText()));
            }
        }
        if (items.isEmpty()) {
            throw new Errors.UserError(in + ": no records");
        }
        return items;
    }
}
