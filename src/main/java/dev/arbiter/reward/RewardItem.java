package dev.arbiter.reward;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.sandbox.Language;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.verify.code.CodeGrader;
import java.util.Objects;

/**
 * One response to score: what the model wrote, what it is checked against, and how the verdict is
 * shaped into a reward. {@code deadlineNanos} is a {@link System#nanoTime()} instant: an item still
 * waiting then has no verdict, and math verification stops there. {@code arrivedNanos} is when the
 * item was read, so that time lost waiting in the queue is told apart from time the response took.
 */
public record RewardItem(String id, String response, Target target, Shaping shaping, long deadlineNanos, long arrivedNanos) {

    public RewardItem {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(shaping, "shaping");
    }

    /** An item that arrives now. */
    public RewardItem(String id, String response, Target target, Shaping shaping, long deadlineNanos) {
        this(id, response, target, shaping, deadlineNanos, System.nanoTime());
    }

    public Kind kind() {
        return target.kind();
    }

    /** What a response is checked against. */
    public sealed interface Target {
        Kind kind();
    }

    /**
     * A math answer, in any form the math verifier reads (plain, LaTeX, or a whole solution); {@code problem} is the
     * problem's text when the request gives it (an LLM judge is shown it), else null.
     */
    public record MathTarget(String groundTruth, String problem) implements Target {
        public MathTarget {
            Objects.requireNonNull(groundTruth, "groundTruth");
        }

        public MathTarget(String groundTruth) {
            this(groundTruth, null);
        }

        @Override
        public Kind kind() {
            return Kind.MATH;
        }
    }

    /**
     * Tests graded by LiveCodeBench's rules or CodeContests' tolerant checker; {@code timeoutS} is per
     * test; {@code language} is the item's own, or null for the grader's rule (see CodeGrader).
     */
    public record CodeTarget(CodeTests tests, CodeGrader.Kind grader, int timeoutS, Language language) implements Target {
        public CodeTarget(CodeTests tests, CodeGrader.Kind grader, int timeoutS) {
            this(tests, grader, timeoutS, null);
        }

        public CodeTarget {
            Objects.requireNonNull(tests, "tests");
            Objects.requireNonNull(grader, "grader");
            if (timeoutS < 1 || timeoutS > 60) {
                throw new IllegalArgumentException("timeout_s must be 1..60, got " + timeoutS);
            }
        }

        @Override
        public Kind kind() {
            return Kind.CODE;
        }
    }
}
