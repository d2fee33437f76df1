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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
final class TrainRlCommand extends CommandBase {
    @CommandLine.Mixin
    ModelFolderOption model;

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

    @CommandLine.Mixin
    SeedOption seed;

    @Option(names = "--save-every", defaultValue = "20", paramLabel = "N", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int saveEvery;

    @Option(names = "--eval-every", defaultValue = "20", paramLabel = "N", description = "Steps between held-out evaluations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--raw", description = "Feed prompts as they are instead of through the model's chat template.")
    boolean raw;

    @Option(names = "--truncated-reward", paramLabel = "R",
            description = "The reward of a response that hits --max-new-tokens without stopping, whatever the verifier says; T1 gives -1.")
    Double truncatedReward;

    @CommandLine.Mixin
    TorchThreadsOption threads;

    @Option(names = "--reward-url", paramLabel = "URL", description = "Score with a running `arbiter reward-server` instead of in process.")
    URI rewardUrl;

    @Option(names = "--reward-token", paramLabel = "TOKEN", description = "The reward server's bearer token.")
    String rewardToken;

    @CommandLine.Mixin
    ShapingOption shaping;

    @CommandLine.Mixin
    DeviceOption device;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() {
        RlConfig cfg;
        PromptSet prompts;
        try {
            cfg = new RlConfig(steps, promptsPerStep, group, temperature, topP, maxNewTokens,
                    new AdamW.Settings(lr, 0.9, 0.999, 1e-8, 0.0, maxGradNorm), new PolicyLoss.Coefficients(clip, entropyCoef, klCoef),
                    referenceEma, updates, seed.seed(), saveEvery, evalEvery, !raw,
                    truncatedReward == null ? OptionalDouble.empty() : OptionalDouble.of(truncatedReward));
            prompts = PromptSet.of(source.task, source.prompts, () -> data.open().load(source.benchmark, Selection.DEFAULT), heldOutEvery, seed.seed());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Shaping s = shaping.shaping();
        threads.apply();
        Path dir = model.resolve();
        try (Rewards rewards = rewardUrl == null ? Rewards.inProcess(s) : Rewards.remote(rewardUrl, rewardToken, s);
                RlTrainer t = RlTrainer.open(dir, out, device.device(), cfg, prompts, rewards)) {
            t.train(spec.commandLine().getErr());
        } catch (IllegalArgumentException e) {
            throw new ArbiterException(e.getMessage());
        }
        Path plot = TrainingPlot.write(out.resolve("metrics.csv"), out.resolve("training.png"));
        spec.commandLine().getOut().printf("trained %d steps: %s, %s, checkpoints in %s%n", steps, out.resolve("metrics.csv"), plot,
                out.resolve("checkpoints"));
        return 0;
    }
}
