package dev.arbiter.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPQA-Diamond graded end to end: its CSV read from a data folder into shuffled, lettered problems,
 * then responses graded by the real math verifier through the seam, as eval and grade do.
 */
class MultipleChoiceGradingTest {
    static MathVerifier engine;
    static List<Problem> gpqa;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        engine = new MathVerifier();
        StringBuilder csv = new StringBuilder("Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Record ID,"
                + "High-level domain,Subdomain\n");
        for (int i = 0; i < 198; i++) {
            csv.append("\"What is the ground state energy in case ").append(i).append(", in eV?\",")
                    .append("\"").append(-13.6 - i).append(" eV\",\"").append(-3.4 - i).append(" eV\",\"0 eV\",\"").append(13.6 + i)
                    .append(" eV\",rec").append(i).append(",Physics,Quantum Mechanics\n");
        }
        Files.createDirectories(dir.resolve("data/gpqa"));
        Files.writeString(dir.resolve("data/gpqa/gpqa_diamond.csv"), csv);
        gpqa = new Benchmarks(new DataConfig(dir.resolve("data"), dir.resolve("cache"), true, null, null))
                .load("gpqa_diamond", Selection.DEFAULT).problems();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Outcome grade(MathAnswerVerifier v, Problem p, String response) {
        return v.verify(new Check(p.id(), p.gold(), null, response, false, null, null)).outcome();
    }

    static String letter(Problem p) {
        return ((MathAnswer) p.gold()).answer();
    }

    static String other(Problem p) {
        return letter(p).equals("A") ? "C" : "A";
    }

    @Test
    void theRightLetterIsCorrectInEveryUsualFormAndAWrongOneIsWrong() {
        MathAnswerVerifier flexible = new MathAnswerVerifier(engine, engine.defaults().withExtraction(MathConfig.Extraction.FLEXIBLE));
        MathAnswerVerifier boxed = new MathAnswerVerifier(engine, engine.defaults().withExtraction(MathConfig.Extraction.BOXED));
        for (Problem p : gpqa.subList(0, 12)) {
            String right = letter(p);
            String wrong = other(p);
            assertThat(grade(flexible, p, "Working through it, the energy is lowest for (" + right + ").")).as(p.id()).isEqualTo(Outcome.CORRECT);
            assertThat(grade(flexible, p, "Bohr's model gives it directly.\nAnswer: " + right)).as(p.id()).isEqualTo(Outcome.CORRECT);
            assertThat(grade(flexible, p, "So the final choice is $\\boxed{" + right + "}$.")).as(p.id()).isEqualTo(Outcome.CORRECT);
            assertThat(grade(boxed, p, "So the final choice is $\\boxed{" + right + "}$.")).as(p.id()).isEqualTo(Outcome.CORRECT);
            assertThat(grade(boxed, p, right)).as(p.id()).isEqualTo(Outcome.CORRECT);

            assertThat(grade(flexible, p, "Answer: " + wrong)).as(p.id()).isEqualTo(Outcome.WRONG);
            assertThat(grade(flexible, p, "so \\boxed{" + wrong + "}")).as(p.id()).isEqualTo(Outcome.WRONG);
            assertThat(grade(boxed, p, "so \\boxed{" + wrong + "}")).as(p.id()).isEqualTo(Outcome.WRONG);
            assertThat(grade(flexible, p, "(" + wrong + ")")).as(p.id()).isEqualTo(Outcome.WRONG);
        }
    }

    @Test
    void theRightOptionsTextIsNotALetter() {
        // the gold is the letter: restating the right option's text without its letter earns nothing
        MathAnswerVerifier flexible = new MathAnswerVerifier(engine);
        Problem p = gpqa.get(0);
        assertThat(grade(flexible, p, "The energy is \\boxed{-13.6 eV}")).isNotEqualTo(Outcome.CORRECT);
    }

    @Test
    void hostileAnswersThatNameSeveralLettersOrEveryOptionAreNotCorrect() {
        MathAnswerVerifier flexible = new MathAnswerVerifier(engine);
        MathAnswerVerifier boxed = new MathAnswerVerifier(engine, engine.defaults().withExtraction(MathConfig.Extraction.BOXED));
        for (Problem p : gpqa.subList(0, 12)) {
            String right = letter(p);
            String wrong = other(p);
            List<String> hostile = new ArrayList<>(List.of(
                    "The answer is " + right + " or " + wrong + ".",
                    "The answer is " + wrong + " or " + right + ".",
                    "Answer: " + right + ", " + wrong,
                    "Answer: (" + right + ") or (" + wrong + ")",
                    right + " or " + wrong,
                    right + "/" + wrong,
                    "\\boxed{" + right + ", " + wrong + "}",
                    "\\boxed{" + right + " \\text{ or } " + wrong + "}",
                    "(A) (B) (C) (D)",
                    "\\boxed{A, B, C, D}"));
            // the options repeated back, as lettered in the prompt, and the whole prompt echoed
            String options = p.prompt().substring(p.prompt().indexOf("\nA) ") + 1);
            hostile.add(options);
            hostile.add(p.prompt());
            hostile.add("Let me list the options:\n" + options + "\nOne of these.");
            for (String h : hostile) {
                assertThat(grade(flexible, p, h)).as(p.id() + " flexible: " + h).isNotEqualTo(Outcome.CORRECT);
                assertThat(grade(boxed, p, h)).as(p.id() + " boxed: " + h).isNotEqualTo(Outcome.CORRECT);
            }
        }
    }

    @Test
    void theGoldReachesTheVerifierThroughTheSeamWithoutAnyChoicesOption() {
        // the engine's defaults declare no letters; the gold's own choices make "(B)" a letter
        assertThat(engine.defaults().choices()).isEmpty();
        Problem p = gpqa.stream().filter(q -> letter(q).equals("B")).findFirst().orElseThrow();
        assertThat(grade(new MathAnswerVerifier(engine), p, "Comparing them all, (B).")).isEqualTo(Outcome.CORRECT);
        Check plain = new Check(p.id(), new MathAnswer("B", null), null, "Comparing them all, (B).", false, null, null);
        assertThat(new MathAnswerVerifier(engine).verify(plain).outcome()).isNotEqualTo(Outcome.CORRECT);
    }
}
