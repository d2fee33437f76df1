package dev.arbiter.run;

/** The prompts `arbiter eval` asks by default; scale and train ask the same, so their figures compare. */
public final class DefaultPrompts {
    private DefaultPrompts() {}

    /** Math: reasoning, then the answer in \boxed{}. */
    public static final String MATH = "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{}.";

    /** Code: one Python program in a fenced block. */
    public static final String CODE = "{problem}\n\nSolve the problem in Python 3. End your answer with the complete program in one ```python code block.";
}
