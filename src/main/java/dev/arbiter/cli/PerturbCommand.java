package dev.arbiter.cli;

import dev.arbiter.cli.options.SeedOption;
import dev.arbiter.train.data.PerturbFile;
import dev.arbiter.train.data.Perturber;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "perturb", mixinStandardHelpOptions = true, sortOptions = false)
final class PerturbCommand extends CommandBase {
    @Option(names = "--in", required = true, paramLabel = "FILE") Path in;
    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
    @Option(names = "--kind", required = true, paramLabel = "K", converter = KindConverter.class) Perturber.Kind kind;
    @Option(names = "--fraction", paramLabel = "F") Double fraction;
    @CommandLine.Mixin SeedOption seed;

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
    protected int run(CommandLine cl) throws Exception {
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
