package dev.arbiter.cli;

import dev.arbiter.cli.options.MathOptions;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        defaultValueProvider = MathOptions.Defaults.class,
        sortOptions = false,
        description = {
            "Check a math answer against the gold answer; prints the verdict as JSON.",
            "The verdict is one JSON object: equal, reason (the rule that decided), timed_out, extracted_gold and",
            "extracted_pred (the answers found, as written), micros (time taken), and outcome in the words eval,",
            "grade and the reward service use (correct, wrong, no_answer, verifier_timeout, infrastructure_error).",
            "The prediction may be a whole",
            "chain of thought: the verifier finds its answer (by default a \\boxed{} one first; with",
            "--extraction boxed only the last \\boxed{} counts).",
            "Exit code 0 whether equal or not (see --exit-code)."
        },
        footer = {
            "",
            "Examples:",
            "  arbiter verify --gold 0.5 --pred 'so the answer is $\\boxed{\\frac{1}{2}}$'      # equal",
            "  arbiter verify --gold 3 --pred '\\boxed{4}' --exit-code || echo wrong            # not equal: exit 3",
            "  arbiter verify --gold-file gold.txt --pred-file output.txt --float-rounding 2",
            "  arbiter verify --gold C --pred 'The answer is (C).' --choices A,B,C,D,E",
            "  arbiter verify --gold 10 --pred '10\\%%' --percent lenient                      # equal only when lenient",
            "  arbiter verify --gold '$x^2+1$' --pred 'x**2 + 1' --gold-as latex --pred-as expr",
            "  arbiter verify --gold 7 --pred 'The answer is 7.' --extraction boxed             # not equal: no box",
            "",
            "Many pairs at once, in parallel and resumable: arbiter verify-batch --help."
        })
final class VerifyCommand extends CommandBase {
    /** With --exit-code, the exit code of a verdict of "not equal"; 1 and 2 keep their meaning. */
    static final int NOT_EQUAL = 3;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Gold gold;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pred pred;

    static final class Gold {
        @Option(names = "--gold", required = true, paramLabel = "TEXT", description = "The gold answer.")
        String text;

        @Option(names = "--gold-file", required = true, paramLabel = "FILE", description = "A file holding the gold answer (UTF-8).")
        Path file;
    }

    static final class Pred {
        @Option(names = "--pred", required = true, paramLabel = "TEXT", description = "The model's output.")
        String text;

        @Option(names = "--pred-file", required = true, paramLabel = "FILE", description = "A file holding the model's output (UTF-8).")
        Path file;
    }

    @Option(names = "--exit-code", description = "Exit 3 when not equal (0 when equal), for shell scripts.")
    boolean exitCode;

    @CommandLine.Mixin
    MathOptions options;

    @Override
    public Integer call() {
        MathConfig config = options.config();
        String g = gold.text != null ? gold.text : dev.arbiter.run.InputFiles.read(gold.file);
        String p = pred.text != null ? pred.text : dev.arbiter.run.InputFiles.read(pred.file);
        MathVerdict v;
        try (MathVerifier verifier = new MathVerifier(config)) {
            v = verifier.verify(g, p);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(MathAnswerVerifier.jsonLine(v));
        out.flush();
        return exitCode && !v.equal() ? NOT_EQUAL : 0;
    }
}
