package dev.arbiter.train.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.Torch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;

/**
 * Supervised fine-tuning on demonstrations (prompt → response), next-token loss on the response and
 * its stop token only: the warm-up that curated data feeds before RL, as in Sky-T1 and T1.
 */
public final class SftTrainer {
    private SftTrainer() {}

    /** Figures of a finished SFT run: the mean loss of the first and the last tenth of the steps. */
    public record Result(int steps, double firstLoss, double lastLoss) {}

    /**
     * Trains the model in folder {@code model} on {@code device} with a bar on stderr, and writes the trained model
     * as an f32 folder {@code out}.
     */
    public static Result trainFolder(Path model, String device, List<PromptSet.Example> data, boolean chatTemplate, int steps, int batchSize,
            AdamW.Settings opt, long seed, Path out) {
        try (PolicyModel m = PolicyModel.load(model, Torch.device(device), true); ModelTokenizer tok = ModelTokenizer.load(model, m.config());
                ProgressBar bar = dev.arbiter.Progress.bar("sft", steps, 0)) {
            Result r = train(m, tok, data, chatTemplate, steps, batchSize, opt, seed, s -> bar.step());
            m.save(out, Safetensors.DType.F32);
            return r;
        }
    }

    /**
     * @param chatTemplate whether prompts go through the tokenizer's chat template
     * @param progress called after each step with its number
     */
    public static Result train(PolicyModel model, ModelTokenizer tokenizer, List<PromptSet.Example> data, boolean chatTemplate, int steps,
            int batchSize, AdamW.Settings opt, long seed, IntConsumer progress) {
        List<PromptSet.Example> usable = data.stream().filter(e -> e.demonstration() != null).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no demonstrations to learn from: the examples carry no response");
        }
        int stopToken = tokenizer.eosTokenIds().stream().min(Integer::compare).orElseThrow(
                () -> new IllegalArgumentException("the tokenizer names no end-of-sequence token to stop on"));
        int pad = stopToken;
        List<Double> losses = new ArrayList<>();
        try (AdamW adam = new AdamW(model.parameters(), opt, model.newStep())) {
            for (int s = 1; s <= steps; s++) {
                SplittableRandom rnd = RlTrainer.streamFor(seed, s);
                List<Rollouts.Rollout> rows = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    PromptSet.Example e = usable.get(rnd.nextInt(usable.size()));
                    String prompt = chatTemplate ? tokenizer.applyChatTemplate(List.of(new ModelTokenizer.Message("user", e.prompt()))) : e.prompt();
                    rows.add(new Rollouts.Rollout(i, tokenizer.encode(prompt, false), tokenizer.encode(e.demonstration(), false), stopToken));
                }
                RlTrainer.Batch b = RlTrainer.Batch.of(rows, new double[rows.size()], pad);
                try (NDManager scope = model.newStep();
                        GradientCollector gc = Engine.getEngine(Torch.engine().getEngineName()).newGradientCollector()) {
                    NDArray actions = scope.create(b.targets()).reshape(b.rows(), b.width());
                    NDArray mask = scope.create(b.mask()).reshape(b.rows(), b.width());
                    NDArray logp = model.forward(scope, b.inputs(), b.pads(), null).logSoftmax(-1).gather(actions.expandDims(-1), -1).squeeze(-1);
                    NDArray loss = logp.mul(mask).sum().div(mask.sum()).neg();
                    gc.backward(loss);
                    losses.add((double) loss.getFloat());
                }
                adam.step(opt.lr());
                progress.accept(s);
            }
        }
        int tenth = Math.max(1, steps / 10);
        return new Result(steps, losses.subList(0, tenth).stream().mapToDouble(d -> d).average().orElse(Double.NaN),
                losses.subList(steps - tenth, steps).stream().mapToDouble(d -> d).average().orElse(Double.NaN));
    }
}
