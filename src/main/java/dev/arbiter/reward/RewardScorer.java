package dev.arbiter.reward;

import dev.arbiter.benchmark.Kind;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.verify.code.CodeExtractor;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Turns one {@link RewardItem} into a {@link RewardResult} with the same verifiers the leaderboard
 * uses: math by {@link MathVerifier}, code by {@link CodeGrader} in the sandbox. Thread-safe, and it
 * never throws for any item: what cannot be judged is an ERROR verdict with its reason. When the
 * infrastructure is at fault (the sandbox failed, or there is none) the result has no reward at all
 * ({@link RewardResult#scored()} is false), never the shaping's {@code incorrect}.
 */
public final class RewardScorer {
    private final MathVerifier math;
    private final Sandbox sandbox;
    private final String noSandbox;

    /**
     * @param sandbox the code sandbox, or null; then code items are answered with {@code noSandbox} as
     *     their reason
     */
    public RewardScorer(MathVerifier math, Sandbox sandbox, String noSandbox) {
        this.math = math;
        this.sandbox = sandbox;
        this.noSandbox = noSandbox == null ? "no code sandbox is running on this server" : noSandbox;
    }

    public RewardResult score(RewardItem item) {
        long t0 = System.nanoTime();
        String response = item.response();
        Shaping s = item.shaping();
        String garbage = GarbageDetector.check(response);
        double exploration = s.exploration(response);
        double garbageTerm = garbage == null ? 0.0 : s.garbagePenalty();
        long left = item.deadlineNanos() - t0;
        if (left <= 0) {
            return result(item, Verdict.TIMEOUT, null, "the item's deadline passed while it waited in the queue", true,
                    formatOk(item), exploration, garbage, garbageTerm, null, null, t0);
        }
        return switch (item.target()) {
            case RewardItem.MathTarget m -> math(item, m, left, exploration, garbage, garbageTerm, t0);
            case RewardItem.CodeTarget c -> code(item, c, left, exploration, garbage, garbageTerm, t0);
            case RewardItem.NoTarget n -> result(item, Verdict.ERROR, null, n.reason(), false, formatOk(item), exploration, garbage, garbageTerm,
                    null, null, t0);
        };
    }

    private RewardResult math(RewardItem item, RewardItem.MathTarget m, long leftNanos, double exploration, String garbage, double garbageTerm,
            long t0) {
        MathConfig config = math.defaults().withDeadline(Duration.ofNanos(leftNanos));
        MathVerdict v = math.verify(m.groundTruth(), item.response(), config);
        String pred = v.extractedPred().isEmpty() ? null : String.join(", ", v.extractedPred());
        Verdict verdict;
        if (v.equal()) {
            verdict = Verdict.CORRECT;
        } else if (v.timedOut()) {
            verdict = Verdict.TIMEOUT;
        } else if (pred == null) {
            verdict = Verdict.NO_ANSWER;
        } else {
            verdict = Verdict.INCORRECT;
        }
        return result(item, verdict, pred, v.reason(), v.timedOut(), formatOk(item), exploration, garbage, garbageTerm, null, null, t0);
    }

    private RewardResult code(RewardItem item, RewardItem.CodeTarget c, long leftNanos, double exploration, String garbage,
            double garbageTerm, long t0) {
        boolean formatOk = formatOk(item);
        int total = c.tests().tests().size();
        if (!formatOk) {
            return result(item, Verdict.NO_ANSWER, null, "no fenced code block in the response", false, false, exploration, garbage,
                    garbageTerm, 0, total, t0);
        }
        if (sandbox == null) {
            return RewardResult.unscored(item.id(), item.kind(), noSandbox, true, garbage, total, micros(t0));
        }
        // The per-test limit never runs past what is left of the item's deadline.
        int timeoutS = (int) Math.max(1, Math.min(c.timeoutS(), TimeUnit.NANOSECONDS.toSeconds(leftNanos)));
        CodeGrader grader = new CodeGrader(sandbox, new CodeGrader.Settings(timeoutS, CodeGrader.Settings.LCB_DEFAULT.clock(),
                CodeGrader.Settings.LCB_DEFAULT.limits()));
        CodeVerdict v = grader.grade(item.id() == null ? "item" : item.id(), c.tests(), c.grader(), item.response());
        if (!v.graded()) {
            // The sandbox failed on two containers: no verdict on the code, so no reward either.
            return RewardResult.unscored(item.id(), item.kind(), "sandbox error: " + v.sandboxError(), true, garbage, total, micros(t0));
        }
        boolean timedOut = v.results().contains(-3) || v.results().contains(-1);
        String reason = v.passed() ? "all " + v.testsTotal() + " tests passed"
                : v.firstFailure() == null ? "failed" : "test " + v.firstFailure().test() + ": " + v.firstFailure().reason();
        Verdict verdict = v.passed() ? Verdict.CORRECT : Verdict.INCORRECT;
        return result(item, verdict, null, reason, timedOut, true, exploration, garbage, garbageTerm, v.testsPassed(), v.testsTotal(), t0);
    }

    /** Whether the answer's container is present: a \boxed answer for math, a fenced block for code. */
    static boolean formatOk(RewardItem item) {
        String r = item.response();
        return item.kind() == Kind.MATH ? r.contains("\\boxed") || r.contains("\\fbox") : !CodeExtractor.extract(r).isBlank();
    }

    private static RewardResult result(RewardItem item, Verdict verdict, String pred, String reason, boolean timedOut, boolean formatOk,
            double exploration, String garbage, double garbageTerm, Integer passed, Integer total, long t0) {
        Shaping s = item.shaping();
        RewardResult.Terms terms = new RewardResult.Terms(verdict == Verdict.CORRECT ? s.correct() : s.incorrect(),
                formatOk ? 0.0 : s.formatPenalty(), exploration, garbageTerm);
        return RewardResult.scored(item.id(), item.kind(), verdict, pred, reason, timedOut, terms, formatOk, garbage, passed, total, micros(t0));
    }

    private static long micros(long t0) {
        return (System.nanoTime() - t0) / 1000;
    }
}
