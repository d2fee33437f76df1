package dev.arbiter.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.json.Json;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;

/**
 * Math through the seam: extraction and symbolic equivalence by {@link MathVerifier} under one
 * config (its extraction mode included), and the one mapping of its verdicts to {@link Outcome}s.
 * Does not own the math verifier: whoever made it closes it.
 */
public final class MathAnswerVerifier implements Verifier {
    private final MathVerifier engine;
    private final MathConfig config;

    public MathAnswerVerifier(MathVerifier engine, MathConfig config) {
        this.engine = engine;
        this.config = config;
    }

    public MathAnswerVerifier(MathVerifier engine) {
        this(engine, engine.defaults());
    }

    public MathConfig config() {
        return config;
    }

    /** The same verifier under another config (another extraction mode, say). */
    public MathAnswerVerifier with(MathConfig other) {
        return new MathAnswerVerifier(engine, other);
    }

    @Override
    public Verdict verify(Check check) {
        if (!(check.gold() instanceof MathAnswer gold)) {
            throw new IllegalArgumentException(check.id() + " has no math answer to check against");
        }
        MathConfig c = check.budget() == null ? config : config.withDeadline(check.budget());
        if (!gold.choices().isEmpty()) {
            // a multiple-choice gold names its own letters, so every path that grades it reads letters
            c = c.withChoices(gold.choices());
        }
        MathVerdict v = engine.verify(gold.answer(), check.response(), c);
        String answer = v.extractedPred().isEmpty() ? null : String.join(", ", v.extractedPred());
        return new Verdict(outcome(v, check.truncated()), answer, v.reason(), v, v.micros());
    }

    /** The verdict as one JSON line, as `arbiter verify` prints it: its own fields, and its outcome. */
    public static String jsonLine(MathVerdict v) {
        ObjectNode line = Json.mapper().valueToTree(v);
        line.put("outcome", outcome(v, false).label());
        return Json.line(line);
    }

    /** The one reading of a math verdict: only the gold's own trouble and the verifier's failure are no verdict. */
    public static Outcome outcome(MathVerdict v, boolean truncated) {
        if (v.equal()) {
            return Outcome.CORRECT;
        }
        if (v.failed()) {
            return Outcome.INFRASTRUCTURE_ERROR;
        }
        if (v.timedOut()) {
            return Outcome.VERIFIER_TIMEOUT;
        }
        if (v.extractedPred().isEmpty()) {
            return truncated ? Outcome.TRUNCATED : Outcome.NO_ANSWER;
        }
        return Outcome.WRONG;
    }

    @Override
    public int parallelism() {
        return Runtime.getRuntime().availableProcessors();
    }
}
