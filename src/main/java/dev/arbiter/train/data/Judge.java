package dev.arbiter.train.data;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.code.CodeExtractor;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Rejection sampling's check (Sky-T1 §3): math by the math verifier against the gold answer, code by
 * running the tests in the sandbox exactly as `arbiter grade` does. The sandbox starts only when some
 * candidate has code to run.
 */
public final class Judge implements AutoCloseable {
    private final MathVerifier math = new MathVerifier();
    private final SandboxConfig sandboxConfig;
    private final CodeGrader.Settings codeSettings;
    private Sandbox sandbox;

    public Judge(SandboxConfig sandboxConfig, CodeGrader.Settings codeSettings) {
        this.sandboxConfig = sandboxConfig;
        this.codeSettings = codeSettings;
    }

    /**
     * Judges every candidate: math on one thread per core, code {@code 2 × containers} at a time.
     * Returns the verdicts in input order; {@code done} runs once per candidate as it finishes.
     */
    public List<Judged> judgeAll(List<Candidate> cs, Runnable done) throws InterruptedException {
        boolean needsSandbox = cs.stream().anyMatch(c -> c.unreadable() == null && !c.truncated() && c.gold() instanceof CodeTests
                && !CodeExtractor.extract(c.response()).isBlank());
        CodeGrader grader = null;
        if (needsSandbox) {
            sandbox = Sandbox.start(sandboxConfig);
            grader = new CodeGrader(sandbox, codeSettings);
        }
        if (cs.stream().anyMatch(c -> c.gold() instanceof MathAnswer)) {
            math.warmUp();
        }
        CodeGrader g = grader;
        Semaphore codeSlots = new Semaphore(sandboxConfig.containers() * 2);
        List<Future<Judged>> fs = new ArrayList<>();
        try (ExecutorService cpu = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
             ExecutorService io = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Candidate c : cs) {
                boolean code = c.gold() instanceof CodeTests;
                fs.add((code ? io : cpu).submit(() -> {
                    try {
                        if (code && g != null) {
                            codeSlots.acquire();
                            try {
                                return judge(c, g);
                            } finally {
                                codeSlots.release();
                            }
                        }
                        return judge(c, g);
                    } finally {
                        done.run();
                    }
                }));
            }
            List<Judged> out = new ArrayList<>();
            for (Future<Judged> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** One candidate's verdict; {@code grader} may be null when no code needs running. */
    Judged judge(Candidate c, CodeGrader grader) {
        if (c.unreadable() != null) {
            return new Judged(c, Judged.Judgement.UNPARSEABLE, c.unreadable(), null);
        }
        if (c.truncated()) {
            return new Judged(c, Judged.Judgement.TRUNCATED, "cut off at max_tokens", null);
        }
        return switch (c.gold()) {
            case MathAnswer a -> {
                MathVerdict v = math.verify(a.answer(), c.response());
                String pred = v.extractedPred().isEmpty() ? null : String.join(", ", v.extractedPred());
                if (v.equal()) {
                    yield new Judged(c, Judged.Judgement.CORRECT, v.reason(), pred);
                }
                if (pred == null) {
                    yield new Judged(c, Judged.Judgement.UNPARSEABLE, "no answer extracted", null);
                }
                yield new Judged(c, Judged.Judgement.WRONG, v.timedOut() ? "the verifier timed out" : "not equal to " + a.answer(), pred);
            }
            case CodeTests t -> {
                if (CodeExtractor.extract(c.response()).isBlank()) {
                    yield new Judged(c, Judged.Judgement.UNPARSEABLE, "no fenced code block", null);
                }
                CodeVerdict v = grader.grade(c.id(), t, c.grader(), c.response());
                if (!v.graded()) {
                    // No verdict on the code: neither kept as correct nor as wrong.
                    yield new Judged(c, Judged.Judgement.ERROR, "sandbox error: " + v.sandboxError(), null);
                }
                if (v.passed()) {
                    yield new Judged(c, Judged.Judgement.CORRECT, "all " + v.testsTotal() + " tests passed", null);
                }
                String why = v.firstFailure() == null ? "failed" : "test " + v.firstFailure().test() + ": " + v.firstFailure().reason();
                yield new Judged(c, Judged.Judgement.WRONG, why, null);
            }
        };
    }

    @Override
    public void close() {
        try {
            if (sandbox != null) {
                sandbox.close();
            }
        } finally {
            math.close();
        }
    }
}
