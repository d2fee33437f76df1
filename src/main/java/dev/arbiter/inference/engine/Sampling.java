package dev.arbiter.inference.engine;

/**
 * How one sequence picks its next token, with vLLM's meanings and ranges. Temperature 0 is greedy.
 * top-k 0, top-p 1 and min-p 0 switch those filters off. The penalties change the logits before
 * anything else (so greedy decoding sees them too): repetition divides a positive logit and
 * multiplies a negative one for every token already in the prompt or the output (1 is off);
 * frequency subtracts its value times the token's count in the output, and presence its value once
 * for a token in the output (0 is off). The seed fixes the sequence's own random stream, so a request
 * repeated with the same seed draws the same numbers.
 */
public record Sampling(double temperature, double topP, int topK, double minP, double presencePenalty, double frequencyPenalty,
                       double repetitionPenalty, long seed) {
    public static final Sampling GREEDY = new Sampling(0, 1, 0, 0);

    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw new IllegalArgumentException("presence_penalty must be in [-2, 2], got " + presencePenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw new IllegalArgumentException("frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be a finite number greater than 0, got " + repetitionPenalty);
        }
    }

    /** Temperature, top-p and top-k only: no min-p, no penalties. */
    public Sampling(double temperature, double topP, int topK, long seed) {
        this(temperature, topP, topK, 0, 0, 0, 1, seed);
    }

    public Sampling withSeed(long s) {
        return new Sampling(temperature, topP, topK, minP, presencePenalty, frequencyPenalty, repetitionPenalty, s);
    }

    /** Whether any penalty changes the logits. */
    public boolean penalized() {
        return presencePenalty != 0 || frequencyPenalty != 0 || repetitionPenalty != 1;
    }
}
