package dev.arbiter.cli;

import dev.arbiter.cli.options.SeedOption;
import dev.arbiter.train.data.PerturbFile;
import dev.arbiter.train.data.Perturber;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
final class PerturbCommand extends CommandBase {
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "ShareGPT JSONL.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the perturbed JSONL goes.")
    Path out;

    @Option(names = "--kind", required = true, paramLabel = "K", converter = KindConverter.class,
            description = "digits, keywords, delete, insert, shuffle or wrong-answer.")
    Perturber.Kind kind;

    @Option(names = "--fraction", paramLabel = "F", description = "Share of units to change, in (0, 1] (required but for wrong-answer, where it is 1).")
    Double fraction;

    @CommandLine.Mixin
    SeedOption seed;

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

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        double f;
        try {
            f = kind.fraction(fraction);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (Files.exists(out) && Files.exists(in) && Files.isSameFile(in, out)) {
            throw new CommandLine.ParameterException(cl, "--out must not be --in");
        }
        PerturbFile.Records records = PerturbFile.read(in);
        PerturbFile.Summary s = PerturbFile.run(records, out, kind, f, seed.seed());
        PrintWriter o = cl.getOut();
        s.lines(kind, f, seed.seed(), out).forEach(o::println);
        o.flush();
        return 0;
    }
}
