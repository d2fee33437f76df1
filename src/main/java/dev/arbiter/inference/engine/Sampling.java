package dev.arbiter.inference.engine;

/**
 * How one sequence picks its next token. Temperature 0 is greedy. top-k 0 and top-p 1 switch those
 * filters off. The seed fixes the sequence's own random stream, so a request repeated with the same
 * seed draws the same numbers.
 */
public record Sampling(double temperature, double topP, int topK, long seed) {
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
    }
}
