package dev.arbiter.reward;

/**
 * How one item was judged; every kind but CORRECT earns the shaping's {@code incorrect} value, except
 * an ERROR that the infrastructure caused, which earns no reward at all (see {@link RewardResult}).
 */
public enum Verdict {
    CORRECT,
    INCORRECT,
    /** No answer (math) or no code block (code) was found in the response. */
    NO_ANSWER,
    /** The item's deadline passed before a verdict. */
    TIMEOUT,
    /**
     * The item could not be judged; the reason says why. When the sandbox failed or is missing, the
     * result has no reward; when the item has nothing to check against (an unknown problem), it earns
     * {@code incorrect}.
     */
    ERROR
}
