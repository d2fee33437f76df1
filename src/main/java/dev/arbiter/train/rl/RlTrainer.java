package dev.arbiter.train.rl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.Sampling;
import dev.arbiter.inference.engine.Torch;
import dev.arbiter.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;

/**
 * The policy-gradient loop: per step, draw prompts, sample a group of responses for each, score them
 * with the verifier, turn rewards into leave-one-out advantages, take clipped policy-gradient steps
 * with an entropy bonus and a KL term to a moving-average reference, and log the step.
 *
 * <p>Every random draw of step s comes from a stream seeded by (seed, s), and checkpoints hold the
 * weights, the optimizer's moments and the reference, so a resumed run continues exactly where
 * the killed one would have gone.
 */
public final class RlTrainer implements AutoCloseable {
    public static final String CSV_HEADER = "step,reward,accuracy,response_tokens,stopped,entropy,kl,policy_loss,clip_fraction,grad_norm,"
            + "heldout_reward,heldout_accuracy,seconds";

    /** One step's figures; held-out ones are NaN on steps without an evaluation. */
    public record StepLog(int step, double reward, double accuracy, double responseTokens, double stopped, double entropy, double kl,
                          double policyLoss, double clipFraction, double gradNorm, double heldOutReward, double heldOutAccuracy, double seconds) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f,%.4f,%.6f,%.6g,%.6g,%.4f,%.6g,%s,%s,%.3f", step, reward, accuracy, responseTokens,
                    stopped, entropy, kl, policyLoss, clipFraction, gradNorm, num(heldOutReward), num(heldOutAccuracy), seconds);
        }

        private static String num(double v) {
            return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
        }
    }

    /** Held-out figures: greedy responses, one per prompt. */
    public record Evaluation(double reward, double accuracy, int prompts) {}

    private final RlConfig cfg;
    private final PromptSet prompts;
    private final Rewards rewards;
    private final RunDir run;
    private final PolicyModel policy;
    private final PolicyModel reference;
    private final AdamW optimizer;
    private final ModelTokenizer tokenizer;
    private final Set<Integer> stop;
    private final int pad;
    private int step;

    private RlTrainer(RlConfig cfg, PromptSet prompts, Rewards rewards, RunDir run, PolicyModel policy, PolicyModel reference, AdamW optimizer,
            ModelTokenizer tokenizer, int step) {
        this.cfg = cfg;
        this.prompts = prompts;
        this.rewards = rewards;
        this.run = run;
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.tokenizer = tokenizer;
        this.stop = tokenizer.eosTokenIds();
        this.pad = stop.stream().min(Integer::compare).orElse(0);
        this.step = step;
    }

    /**
     * Opens a run in {@code out}: a fresh one from {@code model}, or, when {@code out} holds a
     * checkpoint, the same run resumed from it.
     */
    public static RlTrainer open(Path model, Path out, String device, RlConfig cfg, PromptSet prompts, Rewards rewards) {
        RunDir run = new RunDir(out);
        Device dev = Torch.device(device);
        ObjectNode identity = cfg.identity().put("prompts", prompts.name()).put("rewards", rewards.describe());
        Path runJson = out.resolve("run.json");
        var latest = run.latest();
        try {
            Files.createDirectories(out);
            if (Files.isRegularFile(runJson)) {
                JsonNode saved = Json.mapper().readTree(runJson.toFile());
                if (!Json.line(saved.path("identity")).equals(Json.line(identity))) { // as text: a read-back 3 is an int, a written one a long
                    throw new IllegalArgumentException(out + " holds a different run (" + Json.line(saved.path("identity")) + "); use a new --out");
                }
            } else {
                ObjectNode r = Json.mapper().createObjectNode();
                r.put("base_model", model.toAbsolutePath().toString());
                r.set("identity", identity);
                Files.writeString(runJson, Json.pretty(r));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot use " + out + ": " + e.getMessage());
        }
        RunDir.Saved saved = latest.map(run::read).orElse(null);
        Path weights = saved == null ? model : saved.modelDir();
        PolicyModel policy = PolicyModel.load(weights, dev, true);
        PolicyModel reference = cfg.loss().kl() > 0 ? PolicyModel.load(model, dev, false) : null;
        AdamW opt = new AdamW(policy.parameters(), cfg.optimizer(), policy.newStep());
        if (saved != null) {
            opt.restore(saved.optimizer(), saved.state().path("optimizer_steps").asLong());
            if (reference != null && !saved.reference().isEmpty()) {
                reference.restore(saved.reference());
            }
            run.truncateMetrics(saved.step());
        } else {
            run.truncateMetrics(-1); // killed before its first checkpoint: start the log over with the run
        }
        ModelTokenizer tok = ModelTokenizer.load(weights, policy.config());
        return new RlTrainer(cfg, prompts, rewards, run, policy, reference, opt, tok, saved == null ? 0 : saved.step());
    }

    public int step() {
        return step;
    }

    public RunDir run() {
        return run;
    }

    /**
     * Trains until {@code cfg.steps()} as {@link #train(Consumer)} does, telling {@code err} where it starts and each
     * held-out evaluation, with a bar on stderr showing each step's reward.
     */
    public void train(PrintWriter err) {
        if (step > 0) {
            err.printf("resuming %s at step %d of %d%n", run.dir(), step, cfg.steps());
        }
        err.printf("%s: %d training prompts, %d held out; rewards from the %s%n", prompts.name(), prompts.train().size(),
                prompts.heldOut().size(), rewards.describe());
        err.flush();
        try (ProgressBar bar = dev.arbiter.Progress.bar("training", cfg.steps(), step)) {
            train(log -> {
                if (log.step() > 0) {
                    bar.step();
                    bar.setExtraMessage(String.format(" reward %.3f", log.reward()));
                }
                if (!Double.isNaN(log.heldOutReward())) {
                    err.printf("%nstep %d: held-out reward %.3f, accuracy %.3f%n", log.step(), log.heldOutReward(), log.heldOutAccuracy());
                }
            });
        }
    }

    /** Trains until {@code cfg.steps()}, logging each step to metrics.csv and to {@code progress}. */
    public void train(Consumer<StepLog> progress) {
        try (BufferedWriter csv = Files.newBufferedWriter(run.metrics(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (Files.size(run.metrics()) == 0) {
                csv.write(CSV_HEADER);
                csv.newLine();
                csv.flush();
            }
            if (step == 0 && !prompts.heldOut().isEmpty()) {
                Evaluation e = evaluate();
                StepLog zero = new StepLog(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, e.reward(), e.accuracy(), 0);
                csv.write(zero.csv().replace("NaN", ""));
                csv.newLine();
                csv.flush();
                progress.accept(zero);
            }
            while (step < cfg.steps()) {
                StepLog log = trainStep();
                csv.write(log.csv());
                csv.newLine();
                csv.flush();
                if (step % cfg.saveEvery() == 0 || step == cfg.steps()) {
                    checkpoint();
                }
                progress.accept(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + run.metrics() + ": " + e.getMessage(), e);
        }
    }

    /** The stream of step {@code s}: a pure function of the seed and the step. */
    static SplittableRandom streamFor(long seed, int s) {
        long z = seed + 0x9E3779B97F4A7C15L * (s + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    private StepLog trainStep() {
        long t0 = System.nanoTime();
        int s = step + 1;
        SplittableRandom rnd = streamFor(cfg.seed(), s);
        List<PromptSet.Example> batch = new ArrayList<>();
        for (int i = 0; i < cfg.promptsPerStep(); i++) {
            batch.add(prompts.train().get(rnd.nextInt(prompts.train().size())));
        }
        List<int[]> promptIds = batch.stream().map(e -> encodePrompt(e.prompt())).toList();
        Sampling sampling = new Sampling(cfg.temperature(), cfg.topP(), 0, 0);
        List<Rollouts.Rollout> rolls = Rollouts.sample(policy, promptIds, cfg.group(), sampling, cfg.maxNewTokens(), stop, pad, rnd);
        List<String> texts = rolls.stream().map(r -> tokenizer.decode(r.response(), 0, r.response().length, true)).toList();
        List<PromptSet.Example> targets = rolls.stream().map(r -> batch.get(r.promptIndex())).toList();
        List<Rewards.Score> scores = rewards.score(texts, targets);
        double[] r = new double[scores.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = !rolls.get(i).stopped() && cfg.truncatedReward().isPresent() ? cfg.truncatedReward().getAsDouble() : scores.get(i).reward();
        }
        double[] adv = Advantages.leaveOneOut(r, cfg.group());
        Batch b = Batch.of(rolls, adv, pad);
        double entropy = 0;
        double kl = 0;
        double loss = 0;
        double clip = 0;
        double norm = 0;
        try (NDManager scope = policy.newStep()) {
            NDArray actions = scope.create(b.targets()).reshape(b.rows(), b.width());
            NDArray mask = scope.create(b.mask()).reshape(b.rows(), b.width());
            NDArray advantages = scope.create(b.advantages());
            NDArray oldLogp = logProbs(policy, scope, b, actions);
            NDArray refLogp = reference == null ? oldLogp : logProbs(reference, scope, b, actions);
            for (int u = 0; u < cfg.updatesPerBatch(); u++) {
                try (NDManager pass = scope.newSubManager(); GradientCollector gc = Engine.getEngine(Torch.engine().getEngineName()).newGradientCollector()) {
                    NDArray logits = policy.forward(pass, b.inputs(), b.pads(), null).div(cfg.temperature());
                    PolicyLoss.Terms t = PolicyLoss.compute(logits, actions, mask, advantages, oldLogp, refLogp, cfg.loss());
                    gc.backward(t.loss());
                    entropy = t.entropy();
                    kl = t.kl();
                    loss = t.policy();
                    clip = t.clipFraction();
                }
                norm = optimizer.step(cfg.optimizer().lr());
            }
        }
        if (reference != null && cfg.referenceEma() > 0) {
            moveReference();
        }
        step = s;
        Evaluation e = step % cfg.evalEvery() == 0 || step == cfg.steps() ? evaluate() : null;
        double tokens = rolls.stream().mapToInt(x -> x.response().length).average().orElse(0);
        double stopped = rolls.stream().filter(Rollouts.Rollout::stopped).count() / (double) rolls.size();
        double acc = scores.stream().filter(Rewards.Score::correct).count() / (double) scores.size();
        return new StepLog(step, Arrays.stream(r).average().orElse(0), acc, tokens, stopped, entropy, kl, loss, clip, norm,
                e == null ? Double.NaN : e.reward(), e == null ? Double.NaN : e.accuracy(), (System.nanoTime() - t0) / 1e9);
    }

    /** log π(action) of every target position under {@code model} at the sampling temperature, without a graph. */
    private NDArray logProbs(PolicyModel model, NDManager scope, Batch b, NDArray actions) {
        NDArray logits = model.forward(scope, b.inputs(), b.pads(), null).div(cfg.temperature());
        return logits.logSoftmax(-1).gather(actions.expandDims(-1), -1).squeeze(-1);
    }

    /** ref ← (1 − α)·ref + α·policy, weight by weight. */
    private void moveReference() {
        double a = cfg.referenceEma();
        Map<String, NDArray> ref = reference.parameters();
        try (NDManager tmp = reference.newStep()) {
            policy.parameters().forEach((n, w) -> {
                NDArray mixed = ref.get(n).mul(1 - a).add(w.toDevice(ref.get(n).getDevice(), false).mul(a));
                mixed.attach(tmp);
                ref.get(n).set(mixed.toByteBuffer());
            });
        }
    }

    /** Greedy responses to every held-out prompt, scored by the same rewards. */
    public Evaluation evaluate() {
        List<PromptSet.Example> held = prompts.heldOut();
        if (held.isEmpty()) {
            return new Evaluation(Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        int correct = 0;
        int chunk = 64;
        for (int i = 0; i < held.size(); i += chunk) {
            List<PromptSet.Example> part = held.subList(i, Math.min(held.size(), i + chunk));
            List<int[]> ids = part.stream().map(e -> encodePrompt(e.prompt())).toList();
            List<Rollouts.Rollout> rolls = Rollouts.sample(policy, ids, 1, Sampling.GREEDY, cfg.maxNewTokens(), stop, pad, new SplittableRandom(0));
            List<String> texts = rolls.stream().map(r -> tokenizer.decode(r.response(), 0, r.response().length, true)).toList();
            List<Rewards.Score> sc = rewards.score(texts, part);
            for (Rewards.Score x : sc) {
                sum += x.reward();
                correct += x.correct() ? 1 : 0;
            }
        }
        return new Evaluation(sum / held.size(), correct / (double) held.size(), held.size());
    }

    int[] encodePrompt(String prompt) {
        String text = cfg.chatTemplate() ? tokenizer.applyChatTemplate(List.of(new ModelTokenizer.Message("user", prompt))) : prompt;
        return tokenizer.encode(text, false);
    }

    private void checkpoint() {
        ObjectNode state = Json.mapper().createObjectNode();
        state.put("step", step).put("optimizer_steps", optimizer.steps()).put("seed", cfg.seed())
                .put("rng", "step s draws from SplitMix64(seed, s); nothing else is random");
        Map<String, Safetensors.Tensor> ref = reference == null ? Map.of() : reference.snapshot();
        run.save(step, policy, optimizer.state(), ref, state, 3);
    }

    @Override
    public void close() {
        optimizer.close();
        policy.close();
        if (reference != null) {
            reference.close();
        }
        tokenizer.close();
    }

    /**
     * A step's sequences as one left-padded batch: inputs are prompt + response (+ the stop token when
     * the response stopped), shifted by one to give the targets; only response targets count.
     */
    record Batch(int[][] inputs, int[] pads, long[] targets, float[] mask, float[] advantages, int rows, int width) {
        static Batch of(List<Rollouts.Rollout> rolls, double[] adv, int pad) {
            int rows = rolls.size();
            int[][] seqs = new int[rows][];
            int longest = 0;
            for (int i = 0; i < rows; i++) {
                Rollouts.Rollout r = rolls.get(i);
                int n = r.prompt().length + r.response().length + (r.stopped() ? 1 : 0);
                int[] s = Arrays.copyOf(r.prompt(), n);
                System.arraycopy(r.response(), 0, s, r.prompt().length, r.response().length);
                if (r.stopped()) {
                    s[n - 1] = r.stopToken();
                }
                seqs[i] = s;
                longest = Math.max(longest, n);
            }
            int width = longest - 1;
            int[][] inputs = new int[rows][width];
            int[] pads = new int[rows];
            long[] targets = new long[rows * width];
            float[] mask = new float[rows * width];
            float[] a = new float[rows];
            for (int i = 0; i < rows; i++) {
                int[] s = seqs[i];
                int p = longest - s.length;
                pads[i] = p;
                int promptLen = rolls.get(i).prompt().length;
                for (int c = 0; c < width; c++) {
                    int src = c - p;
                    inputs[i][c] = src >= 0 ? s[src] : pad;
                    int tgt = c + 1 - p;
                    targets[i * width + c] = tgt >= 0 ? s[tgt] : pad;
                    mask[i * width + c] = tgt >= promptLen ? 1f : 0f;
                }
                a[i] = (float) adv[i];
            }
            return new Batch(inputs, pads, targets, mask, a, rows, width);
        }
    }
}
