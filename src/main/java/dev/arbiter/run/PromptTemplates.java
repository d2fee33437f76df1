package dev.arbiter.run;

import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;

/** The default prompts a run asks a model with; {problem} is where the problem's text goes. */
public final class PromptTemplates {
    /** Asks for reasoning and a final answer in \boxed{}, the form the math verifier reads. */
    public static final String MATH = "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{}.";
    /** Asks for one fenced Python program, the form the code grader runs. */
    public static final String CODE = "{problem}\n\nSolve the problem in Python 3. End your answer with the complete program in one ```python code block.";

    private PromptTemplates() {}

    /** The prompt a template asks for a problem: the problem's text in place of {problem}. */
    public static String apply(String template, Problem problem) {
        return template.replace("{problem}", problem.prompt());
    }

    public static String forKind(Kind kind) {
        return kind == Kind.CODE ? CODE : MATH;
    }
}
