package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.perf.AdditionDemo;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The learning demonstration: a tiny model learns addition on the CPU.",
            "The learning demonstration on the CPU: a tiny random-weight Qwen2 model learns multi-digit addition.",
            "1. a short supervised warm-up on \\boxed{sum} demonstrations teaches the answer format (and a little arithmetic);",
            "2. `arbiter train rl`'s trainer then samples groups of answers, scores them with the math verifier, and",
            "   follows leave-one-out advantages with a clipped policy-gradient loss, an entropy bonus and a KL term",
            "   to a moving-average reference. A response that runs out of tokens without stopping gets -1 (T1's",
            "   garbage reward for overlong output).",
            "It prints the mean verifier reward on held-out prompts (pairs never trained on) before and after RL,",
            "and leaves metrics.csv, training.png and the checkpoints in --out."},
        footer = {"", "Example:", "  arbiter bench train --out results/train-demo"})
final class TrainBench extends CommandBase {
    @Option(names = "--out", defaultValue = "results/train-demo", paramLabel = "DIR", description = "Where the run goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--digits", defaultValue = "2", paramLabel = "D", description = "Digits per addend (default: ${DEFAULT-VALUE}).")
    int digits;

    @Option(names = "--sft-steps", defaultValue = "500", paramLabel = "N", description = "Supervised warm-up steps (default: ${DEFAULT-VALUE}).")
    int sftSteps;

    @Option(names = "--steps", defaultValue = "300", paramLabel = "N", description = "RL steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--prompts", defaultValue = "16", paramLabel = "B", description = "Prompts per RL step (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--group", defaultValue = "8", paramLabel = "K", description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--lr", defaultValue = "3e-4", paramLabel = "LR", description = "RL learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--sft-lr", defaultValue = "1e-3", paramLabel = "LR", description = "Warm-up learning rate (default: ${DEFAULT-VALUE}).")
    double sftLr;

    @Option(names = "--entropy-coef", defaultValue = "1e-4", paramLabel = "C", description = "Entropy bonus (default: ${DEFAULT-VALUE}).")
    double entropyCoef;

    @Option(names = "--kl-coef", defaultValue = "1e-3", paramLabel = "C", description = "KL to the reference (default: ${DEFAULT-VALUE}).")
    double klCoef;

    @Option(names = "--held-out", defaultValue = "200", paramLabel = "N", description = "Held-out prompts (default: ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--eval-every", defaultValue = "25", paramLabel = "N", description = "RL steps between held-out evaluations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the model, the data and the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hidden", defaultValue = "128", paramLabel = "H", description = "Hidden size of the tiny model (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "libtorch's intra-op threads; one makes CPU runs repeat far more often (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException {
        try {
            AdditionDemo.run(new AdditionDemo.Settings(out, digits, sftSteps, steps, prompts, group, temperature, lr, sftLr, entropyCoef, klCoef,
                    heldOut, evalEvery, seed, hidden, threads), spec.commandLine().getOut());
        } catch (AdditionDemo.BadSettings e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return 0;
    }
}
