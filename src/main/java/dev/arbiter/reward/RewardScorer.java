package dev.arbiter.reward;

import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.verify.Check;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.judge.Candidate;
import dev.arbiter.judge.Judgement;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.Verdict;
import dev.arbiter.verify.code.CodeExtractor;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns one {@link RewardItem} into a {@link RewardResult} through the same {@link dev.arbiter.verify.Verifier}
 * seam the leaderboard uses, and shapes its {@link Outcome} by {@link Shaping#correctness}. Thread-safe,
 * and it never throws for any item. An item without a verdict (the sandbox failed or there is none,
 * the verifier broke, the gold has no answer, the item's deadline passed before it was looked at) has no
 * reward at all ({@link RewardResult#scored()} is false), never the shaping's {@code incorrect}.
 */
public final class RewardScorer {
    private static final long QUEUE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final MathAnswerVerifier math;
    private final CodeTestVerifier code;
    /** The LLM judge of math answers the rules reject, or null. */
    private final LlmJudge judge;

    public RewardScorer(MathAnswerVerifier math, CodeTestVerifier code) {
        this(math, code, null);
    }

    private RewardScorer(MathAnswerVerifier math, CodeTestVerifier code, LlmJudge judge) {
        this.math = math;
        this.code = code;
        this.judge = judge;
    }

    /**
     * The same scorer with an LLM judge: a math answer the rules reject or cannot read ({@link LlmJudge#asks}) goes to it, and
     * one it accepts is paid as correct. A judge that could not be asked is no reward, never the reward for a wrong answer; a
     * reply without a verdict leaves the rules' verdict standing.
     */
    public RewardScorer withJudge(LlmJudge judge) {
        return new RewardScorer(math, code, judge);
    }

    /**
     * @param sandbox the code sandbox, or null; then code items have no reward, and {@code noSandbox}
     *     says why
     */
    public RewardScorer(MathVerifier math, Sandbox sandbox, String noSandbox) {
        this(new MathAnswerVerifier(math), sandbox == null
                ? CodeTestVerifier.unavailable(noSandbox == null ? "no code sandbox is running on this server" : noSandbox,
                        CodeGrader.Settings.LCB_DEFAULT)
                : CodeTestVerifier.over(sandbox, CodeGrader.Settings.LCB_DEFAULT));
    }

    /** The same scorer with math read under another config (strict extraction, say). */
    public RewardScorer withMath(MathAnswerVerifier other) {
        return new RewardScorer(other, code, judge);
    }

    public MathAnswerVerifier math() {
        return math;
    }

    public RewardResult score(RewardItem item) {
        long t0 = System.nanoTime();
        long left = item.deadlineNanos() - t0;
        long whole = item.deadlineNanos() - item.arrivedNanos();
        if (left <= 0) {
            return result(item, Verdict.infrastructureError("the item's deadline passed while it waited in the queue", null, 0), t0);
        }
        Verdict v = switch (item.target()) {
            case RewardItem.MathTarget m -> {
                long own = math.config().deadline().toNanos();
                Verdict mv = math.verify(new Check(item.id(), new MathAnswer(m.groundTruth(), null), null, item.response(), false,
                        Duration.ofNanos(Math.min(left, own)), null));
                yield queueCut(mv, Outcome.VERIFIER_TIMEOUT, Math.min(left, own) < Math.min(whole, own), t0 - item.arrivedNanos());
            }
            case RewardItem.CodeTarget c -> {
                // The per-test limit never runs past what is left of the item's deadline.
                int timeoutS = (int) Math.max(1, Math.min(c.timeoutS(), TimeUnit.NANOSECONDS.toSeconds(left)));
                int intended = (int) Math.max(1, Math.min(c.timeoutS(), TimeUnit.NANOSECONDS.toSeconds(whole)));
                CodeGrader.Settings s = code.settings();
                Verdict cv = code.with(new CodeGrader.Settings(timeoutS, s.clock(), s.limits()))
                        .verify(Check.of(item.id() == null ? "item" : item.id(), c.tests(), c.grader(), item.response(), false)
                                .inLanguage(c.language()));
                yield queueCut(cv, Outcome.PROGRAM_TIMEOUT, timeoutS < intended, t0 - item.arrivedNanos());
            }
        };
        return result(item, v, t0);
    }

    /**
     * With a judge, each math result the rules rejected or could not read, judged: {@code results.get(k)} is the rules' result
     * on {@code items.get(k)} (for an item with several acceptable answers, the one its answers were folded to, so the judge is
     * never asked about a response some answer already accepts) and {@code references.get(k)} the reference answer the judge is
     * shown. An accepted answer is paid the shaping's {@code correct}; the rules' verdict stays. A judge that could not be asked
     * is no reward; a reply without a verdict leaves the rules' verdict and reward standing. Without a judge, the results as they are. Asks {@code concurrency} at a time.
     */
    public List<RewardResult> judged(List<RewardItem> items, List<RewardResult> results, List<String> references) {
        if (judge == null) {
            return results;
        }
        RewardResult[] out = results.toArray(RewardResult[]::new);
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(judge.settings().concurrency());
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int k = 0; k < results.size(); k++) {
                RewardResult r = results.get(k);
                if (!(items.get(k).target() instanceof RewardItem.MathTarget m)) {
                    continue;
                }
                if (!LlmJudge.asks(r.verdict())) {
                    out[k] = r.graded("rule", null);
                    continue;
                }
                int at = k;
                RewardItem item = items.get(k);
                ex.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        Judgement j = judge.judge(m.problem() == null ? "(not given)" : m.problem(), references.get(at),
                                Candidate.of(r.verdict(), r.pred(), item.response()));
                        out[at] = judged(item, r, j);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        return List.of(out);
    }

    private RewardResult judged(RewardItem item, RewardResult r, Judgement j) {
        RewardResult.Judged note = new RewardResult.Judged(judge.identity(), j.outcome(), j.verdictLine(), j.reason());
        if (j.failed()) {
            // the judge could not be asked: the cascade's verdict is unknown, so no reward, as for a sandbox that failed
            return new RewardResult(r.id(), r.kind(), null, Outcome.INFRASTRUCTURE_ERROR, null, "the rules said " + r.verdict().label() + " ("
                    + r.reason() + "); judge missing: " + j.reason(), null, r.formatOk(), r.garbage(), null, r.testsTotal(), r.micros(),
                    false, "rule+judge", note);
        }
        if (!j.ruled()) {
            // the judge answered without a verdict, and would answer the same again: the rules' verdict stands, which the
            // response cannot gain by (it is a rejection), and no batch is refused for a reply the labels did not cause
            return r.graded("rule", note);
        }
        RewardResult.Terms t = r.terms();
        RewardResult.Terms paid = j.accepted() ? new RewardResult.Terms(item.shaping().correctness(Outcome.CORRECT), t.format(), t.exploration(),
                t.garbage()) : t;
        // the rules' verdict stays in the result; the judge's ruling and the correctness it pays sit beside it
        return new RewardResult(r.id(), r.kind(), paid.sum(), r.verdict(), r.pred(), r.reason(), paid, r.formatOk(), r.garbage(), r.testsPassed(),
                r.testsTotal(), r.micros(), false, "rule+judge", note);
    }

    /**
     * A timeout under a limit that waiting in the queue had shortened says nothing about the
     * response: it is no verdict, never the reward for a wrong answer.
     */
    static Verdict queueCut(Verdict v, Outcome timeout, boolean shortened, long waitedNanos) {
        // Reading the request and handing the item to a worker take a moment; only a real wait counts.
        if (v.outcome() != timeout || !shortened || waitedNanos < QUEUE_SLACK_NANOS) {
            return v;
        }
        return Verdict.infrastructureError(v.outcome().label() + " under a limit cut short by " + TimeUnit.NANOSECONDS.toMillis(waitedNanos)
                + " ms in the queue (" + v.reason() + ")", v.evidence(), v.micros());
    }

    /** Whether the answer's container is present: a \boxed answer for math, a fenced block for code. */
    static boolean formatOk(RewardItem item) {
        String r = item.response();
        return item.kind() == Kind.MATH ? r.contains("\\boxed") || r.contains("\\fbox") : !CodeExtractor.extract(r).isBlank();
    }

    private static RewardResult result(RewardItem item, Verdict v, long t0) {
        Shaping s = item.shaping();
        String response = item.response();
        String garbage = GarbageDetector.check(response);
        boolean formatOk = formatOk(item);
        Integer passed = null;
        Integer total = item.target() instanceof RewardItem.CodeTarget c ? c.tests().tests().size() : null;
        if (v.evidence() instanceof CodeVerdict cv && cv.graded()) {
            passed = cv.testsPassed();
            total = cv.testsTotal();
        } else if (item.kind() == Kind.CODE && v.outcome().graded()) {
            passed = 0;
        }
        long micros = (System.nanoTime() - t0) / 1000;
        Double correctness = s.correctness(v.outcome());
        if (correctness == null) {
            boolean lasting = v.evidence() instanceof dev.arbiter.verify.math.MathVerdict mv && mv.failed();
            return RewardResult.unscored(item.id(), item.kind(), v.reason(), formatOk, garbage, total, micros, lasting);
        }
        RewardResult.Terms terms = new RewardResult.Terms(correctness, formatOk ? 0.0 : s.formatPenalty(), s.exploration(response),
                garbage == null ? 0.0 : s.garbagePenalty());
        return RewardResult.scored(item.id(), item.kind(), v.outcome(), v.answer(), v.reason(), terms, formatOk, garbage, passed, total,
                micros);
    }
}
