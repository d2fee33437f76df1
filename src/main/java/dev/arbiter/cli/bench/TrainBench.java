package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.perf.AdditionDemo;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false)
final class TrainBench extends CommandBase {
    @Option(names = "--out", defaultValue = "results/train-demo", paramLabel = "DIR") Path out;
    @Option(names = "--digits", defaultValue = "2", paramLabel = "D") int digits;
    @Option(names = "--sft-steps", defaultValue = "500", paramLabel = "N") int sftSteps;
    @Option(names = "--steps", defaultValue = "300", paramLabel = "N") int steps;
    @Option(names = "--prompts", defaultValue = "16", paramLabel = "B") int prompts;
    @Option(names = "--group", defaultValue = "8", paramLabel = "K") int group;
    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T") double temperature;
    @Option(names = "--lr", defaultValue = "3e-4", paramLabel = "LR") double lr;
    @Option(names = "--sft-lr", defaultValue = "1e-3", paramLabel = "LR") double sftLr;
    @Option(names = "--entropy-coef", defaultValue = "1e-4", paramLabel = "C") double entropyCoef;
    @Option(names = "--kl-coef", defaultValue = "1e-3", paramLabel = "C") double klCoef;
    @Option(names = "--held-out", defaultValue = "200", paramLabel = "N") int heldOut;
    @Option(names = "--eval-every", defaultValue = "25", paramLabel = "N") int evalEvery;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S") long seed;
    @Option(names = "--hidden", defaultValue = "128", paramLabel = "H") int hidden;
    @Option(names = "--threads", defaultValue = "1", paramLabel = "N") int threads;

    @Override
    protected int run(CommandLine cl) throws IOException {
        try {
            AdditionDemo.run(new AdditionDemo.Settings(out, digits, sftSteps, steps, prompts, group, temperature, lr, sftLr, entropyCoef, klCoef,
                    heldOut, evalEvery, seed, hidden, threads), cl.getOut());
        } catch (AdditionDemo.BadSettings e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        return 0;
    }
}
