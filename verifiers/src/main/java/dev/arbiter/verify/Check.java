package dev.arbiter.verify;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Gold;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.sandbox.Language;
import dev.arbiter.verify.code.CodeGrader;
import java.time.Duration;
import java.util.Objects;

/**
 * One question for a {@link Verifier}: does {@code response} reach {@code gold}?
 *
 * @param id        names the item in reasons and sandbox logs
 * @param grader    the rules code is graded by (null exactly for math)
 * @param truncated whether generation stopped at its token budget; a cut-off response without an
 *                  answer is {@link Outcome#TRUNCATED}
 * @param budget    how long a math verdict may take (null: the verifier's default); code's limits are
 *                  per test and belong to the code verifier's settings
 * @param language  the language the code is in, when the request names one (null: the grader's own
 *                  rule, see {@link CodeGrader#grade(String, CodeTests, CodeGrader.Kind, String, Language)})
 */
public record Check(String id, Gold gold, CodeGrader.Kind grader, String response, boolean truncated, Duration budget, Language language) {
    public Check {
        Objects.requireNonNull(gold, "gold");
        response = response == null ? "" : response;
        if ((gold instanceof CodeTests) != (grader != null)) {
            throw new IllegalArgumentException("code, and only code, is graded by a named grader");
        }
        if (language != null && grader == null) {
            throw new IllegalArgumentException("only code has a language");
        }
        if (budget != null && (budget.isNegative() || budget.isZero())) {
            throw new IllegalArgumentException("the budget must be positive, got " + budget);
        }
    }

    /** A check with the verifier's own deadline. */
    public static Check of(String id, Gold gold, CodeGrader.Kind grader, String response, boolean truncated) {
        return new Check(id, gold, grader, response, truncated, null, null);
    }

    /** This check with the language its request names. */
    public Check inLanguage(Language lang) {
        return new Check(id, gold, grader, response, truncated, budget, lang);
    }

    /** A math check of {@code response} against the gold answer {@code answer}, with the verifier's own deadline. */
    public static Check math(String id, String answer, String response) {
        return new Check(id, new MathAnswer(answer, null), null, response, false, null, null);
    }
}
