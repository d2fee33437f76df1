package dev.arbiter.cli;

import dev.arbiter.cli.options.SeedOption;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.TinyModel;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Model folders for the in-process engine (Hugging Face layout: config.json, tokenizer.json, safetensors).",
        subcommands = {ModelCommand.Tiny.class, ModelCommand.Info.class})
final class ModelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: tiny or info");
    }

    @Command(name = "tiny", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes a random-weight model in the real Hugging Face format.",
                "For tests and benchmarks where no weights can be downloaded: config.json, a byte-level BPE tokenizer.json, tokenizer_config.json with a chat template,",
                "generation_config.json and model.safetensors."},
            footer = {"", "Examples:", "  arbiter model tiny --arch qwen2 --out /tmp/tiny",
                "  arbiter model tiny --arch llama --preset m100 --out /tmp/m100     (about 100M parameters, for arbiter bench generate)"})
    static final class Tiny extends CommandBase {
        @Option(names = "--arch", defaultValue = "qwen2", paramLabel = "ARCH", description = "qwen2 or llama (default: ${DEFAULT-VALUE}).")
        ModelConfig.Architecture arch;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write (created; files in it are replaced).")
        Path out;

        @Option(names = "--preset", defaultValue = "none", paramLabel = "P",
                description = "m100: hidden 768, 12 layers, 12 heads (4 kv), MLP 2048, vocab 32000, tied: about 100M parameters.")
        TinyModel.Preset preset;

        @Option(names = "--hidden", defaultValue = "64", paramLabel = "N", description = "Hidden size (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--intermediate", defaultValue = "128", paramLabel = "N", description = "MLP size (default: ${DEFAULT-VALUE}).")
        int intermediate;

        @Option(names = "--layers", defaultValue = "2", paramLabel = "N", description = "Decoder layers (default: ${DEFAULT-VALUE}).")
        int layers;

        @Option(names = "--heads", defaultValue = "4", paramLabel = "N", description = "Attention heads (default: ${DEFAULT-VALUE}).")
        int heads;

        @Option(names = "--kv-heads", defaultValue = "2", paramLabel = "N", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
        int kvHeads;

        @Option(names = "--vocab", defaultValue = "0", paramLabel = "N",
                description = "The model's vocabulary; 0 means the tokenizer's size; larger pads like real checkpoints (default: ${DEFAULT-VALUE}).")
        int vocab;

        @Option(names = "--merges", defaultValue = "200", paramLabel = "N", description = "BPE merges to learn (default: ${DEFAULT-VALUE}).")
        int merges;

        @Option(names = "--untied", description = "A separate lm_head instead of reusing the embedding (default: tied for qwen2, untied for llama).")
        Boolean untied;

        @Option(names = "--init-std", defaultValue = "0.02", paramLabel = "S", description = "Weight standard deviation (default: ${DEFAULT-VALUE}).")
        double initStd;

        @CommandLine.Mixin
        SeedOption seed;

        @Option(names = "--dtype", defaultValue = "bf16", paramLabel = "T", description = "f32, f16 or bf16, as stored (default: ${DEFAULT-VALUE}).")
        String dtype;

        @Option(names = "--max-positions", defaultValue = "32768", paramLabel = "N", description = "Context length (default: ${DEFAULT-VALUE}).")
        int maxPositions;

        @Override
        public Integer call() {
            TinyModel.Spec s;
            try {
                s = TinyModel.Spec.of(preset, arch, hidden, intermediate, layers, heads, kvHeads, vocab, merges, untied, initStd, seed.seed(), dtype,
                        maxPositions);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            ModelConfig cfg = TinyModel.write(out, s);
            spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters, hidden %d, %d layers, %d/%d heads, vocab %d, %s weights%n",
                    out, arch.modelType(), cfg.parameterCount(), cfg.hiddenSize(), cfg.layers(), cfg.heads(), cfg.kvHeads(), cfg.vocabSize(), s.dtype());
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Prints a model folder's architecture, size and weight files.")
    static final class Info extends CommandBase {
        @Parameters(paramLabel = "DIR", description = "A model folder.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            ModelConfig.describe(dir).forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }
}
