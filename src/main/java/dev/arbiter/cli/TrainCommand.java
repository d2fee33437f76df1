package dev.arbiter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.Torch;
import dev.arbiter.json.Json;
import dev.arbiter.reward.Shaping;
import dev.arbiter.train.data.SftRecords;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a Qwen2/Llama model folder in process: supervised warm-up on curated data, then RL on verifier rewards.",
        subcommands = {TrainCommand.Rl.class, TrainCommand.Sft.class})
final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: rl or sft");
    }

    @Command(name = "rl", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Policy-gradient RL on verifier rewards (T1/RLSP style), on the DJL PyTorch engine.",
                "Each step draws --prompts-per-step prompts, samples --group responses for each at --temperature",
                "(T1 oversamples: many samples at a temperature above 1), scores them with the verifiers (math, or",
                "code in the sandbox) and the shaping terms (in process, or the reward service at --reward-url), and",
                "computes leave-one-out advantages: a sample's reward minus the mean of the other samples of its",
                "prompt. The loss is a",
                "clipped policy gradient, minus --entropy-coef times the token entropy, plus --kl-coef times a KL",
                "estimate to a reference that follows the policy as a moving average (--reference-ema; 0 keeps the",
                "starting model as the reference)."},
            footer = {"", "Output in --out: metrics.csv (reward, accuracy, length, entropy, KL, ... per step; held-out figures every",
                "--eval-every steps), training.png, and checkpoints/step-N folders that `arbiter serve` and `arbiter eval`",
                "load as models. Killed and started again with the same command, a run resumes from its last checkpoint",
                "with the same step count and random stream.", "",
                "Prompts: --task addition:D (the built-in demonstration), --prompts FILE (JSONL with prompt and answer, or",
                "prompt and tests), or --benchmark NAME. Code is graded in the Docker sandbox by LiveCodeBench's rules.", "",
                "Examples:",
                "  arbiter train rl --model results/sft --task addition:2 --out results/rl-add --steps 200 --raw",
                "  arbiter train rl --model Qwen/Qwen2.5-0.5B-Instruct --prompts train.jsonl --out results/rl \\",
                "      --reward-url http://localhost:8080 --shaping format_penalty=-0.5 --device gpu"})
    static final class Rl implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR|ID", description = "The starting model folder or Hugging Face id.")
        String model;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The run folder; a folder holding a checkpoint is resumed.")
        Path out;

        @CommandLine.ArgGroup(multiplicity = "1")
        PromptSource source;

        static final class PromptSource {
            @Option(names = "--task", paramLabel = "addition:D", description = "The built-in task: D-digit addition answered in \\boxed{}.")
            String task;

            @Option(names = "--prompts", paramLabel = "FILE", description = "JSONL lines with prompt and answer (math) or tests (code).")
            Path prompts;

            @Option(names = "--benchmark", paramLabel = "NAME", description = "A benchmark's problems, asked as `arbiter eval` asks them (e.g. math500, livecodebench).")
            String benchmark;
        }

        @Option(names = "--held-out-every", defaultValue = "10", paramLabel = "N",
                description = "With --prompts or --benchmark, every N-th prompt is held out for evaluation; 0 holds none out (default: ${DEFAULT-VALUE}).")
        int heldOutEvery;

        @Option(names = "--steps", defaultValue = "100", paramLabel = "N", description = "Total RL steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--prompts-per-step", defaultValue = "8", paramLabel = "B", description = "Prompts per step (default: ${DEFAULT-VALUE}).")
        int promptsPerStep;

        @Option(names = "--group", defaultValue = "16", paramLabel = "K", description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
        int group;

        @Option(names = "--temperature", defaultValue = "1.2", paramLabel = "T", description = "Sampling temperature; T1 found 1.2 best (default: ${DEFAULT-VALUE}).")
        double temperature;

        @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P", description = "Nucleus sampling (default: ${DEFAULT-VALUE}).")
        double topP;

        @Option(names = "--max-new-tokens", defaultValue = "512", paramLabel = "N", description = "Response budget (default: ${DEFAULT-VALUE}).")
        int maxNewTokens;

        @Option(names = "--lr", defaultValue = "1e-6", paramLabel = "LR", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--clip", defaultValue = "0.2", paramLabel = "EPS", description = "Ratio clip range (default: ${DEFAULT-VALUE}).")
        double clip;

        @Option(names = "--entropy-coef", defaultValue = "0.001", paramLabel = "C", description = "Entropy bonus (default: ${DEFAULT-VALUE}).")
        double entropyCoef;

        @Option(names = "--kl-coef", defaultValue = "2e-4", paramLabel = "C", description = "KL coefficient; T1 used 2e-4 (default: ${DEFAULT-VALUE}).")
        double klCoef;

        @Option(names = "--reference-ema", defaultValue = "0.01", paramLabel = "A",
                description = "Per step, the reference moves this share toward the policy (default: ${DEFAULT-VALUE}).")
        double referenceEma;

        @Option(names = "--updates-per-batch", defaultValue = "1", paramLabel = "N", description = "Gradient steps on each batch of samples (default: ${DEFAULT-VALUE}).")
        int updates;

        @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "N", description = "Global gradient-norm clip; 0 turns it off (default: ${DEFAULT-VALUE}).")
        double maxGradNorm;

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of prompt draws and sampling (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--save-every", defaultValue = "20", paramLabel = "N", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
        int saveEvery;

        @Option(names = "--eval-every", defaultValue = "20", paramLabel = "N", description = "Steps between held-out evaluations (default: ${DEFAULT-VALUE}).")
        int evalEvery;

        @Option(names = "--raw", description = "Feed prompts as they are instead of through the model's chat template.")
        boolean raw;

        @Option(names = "--truncated-reward", paramLabel = "R",
                description = "The reward of a response that hits --max-new-tokens without stopping, whatever the verifier says; T1 gives -1.")
        Double truncatedReward;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = THREADS)
        int threads;

        @Option(names = "--reward-url", paramLabel = "URL", description = "Score with a running `arbiter reward-server` instead of in process.")
        URI rewardUrl;

        @Option(names = "--reward-token", paramLabel = "TOKEN", description = "The reward server's bearer token.")
        String rewardToken;

        @Option(names = "--shaping", paramLabel = "KEY=VALUE", mapFallbackValue = "", description = "Reward shaping, repeatable; keys: " + Shaping.KEYS + ".")
        Map<String, String> shaping = new LinkedHashMap<>();

        @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
        String device;

        @CommandLine.Mixin
        BenchmarksCommand.DataOptions data;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path dir = ModelHub.fromEnvironment().resolve(model);
            RlConfig cfg;
            PromptSet prompts;
            try {
                cfg = new RlConfig(steps, promptsPerStep, group, temperature, topP, maxNewTokens,
                        new AdamW.Settings(lr, 0.9, 0.999, 1e-8, 0.0, maxGradNorm), new PolicyLoss.Coefficients(clip, entropyCoef, klCoef),
                        referenceEma, updates, seed, saveEvery, evalEvery, !raw,
                        truncatedReward == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(truncatedReward));
                if (threads < 1) {
                    throw new IllegalArgumentException("--threads must be at least 1");
                }
                prompts = prompts();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Shaping s = RewardServerCommand.shaping(spec, shaping);
            PrintWriter err = spec.commandLine().getErr();
            Torch.threads(threads);
            try (Rewards rewards = rewardUrl == null ? Rewards.inProcess(s) : Rewards.remote(rewardUrl, rewardToken, s);
                    RlTrainer t = open(dir, cfg, prompts, rewards)) {
                if (t.step() > 0) {
                    err.printf("resuming %s at step %d of %d%n", out, t.step(), steps);
                }
                err.printf("%s: %d training prompts, %d held out; rewards from the %s%n", prompts.name(), prompts.train().size(),
                        prompts.heldOut().size(), rewards.describe());
                err.flush();
                try (ProgressBar bar = ResumableJsonl.progress("training", steps, t.step())) {
                    t.train(log -> {
                        if (log.step() > 0) {
                            bar.step();
                            bar.setExtraMessage(String.format(" reward %.3f", log.reward()));
                        }
                        if (!Double.isNaN(log.heldOutReward())) {
                            err.printf("%nstep %d: held-out reward %.3f, accuracy %.3f%n", log.step(), log.heldOutReward(), log.heldOutAccuracy());
                        }
                    });
                }
            } catch (IllegalArgumentException e) {
                throw new Errors.UserError(e.getMessage());
            }
            Path plot = TrainingPlot.write(out.resolve("metrics.csv"), out.resolve("training.png"));
            spec.commandLine().getOut().printf("trained %d steps: %s, %s, checkpoints in %s%n", steps, out.resolve("metrics.csv"), plot,
                    out.resolve("checkpoints"));
            return 0;
        }

        private RlTrainer open(Path dir, RlConfig cfg, PromptSet prompts, Rewards rewards) {
            return RlTrainer.open(dir, out, device, cfg, prompts, rewards);
        }

        private PromptSet prompts() {
            if (source.task != null) {
                String[] p = source.task.split(":");
                if (!p[0].equals("addition") || p.length != 2 || !p[1].matches("\\d")) {
                    throw new IllegalArgumentException("--task takes addition:D with D digits per addend, e.g. addition:2");
                }
                int d = Integer.parseInt(p[1]);
                return PromptSet.addition(d, PromptSet.defaultHeldOut(d), seed);
            }
            if (source.prompts != null) {
                if (!Files.isRegularFile(source.prompts)) {
                    throw new IllegalArgumentException("--prompts " + source.prompts + ": no such file");
                }
                return PromptSet.jsonl(source.prompts, heldOutEvery);
            }
            Benchmarks.Loaded loaded = data.open().load(source.benchmark, dev.arbiter.benchmark.Selection.DEFAULT);
            List<PromptSet.Example> train = new ArrayList<>();
            List<PromptSet.Example> held = new ArrayList<>();
            int i = 0;
            for (var p : loaded.problems()) {
                // the prompts `arbiter eval` asks by default, so a trained model is judged on what it was trained on
                PromptSet.Example e = p.gold() instanceof CodeTests tests
                        ? new PromptSet.Example(p.id(), PromptTemplates.CODE.replace("{problem}", p.prompt()), "", tests, null)
                        : new PromptSet.Example(p.id(), PromptTemplates.MATH.replace("{problem}", p.prompt()), ((MathAnswer) p.gold()).answer(),
                                ((MathAnswer) p.gold()).solution());
                (heldOutEvery > 0 && ++i % heldOutEvery == 0 ? held : train).add(e);
            }
            return new PromptSet(source.benchmark, train, held);
        }
    }

    static final String THREADS = "libtorch's intra-op threads. Several split float sums differently from run to run; one makes CPU runs "
            + "repeat far more often (not always: see the README). More are faster on large models (default: ${DEFAULT-VALUE}).";


    @Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Supervised fine-tuning on demonstrations: next-token loss on each response and its stop token.",
                "Reads what `arbiter curate` writes (sharegpt.jsonl or alpaca.jsonl), or JSONL with prompt and response,",
                "and writes a model folder that `arbiter train rl`, `arbiter serve` and `arbiter eval` load."},
            footer = {"", "Example:",
                "  arbiter curate --references --benchmark math500 --out results/curated",
                "  arbiter train sft --model DIR --data results/curated/sharegpt.jsonl --out results/sft --steps 500"})
    static final class Sft implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR|ID", description = "The starting model folder or Hugging Face id.")
        String model;

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

        @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the example draws (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--raw", description = "Feed prompts as they are instead of through the model's chat template.")
        boolean raw;

        @Option(names = "--device", defaultValue = "auto", paramLabel = "D", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = THREADS)
        int threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (steps < 1 || batch < 1 || threads < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--steps, --batch and --threads must be at least 1");
            }
            Torch.threads(threads);
            List<PromptSet.Example> examples = readDemonstrations(data);
            Path dir = ModelHub.fromEnvironment().resolve(model);
            try (PolicyModel m = PolicyModel.load(dir, Torch.device(device), true); ModelTokenizer tok = ModelTokenizer.load(dir, m.config());
                    ProgressBar bar = ResumableJsonl.progress("sft", steps, 0)) {
                SftTrainer.Result r = SftTrainer.train(m, tok, examples, !raw, steps, batch, AdamW.Settings.of(lr), seed, s -> bar.step());
                m.save(out, Safetensors.DType.F32);
                spec.commandLine().getOut().printf("%d examples, %d steps: loss %.4f over the first tenth, %.4f over the last; model in %s%n",
                        examples.size(), r.steps(), r.firstLoss(), r.lastLoss(), out);
            } catch (IllegalArgumentException e) {
                throw new Errors.UserError(e.getMessage());
            }
            return 0;
        }
    }

    /** Prompt/response pairs from ShareGPT ({@code conversations}), Alpaca ({@code instruction}/{@code output}) or plain JSONL lines. */
    static List<PromptSet.Example> readDemonstrations(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Errors.UserError("cannot read " + file + ": " + e.getMessage());
        }
        List<PromptSet.Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.mapper().readTree(lines.get(i));
            } catch (IOException e) {
                throw new Errors.UserError(file + " line " + (i + 1) + ": not JSON");
            }
            SftRecords.Demonstration d = SftRecords.demonstration(n);
            if (d == null) {
                throw new Errors.UserError(file + " line " + (i + 1) + ": no prompt and response (expected ShareGPT conversations, Alpaca "
                        + "instruction/output, or prompt/response)");
            }
            out.add(new PromptSet.Example("line-" + (i + 1), d.prompt(), "", d.response()));
        }
        if (out.isEmpty()) {
            throw new Errors.UserError(file + " holds no demonstrations");
        }
        return out;
    }
}
