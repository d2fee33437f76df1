package dev.arbiter.train.data;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.Check;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.GoldVerifier;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.Verdict;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.math.MathVerifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Rejection sampling's check (Sky-T1 §3), through the same verifier seam as eval and grade: math
 * against the gold answer, code by running the tests in the sandbox. A candidate the sandbox could
 * not grade is an infrastructure error: neither kept nor counted wrong.
 */
public final class Judge implements AutoCloseable {
    private final MathVerifier engine = new MathVerifier();
    private final CodeTestVerifier code;
    private final GoldVerifier verifier;

    public Judge(SandboxConfig sandboxConfig, CodeGrader.Settings codeSettings) {
        this(() -> Sandbox.start(sandboxConfig), sandboxConfig.totalContainers() * 2, codeSettings);
    }

    /** Judges code in the sandbox {@code sandboxes} starts on first need (tests hand it a broken one), closed with this. */
    Judge(java.util.function.Supplier<Sandbox> sandboxes, int parallel, CodeGrader.Settings codeSettings) {
        this.code = CodeTestVerifier.starting(sandboxes, codeSettings, parallel);
        this.verifier = new GoldVerifier(new MathAnswerVerifier(engine), code);
    }

    /**
     * Judges every candidate through the verifier seam: math on one thread per core, code
     * {@code 2 × containers} at a time, the sandbox started only when some candidate has code to run.
     * Returns the verdicts in input order; {@code done} runs once per candidate as it finishes.
     */
    public List<Judged> judgeAll(List<Candidate> cs, Runnable done) {
        List<Check> checks = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        Judged[] out = new Judged[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            Candidate c = cs.get(i);
            if (c.unreadable() != null) {
                out[i] = new Judged(c, Outcome.NO_ANSWER, c.unreadable(), null);
                done.run();
            } else if (c.truncated()) {
                out[i] = new Judged(c, Outcome.TRUNCATED, "cut off at max_tokens", null);
                done.run();
            } else {
                checks.add(Check.of(c.id(), c.gold(), c.gold() instanceof CodeTests ? c.grader() : null, c.response(), false));
                at.add(i);
            }
        }
        if (checks.stream().anyMatch(k -> k.gold() instanceof MathAnswer)) {
            engine.warmUp();
        }
        List<Verdict> vs = verifier.verifyAll(checks, (i, v) -> done.run());
        for (int k = 0; k < vs.size(); k++) {
            Verdict v = vs.get(k);
            out[at.get(k)] = new Judged(cs.get(at.get(k)), v.outcome(), v.reason(), v.answer());
        }
        return List.of(out);
    }

    @Override
    public void close() {
        try {
            code.close();
        } finally {
            engine.close();
        }
    }
}
