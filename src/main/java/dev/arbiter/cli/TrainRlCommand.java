package dev.arbiter.cli;

import dev.arbiter.ArbiterException;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.DeviceOption;
import dev.arbiter.cli.options.ModelFolderOption;
import dev.arbiter.cli.options.SeedOption;
import dev.arbiter.cli.options.ShapingOption;
import dev.arbiter.cli.options.TorchThreadsOption;
import dev.arbiter.reward.Shaping;
import dev.arbiter.train.rl.AdamW;
import dev.arbiter.train.rl.PolicyLoss;
import dev.arbiter.train.rl.PromptSet;
import dev.arbiter.train.rl.Rewards;
import dev.arbiter.train.rl.RlConfig;
import dev.arbiter.train.rl.RlTrainer;
import dev.arbiter.train.rl.TrainingPlot;
import java.net.URI;
import java.nio.file.Path;
import java.util.OptionalDouble;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "rl", mixinStandardHelpOptions = true, sortOptions = false)
final class TrainRlCommand extends CommandBase {
    @CommandLine.Mixin ModelFolderOption model;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;

    @CommandLine.ArgGroup(multiplicity = "1")
    PromptSource source;

    static final class PromptSource {
        @Option(names = "--task", paramLabel = "addition:D") String task;
        @Option(names = "--prompts", paramLabel = "FILE") Path prompts;
        @Option(names = "--benchmark", paramLabel = "NAME") String benchmark;
    }

    @Option(names = "--held-out-every", defaultValue = "10", paramLabel = "N") int heldOutEvery;
    @Option(names = "--steps", defaultValue = "100", paramLabel = "N") int steps;
    @Option(names = "--prompts-per-step", defaultValue = "8", paramLabel = "B") int promptsPerStep;
    @Option(names = "--group", defaultValue = "16", paramLabel = "K") int group;
    @Option(names = "--temperature", defaultValue = "1.2", paramLabel = "T") double temperature;
    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P") double topP;
    @Option(names = "--max-new-tokens", defaultValue = "512", paramLabel = "N") int maxNewTokens;
    @Option(names = "--lr", defaultValue = "1e-6", paramLabel = "LR") double lr;
    @Option(names = "--clip", defaultValue = "0.2", paramLabel = "EPS") double clip;
    @Option(names = "--entropy-coef", defaultValue = "0.001", paramLabel = "C") double entropyCoef;
    @Option(names = "--kl-coef", defaultValue = "2e-4", paramLabel = "C") double klCoef;
    @Option(names = "--reference-ema", defaultValue = "0.01", paramLabel = "A") double referenceEma;
    @Option(names = "--updates-per-batch", defaultValue = "1", paramLabel = "N") int updates;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "N") double maxGradNorm;
    @CommandLine.Mixin SeedOption seed;
    @Option(names = "--save-every", defaultValue = "20", paramLabel = "N") int saveEvery;
    @Option(names = "--eval-every", defaultValue = "20", paramLabel = "N") int evalEvery;
    @Option(names = "--raw") boolean raw;
    @Option(names = "--truncated-reward", paramLabel = "R") Double truncatedReward;
    @CommandLine.Mixin TorchThreadsOption threads;
    @Option(names = "--reward-url", paramLabel = "URL") URI rewardUrl;
    @Option(names = "--reward-token", paramLabel = "TOKEN") String rewardToken;
    @CommandLine.Mixin ShapingOption shaping;
    @CommandLine.Mixin DeviceOption device;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) {
        RlConfig cfg;
        PromptSet prompts;
        try {
            cfg = new RlConfig(steps, promptsPerStep, group, temperature, topP, maxNewTokens,
                    new AdamW.Settings(lr, 0.9, 0.999, 1e-8, 0.0, maxGradNorm), new PolicyLoss.Coefficients(clip, entropyCoef, klCoef),
                    referenceEma, updates, seed.seed(), saveEvery, evalEvery, !raw,
                    truncatedReward == null ? OptionalDouble.empty() : OptionalDouble.of(truncatedReward));
            prompts = PromptSet.of(source.task, source.prompts, () -> data.open().load(source.benchmark, Selection.DEFAULT), heldOutEvery, seed.seed());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Shaping s = shaping.shaping();
        threads.apply();
        Path dir = model.resolve();
        try (Rewards rewards = rewardUrl == null ? Rewards.inProcess(s) : Rewards.remote(rewardUrl, rewardToken, s);
                RlTrainer t = RlTrainer.open(dir, out, device.device(), cfg, prompts, rewards)) {
            t.train(cl.getErr());
        } catch (IllegalArgumentException e) {
            throw new ArbiterException(e.getMessage());
        }
        Path plot = TrainingPlot.write(out.resolve("metrics.csv"), out.resolve("training.png"));
        cl.getOut().printf("trained %d steps: %s, %s, checkpoints in %s%n", steps, out.resolve("metrics.csv"), plot,
                out.resolve("checkpoints"));
        return 0;
    }
}
