package dev.arbiter.cli;

import dev.arbiter.cli.options.MathOptions;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "verify", mixinStandardHelpOptions = true, defaultValueProvider = MathOptions.Defaults.class, sortOptions = false)
final class VerifyCommand extends CommandBase {
    /** With --exit-code, the exit code of a verdict of "not equal"; 1 and 2 keep their meaning. */
    static final int NOT_EQUAL = 3;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Gold gold;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pred pred;

    static final class Gold {
        @Option(names = "--gold", required = true, paramLabel = "TEXT") String text;
        @Option(names = "--gold-file", required = true, paramLabel = "FILE") Path file;
    }

    static final class Pred {
        @Option(names = "--pred", required = true, paramLabel = "TEXT") String text;
        @Option(names = "--pred-file", required = true, paramLabel = "FILE") Path file;
    }

    @Option(names = "--exit-code") boolean exitCode;
    @CommandLine.Mixin MathOptions options;

    @Override
    protected int run(CommandLine cl) {
        MathConfig config = options.config();
        String g = gold.text != null ? gold.text : dev.arbiter.run.InputFiles.read(gold.file);
        String p = pred.text != null ? pred.text : dev.arbiter.run.InputFiles.read(pred.file);
        MathVerdict v;
        try (MathVerifier verifier = new MathVerifier(config)) {
            v = verifier.verify(g, p);
        }
        PrintWriter out = cl.getOut();
        out.println(MathAnswerVerifier.jsonLine(v));
        out.flush();
        return exitCode && !v.equal() ? NOT_EQUAL : 0;
    }
}
