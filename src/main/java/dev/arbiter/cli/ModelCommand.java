package dev.arbiter.cli;

import dev.arbiter.cli.options.SeedOption;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.TinyModel;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "model", mixinStandardHelpOptions = true, subcommands = {ModelCommand.Tiny.class, ModelCommand.Info.class})
final class ModelCommand extends CommandGroup {
    @Command(name = "tiny", mixinStandardHelpOptions = true, sortOptions = false)
    static final class Tiny extends CommandBase {
        @Option(names = "--arch", defaultValue = "qwen2", paramLabel = "ARCH") ModelConfig.Architecture arch;
        @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
        @Option(names = "--preset", defaultValue = "none", paramLabel = "P") TinyModel.Preset preset;
        @Option(names = "--hidden", defaultValue = "64", paramLabel = "N") int hidden;
        @Option(names = "--intermediate", defaultValue = "128", paramLabel = "N") int intermediate;
        @Option(names = "--layers", defaultValue = "2", paramLabel = "N") int layers;
        @Option(names = "--heads", defaultValue = "4", paramLabel = "N") int heads;
        @Option(names = "--kv-heads", defaultValue = "2", paramLabel = "N") int kvHeads;
        @Option(names = "--vocab", defaultValue = "0", paramLabel = "N") int vocab;
        @Option(names = "--merges", defaultValue = "200", paramLabel = "N") int merges;
        @Option(names = "--untied") Boolean untied;
        @Option(names = "--init-std", defaultValue = "0.02", paramLabel = "S") double initStd;
        @CommandLine.Mixin SeedOption seed;
        @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "T") String dtype;
        @Option(names = "--max-positions", defaultValue = "32768", paramLabel = "N") int maxPositions;

        @Override
        protected int run(CommandLine cl) {
            TinyModel.Spec s;
            try {
                s = TinyModel.Spec.of(preset, arch, hidden, intermediate, layers, heads, kvHeads, vocab, merges, untied, initStd, seed.seed(), dtype,
                        maxPositions);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            ModelConfig cfg = TinyModel.write(out, s);
            cl.getOut().printf("wrote %s: %s, %,d parameters, hidden %d, %d layers, %d/%d heads, vocab %d, %s weights%n",
                    out, arch.modelType(), cfg.parameterCount(), cfg.hiddenSize(), cfg.layers(), cfg.heads(), cfg.kvHeads(), cfg.vocabSize(), s.dtype());
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true)
    static final class Info extends CommandBase {
        @Parameters(paramLabel = "DIR", description = "A model folder.")
        Path dir;

        @Override
        protected int run(CommandLine cl) throws Exception {
            ModelConfig.describe(dir).forEach(cl.getOut()::println);
            return 0;
        }
    }
}
