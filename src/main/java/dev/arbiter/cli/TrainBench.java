package dev.arbiter.cli;

import dev.arbiter.Progress;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.inference.engine.Torch;
import dev.arbiter.reward.Shaping;
import dev.arbiter.train.rl.AdamW;
import dev.arbiter.train.rl.PolicyLoss;
import dev.arbiter.train.rl.PolicyModel;
import dev.arbiter.train.rl.PromptSet;
import dev.arbiter.train.rl.Rewards;
import dev.arbiter.train.rl.RlConfig;
import dev.arbiter.train.rl.RlTrainer;
import dev.arbiter.train.rl.SftTrainer;
import dev.arbiter.train.rl.TrainingPlot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The learning demonstration on the CPU: a tiny random-weight Qwen2 model learns multi-digit addition.",
            "1. a short supervised warm-up on \\boxed{sum} demonstrations teaches the answer format (and a little arithmetic);",
            "2. `arbiter train rl`'s trainer then samples groups of answers, scores them with the math verifier, and",
            "   follows leave-one-out advantages with a clipped policy-gradient loss, an entropy bonus and a KL term",
            "   to a moving-average reference. A response that runs out of tokens without stopping gets -1 (T1's",
            "   garbage reward for overlong output).",
            "It prints the mean verifier reward on held-out prompts (pairs never trained on) before and after RL,",
            "and leaves metrics.csv, training.png and the checkpoints in --out."},
        footer = {"", "Example:", "  arbiter bench train --out results/train-demo"})
final class TrainBench implements Callable<Integer> {
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

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = dev.arbiter.cli.options.TorchThreadsOption.DESCRIPTION)
    int threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (Files.exists(out.resolve("run.json"))) {
            throw new Errors.UserError(out + " already holds a run; give a new --out (the demonstration always starts from scratch)");
        }
        Torch.threads(threads);
        long t0 = System.nanoTime();
        Path base = out.resolve("base-model");
        Path warm = out.resolve("sft-model");
        TinyModel.Spec shape = new TinyModel.Spec(ModelConfig.Architecture.QWEN2, hidden, hidden * 2, 2, 4, 2, 0, 0, true, 0.02, seed,
                Safetensors.DType.F32, 512);
        TinyModel.write(base, shape);
        PromptSet task;
        try {
            task = PromptSet.addition(digits, heldOut, seed);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError("--digits " + digits + " --held-out " + heldOut + ": " + e.getMessage());
        }
        o.printf("task: %d-digit addition, %d training pairs, %d held-out pairs; model: Qwen2, hidden %d, 2 layers, byte-level vocabulary%n",
                digits, task.train().size(), task.heldOut().size(), hidden);
        o.flush();
        try (PolicyModel m = PolicyModel.load(base, Torch.device("cpu"), true); ModelTokenizer tok = ModelTokenizer.load(base, m.config());
                me.tongfei.progressbar.ProgressBar bar = Progress.bar("warm-up", sftSteps, 0)) {
            long s0 = System.nanoTime();
            SftTrainer.Result r = SftTrainer.train(m, tok, task.train(), false, sftSteps, 32, AdamW.Settings.of(sftLr), seed, s -> bar.step());
            m.save(warm, Safetensors.DType.F32);
            o.printf("warm-up: %d supervised steps, loss %.3f -> %.3f, %.1f s%n", r.steps(), r.firstLoss(), r.lastLoss(), (System.nanoTime() - s0) / 1e9);
            o.flush();
        }
        RlConfig cfg = new RlConfig(steps, prompts, group, temperature, 1.0, digits + 10, new AdamW.Settings(lr, 0.9, 0.999, 1e-8, 0, 1.0),
                new PolicyLoss.Coefficients(0.2, entropyCoef, klCoef), 0.05, 1, seed, 50, evalEvery, false, java.util.OptionalDouble.of(-1));
        double[] first = {Double.NaN, Double.NaN};
        double[] last = {Double.NaN, Double.NaN};
        List<Double> evaluations = new ArrayList<>();
        long r0 = System.nanoTime();
        try (Rewards rewards = Rewards.inProcess(Shaping.DEFAULT); RlTrainer t = RlTrainer.open(warm, out, "cpu", cfg, task, rewards)) {
            t.train(log -> {
                if (!Double.isNaN(log.heldOutReward())) {
                    if (Double.isNaN(first[0])) {
                        first[0] = log.heldOutReward();
                        first[1] = log.heldOutAccuracy();
                    }
                    last[0] = log.heldOutReward();
                    last[1] = log.heldOutAccuracy();
                    evaluations.add(log.heldOutReward());
                    o.printf("step %4d  held-out reward %.3f%s%n", log.step(), log.heldOutReward(),
                            log.step() == 0 ? "" : String.format("  train reward %.3f  entropy %.3f  kl %.4f", log.reward(), log.entropy(), log.kl()));
                    o.flush();
                }
            });
        }
        Path plot = TrainingPlot.write(out.resolve("metrics.csv"), out.resolve("training.png"));
        double secs = (System.nanoTime() - t0) / 1e9;
        // one evaluation swings by a few points from the next; the mean of the last three is the steadier "after"
        int tail = Math.min(3, evaluations.size() - 1);
        double settled = evaluations.subList(evaluations.size() - tail, evaluations.size()).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
        o.printf("held-out mean verifier reward: before RL %.3f, after %d RL steps %.3f (%+.3f), mean of the last %d evaluations %.3f (%+.3f); "
                + "RL took %.1f s, everything %.1f s%n", first[0], steps, last[0], last[0] - first[0], tail, settled, settled - first[0],
                (System.nanoTime() - r0) / 1e9, secs);
        o.printf("curves: %s; per-step figures: %s%n", plot, out.resolve("metrics.csv"));
        return 0;
    }
}
