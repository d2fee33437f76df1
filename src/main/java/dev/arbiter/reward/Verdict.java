package dev.arbiter.reward;

/** How one item was judged; every kind but CORRECT earns the shaping's {@code incorrect} value. */
public enum Verdict {
    CORRECT,
    INCORRECT,
    /** No answer (math) or no code block (code) was found in the response. */
    NO_ANSWER,
    /** The item's deadline passed before a verdict. */
    TIMEOUT,
    /** The item could not be judged (the sandbox is unavailable, say); the reason says why. */
    ERROR
}
