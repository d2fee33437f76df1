package dev.arbiter.train.rl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.util.OptionalDouble;

/**
 * Everything that decides what an RL run computes. Oversampling as in T1 is a large group of samples
 * per prompt drawn at a temperature above 1; the reference for the KL term is an exponential moving
 * average of the policy ({@code referenceEma} 0 keeps the starting model as a fixed reference).
 * {@code truncatedReward}, when present, replaces the reward of a response that ran out of tokens
 * without stopping: T1 gives such overlong outputs the garbage reward, −1.
 */
public record RlConfig(int steps, int promptsPerStep, int group, double temperature, double topP, int maxNewTokens, AdamW.Settings optimizer,
                       PolicyLoss.Coefficients loss, double referenceEma, int updatesPerBatch, long seed, int saveEvery, int evalEvery,
                       boolean chatTemplate, OptionalDouble truncatedReward) {
    public RlConfig {
        if (steps < 1 || promptsPerStep < 1 || maxNewTokens < 1 || updatesPerBatch < 1 || saveEvery < 1 || evalEvery < 1) {
            throw new IllegalArgumentException("steps, prompts per step, max new tokens, updates, save and eval intervals must all be at least 1");
        }
        if (group < 2) {
            throw new IllegalArgumentException("the group needs at least 2 samples per prompt for a leave-one-out baseline, got " + group);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the sampling temperature must be > 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(referenceEma >= 0 && referenceEma <= 1)) {
            throw new IllegalArgumentException("the reference EMA rate must be in [0, 1], got " + referenceEma);
        }
    }

    /** The fields a resumed run must share with the run it continues (all but the step count). */
    public ObjectNode identity() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("prompts_per_step", promptsPerStep).put("group", group).put("temperature", temperature).put("top_p", topP)
                .put("max_new_tokens", maxNewTokens).put("lr", optimizer.lr()).put("clip", loss.clip()).put("entropy_coef", loss.entropy())
                .put("kl_coef", loss.kl()).put("reference_ema", referenceEma).put("updates_per_batch", updatesPerBatch).put("seed", seed)
                .put("chat_template", chatTemplate).put("truncated_reward", truncatedReward.isPresent() ? Double.toString(truncatedReward.getAsDouble()) : "none").put("weight_decay", optimizer.weightDecay()).put("max_grad_norm", optimizer.maxGradNorm());
        return o;
    }
}
