package dev.arbiter.perf;

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
import java.util.OptionalDouble;

/**
 * The learning demonstration on the CPU: a tiny random-weight Qwen2 model gets a short supervised warm-up on
 * \boxed{sum} demonstrations, then the RL trainer samples groups of answers to addition problems, scores them
 * with the math verifier and follows them. Prints the held-out reward before and after RL, and leaves
 * metrics.csv, training.png and the checkpoints in the output folder.
 */
public final class AdditionDemo {
    /** Everything the demonstration is run with. */
    public record Settings(Path out, int digits, int sftSteps, int steps, int prompts, int group, double temperature, double lr,
            double sftLr, double entropyCoef, double klCoef, int heldOut, int evalEvery, long seed, int hidden, int threads) {}

    private AdditionDemo() {}

    /** Settings the demonstration cannot start with; thrown before anything is written. */
    public static final class BadSettings extends IllegalArgumentException {
        BadSettings(String message) {
            super(message);
        }
    }

    /** Runs it from scratch; {@link BadSettings} when the output folder holds a run already or the task cannot be built. */
    public static void run(Settings s, PrintWriter o) throws IOException {
        if (Files.exists(s.out().resolve("run.json"))) {
            throw new BadSettings(s.out() + " already holds a run; give a new --out (the demonstration always starts from scratch)");
        }
        PromptSet task;
        try {
            task = PromptSet.addition(s.digits(), s.heldOut(), s.seed()); // the held-out prompts are pairs never trained on
        } catch (IllegalArgumentException e) {
            throw new BadSettings("--digits " + s.digits() + " --held-out " + s.heldOut() + ": " + e.getMessage());
        }
        Torch.threads(s.threads());
        long t0 = System.nanoTime();
        Path base = s.out().resolve("base-model");
        Path warm = s.out().resolve("sft-model");
        TinyModel.Spec shape = new TinyModel.Spec(ModelConfig.Architecture.QWEN2, s.hidden(), s.hidden() * 2, 2, 4, 2, 0, 0, true, 0.02,
                s.seed(), Safetensors.DType.F32, 512);
        TinyModel.write(base, shape);
        o.printf("task: %d-digit addition, %d training pairs, %d held-out pairs; model: Qwen2, hidden %d, 2 layers, byte-level vocabulary%n",
                s.digits(), task.train().size(), task.heldOut().size(), s.hidden());
        o.flush();
        try (PolicyModel m = PolicyModel.load(base, Torch.device("cpu"), true); ModelTokenizer tok = ModelTokenizer.load(base, m.config())) {
            long s0 = System.nanoTime();
            int every = Math.max(1, s.sftSteps() / 5);
            SftTrainer.Result r = SftTrainer.train(m, tok, task.train(), false, s.sftSteps(), 32, AdamW.Settings.of(s.sftLr()), s.seed(), step -> {
                if ((step + 1) % every == 0) {
                    o.printf("warm-up: %d of %d steps%n", step + 1, s.sftSteps());
                    o.flush();
                }
            });
            m.save(warm, Safetensors.DType.F32);
            o.printf("warm-up: %d supervised steps, loss %.3f -> %.3f, %.1f s%n", r.steps(), r.firstLoss(), r.lastLoss(), (System.nanoTime() - s0) / 1e9);
            o.flush();
        }
        RlConfig cfg = new RlConfig(s.steps(), s.prompts(), s.group(), s.temperature(), 1.0, s.digits() + 10,
                new AdamW.Settings(s.lr(), 0.9, 0.999, 1e-8, 0, 1.0), new PolicyLoss.Coefficients(0.2, s.entropyCoef(), s.klCoef()), 0.05, 1,
                s.seed(), 50, s.evalEvery(), false, OptionalDouble.of(-1));
        double[] first = {Double.NaN, Double.NaN};
        double[] last = {Double.NaN, Double.NaN};
        List<Double> evaluations = new ArrayList<>();
        long r0 = System.nanoTime();
        try (Rewards rewards = Rewards.inProcess(Shaping.DEFAULT); RlTrainer t = RlTrainer.open(warm, s.out(), "cpu", cfg, task, rewards)) {
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
        Path plot = TrainingPlot.write(s.out().resolve("metrics.csv"), s.out().resolve("training.png"));
        double secs = (System.nanoTime() - t0) / 1e9;
        // one evaluation swings by a few points from the next; the mean of the last three is the steadier "after"
        int tail = Math.min(3, evaluations.size() - 1);
        double settled = evaluations.subList(evaluations.size() - tail, evaluations.size()).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
        o.printf("held-out mean verifier reward: before RL %.3f, after %d RL steps %.3f (%+.3f), mean of the last %d evaluations %.3f (%+.3f); "
                + "RL took %.1f s, everything %.1f s%n", first[0], s.steps(), last[0], last[0] - first[0], tail, settled, settled - first[0],
                (System.nanoTime() - r0) / 1e9, secs);
        o.printf("curves: %s; per-step figures: %s%n", plot, s.out().resolve("metrics.csv"));
        o.flush();
    }
}
