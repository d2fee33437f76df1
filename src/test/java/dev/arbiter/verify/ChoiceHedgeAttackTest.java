package dev.arbiter.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Review attack: multiple-choice responses that name more than one letter graded correct (issue #26), through a gold
 * {@code MathAnswer} that declares its letters. Gold is C. The verifiers module's MathVerifierTest holds the rule's cases.
 */
class ChoiceHedgeAttackTest {
    static MathVerifier engine;

    @BeforeAll
    static void start() {
        engine = new MathVerifier();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Map<String, Outcome> grade(List<String> responses, MathConfig.Extraction mode) {
        MathAnswerVerifier v = new MathAnswerVerifier(engine, engine.defaults().withExtraction(mode));
        Map<String, Outcome> out = new LinkedHashMap<>();
        for (String r : responses) {
            out.put(r, v.verify(new Check("q", new MathAnswer("C", null, List.of("A", "B", "C", "D")), null, r, false, null, null)).outcome());
        }
        return out;
    }

    static final List<String> HEDGES = List.of(
            "The answer is C, but it could also be B.",
            "The answer is C (or possibly B).",
            "Answer: C and/or B",
            "Answer: C or maybe B",
            "The answer is C. Alternatively, the answer is B.",
            "Answer: C, although B is equally likely.",
            "The answer is either C or B",
            "Answer: C | B",
            "Answer: C\\B",
            "Answer: C + B",
            "\\boxed{C or B}",
            "\\boxed{C \\text{ or } B}",
            "\\boxed{C/B}",
            "\\boxed{C, B}",
            "\\boxed{(C) (B)}",
            "\\boxed{C \\lor B}",
            "\\boxed{C\\,\\text{or}\\,B}",
            "\\boxed{B}\n\\boxed{C}",
            "\\boxed{C}\n\nThe answer is B.",
            "\\boxed{C} or maybe B",
            "The answer is C. Or B.",
            "The answer is B. Alternatively, the answer is C.",
            "The answer is C.\nAnswer: B");

    @Test
    void hedgesAreNotCorrect() {
        List<String> paid = new ArrayList<>();
        for (var mode : List.of(MathConfig.Extraction.FLEXIBLE, MathConfig.Extraction.BOXED)) {
            grade(HEDGES, mode).forEach((r, o) -> {
                if (o == Outcome.CORRECT) {
                    paid.add(mode + ": " + r.replace("\n", "\\n"));
                }
            });
        }
        assertThat(paid).as("hedges paid").isEmpty();
    }

    @Test
    void aChangeOfMindOrAFinalAnswerAfterTheOptionsStillChoosesOne() {
        // the last statement decides: these name C last and choose it, as a changed mind or restated options should
        List<String> decided = List.of("(A) (B) (C) (D)\n\\boxed{C}", "Answer: B\nAnswer: C", "The answer is B\n</think>\nThe answer is C",
                "The answer is B. Wait, no: the answer is C.");
        assertThat(grade(decided, MathConfig.Extraction.FLEXIBLE).values()).containsOnly(Outcome.CORRECT);
        assertThat(grade(List.of("(A) (B) (C) (D)\n\\boxed{C}"), MathConfig.Extraction.BOXED).values()).containsOnly(Outcome.CORRECT);
    }
}
