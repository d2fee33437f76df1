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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "train", mixinStandardHelpOptions = true, subcommands = {TrainRlCommand.class, TrainCommand.Sft.class})
final class TrainCommand extends CommandGroup {
    @Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false)
    static final class Sft extends CommandBase {
        @CommandLine.Mixin ModelFolderOption model;
        @Option(names = "--data", required = true, paramLabel = "FILE") Path data;
        @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
        @Option(names = "--steps", defaultValue = "500", paramLabel = "N") int steps;
        @Option(names = "--batch", defaultValue = "16", paramLabel = "B") int batch;
        @Option(names = "--lr", defaultValue = "1e-5", paramLabel = "LR") double lr;
        @CommandLine.Mixin SeedOption seed;
        @Option(names = "--raw") boolean raw;
        @CommandLine.Mixin DeviceOption device;
        @CommandLine.Mixin TorchThreadsOption threads;

        @Override
        protected int run(CommandLine cl) {
            if (steps < 1 || batch < 1) {
                throw new CommandLine.ParameterException(cl, "--steps and --batch must be at least 1");
            }
            threads.apply();
            List<PromptSet.Example> examples = PromptSet.demonstrations(data);
            Path dir = model.resolve();
            try {
                SftTrainer.Result r = SftTrainer.trainFolder(dir, device.device(), examples, !raw, steps, batch, AdamW.Settings.of(lr), seed.seed(), out);
                cl.getOut().printf("%d examples, %d steps: loss %.4f over the first tenth, %.4f over the last; model in %s%n",
                        examples.size(), r.steps(), r.firstLoss(), r.lastLoss(), out);
            } catch (IllegalArgumentException e) {
                throw new ArbiterException(e.getMessage());
            }
            return 0;
        }
    }
}
