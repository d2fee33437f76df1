package dev.arbiter.cli;

import dev.arbiter.ArbiterException;
import dev.arbiter.cli.options.DeviceOption;
import dev.arbiter.cli.options.ModelFolderOption;
import dev.arbiter.cli.options.SeedOption;
import dev.arbiter.cli.options.TorchThreadsOption;
import dev.arbiter.train.rl.AdamW;
import dev.arbiter.train.rl.PromptSet;
import dev.arbiter.train.rl.SftTrainer;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a Qwen2/Llama model folder in process: supervised warm-up on curated data, then RL on verifier rewards.",
        subcommands = {TrainRlCommand.class, TrainCommand.Sft.class})
final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: rl or sft");
    }

    @Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Supervised fine-tuning on demonstrations: next-token loss on each response and its stop token.",
                "Reads what `arbiter curate` writes (sharegpt.jsonl or alpaca.jsonl), or JSONL with prompt and response,",
                "and writes a model folder that `arbiter train rl`, `arbiter serve` and `arbiter eval` load."},
            footer = {"", "Example:",
                "  arbiter curate --references --benchmark math500 --out results/curated",
                "  arbiter train sft --model DIR --data results/curated/sharegpt.jsonl --out results/sft --steps 500"})
    static final class Sft extends CommandBase {
        @CommandLine.Mixin
        ModelFolderOption model;

        @Option(names = "--data", required = true, paramLabel = "FILE", description = "ShareGPT, Alpaca, or prompt/response JSONL.")
        Path data;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the trained model folder goes.")
        Path out;

        @Option(names = "--steps", defaultValue = "500", paramLabel = "N", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Examples per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--lr", defaultValue = "1e-5", paramLabel = "LR", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
        double lr;

        @CommandLine.Mixin
        SeedOption seed;

        @Option(names = "--raw", description = "Feed prompts as they are instead of through the model's chat template.")
        boolean raw;

        @CommandLine.Mixin
        DeviceOption device;

        @CommandLine.Mixin
        TorchThreadsOption threads;

        @Override
        public Integer call() {
            if (steps < 1 || batch < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--steps and --batch must be at least 1");
            }
            threads.apply();
            List<PromptSet.Example> examples = PromptSet.demonstrations(data);
            Path dir = model.resolve();
            try {
                SftTrainer.Result r = SftTrainer.trainFolder(dir, device.device(), examples, !raw, steps, batch, AdamW.Settings.of(lr), seed.seed(), out);
                spec.commandLine().getOut().printf("%d examples, %d steps: loss %.4f over the first tenth, %.4f over the last; model in %s%n",
                        examples.size(), r.steps(), r.firstLoss(), r.lastLoss(), out);
            } catch (IllegalArgumentException e) {
                throw new ArbiterException(e.getMessage());
            }
            return 0;
        }
    }
}
