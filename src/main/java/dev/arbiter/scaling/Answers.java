package dev.arbiter.scaling;

import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.verify.Check;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.math.MathVerifier;

/** Final answers read and compared by the math verifier, so "1/2" and "0.5" agree, as in grading. */
public final class Answers {
    private final MathVerifier verifier;
    private final MathAnswerVerifier seam;

    public Answers(MathVerifier verifier) {
        this.verifier = verifier;
        this.seam = new MathAnswerVerifier(verifier);
    }

    /** The answer a text gives (its last boxed answer, else the verifier's fallbacks); null if none. */
    public String extract(String text) {
        var shown = verifier.verify("0", text).extractedPred();
        return shown.isEmpty() ? null : String.join(", ", shown);
    }

    /** Whether two texts give equivalent answers; false when either gives none. */
    public boolean agree(String textA, String textB) {
        String a = extract(textA);
        String b = extract(textB);
        return a != null && b != null && (a.equals(b) || verifier.verify(a, b).equal());
    }

    /**
     * How {@code text} fares against {@code gold}, read through the same seam as eval's grading; an
     * infrastructure error (the gold has no answer, the verifier broke) is no verdict, so no sample.
     */
    public Outcome outcome(String gold, String text) {
        return seam.verify(Check.of("answer", new MathAnswer(gold, null), null, text, false)).outcome();
    }
}
