package dev.arbiter.verify.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an RL policy would find: false positives it could be rewarded for, and outputs that hold a
 * verdict past its deadline. Each false-positive class is rejected while its correct counterpart is
 * still accepted, and every hostile shape, repeated 50,000 times, gets its verdict by the deadline.
 */
@Tag("slow")
class MathHostileTest {
    static final int N = 50_000;
    @RegisterExtension
    static final SymjaVerifier symja = new SymjaVerifier();

    private static MathVerdict verdict(String gold, String pred, MathConfig config) {
        return symja.get().verify(gold, pred, config);
    }

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '¦', quoteCharacter = '`', textBlock = """
            # symbols carry no sign: |x| and sqrt(x^2) are not x
            |x| ¦ $x$ ¦ false
            x ¦ $|x|$ ¦ false
            \\sqrt{x^2} ¦ $x$ ¦ false
            x ¦ $\\sqrt{x^2}$ ¦ false
            \\frac{|x|}{x} ¦ $1$ ¦ false
            \\sqrt{(x+2)^2} ¦ $x+2$ ¦ false
            |x-y| ¦ $x-y$ ¦ false
            x ¦ $(\\sqrt{x})^2$ ¦ false
            # ... while identities that hold for every real still pass
            |x| ¦ $\\sqrt{x^2}$ ¦ true
            \\sqrt{x^2} ¦ $|x|$ ¦ true
            x^2-1 ¦ $(x-1)(x+1)$ ¦ true
            |x|^2 ¦ $x^2$ ¦ true
            \\sqrt[3]{x^3} ¦ $x$ ¦ true
            # and so do those the gold's own domain needs: sqrt(x) means x >= 0
            \\sqrt{x}\\sqrt{y} ¦ $\\sqrt{xy}$ ¦ true
            2\\ln x ¦ $\\ln(x^2)$ ¦ true
            (\\sqrt{x})^2 ¦ $x$ ¦ true
            \\frac{\\sqrt{x^3}}{x} ¦ $\\sqrt{x}$ ¦ true
            # answers joined by "or" / "and" are one set
            10 ¦ The answer is $10$ or $11$. ¦ false
            11 ¦ The answer is $10$ or $11$. ¦ false
            `10, 11` ¦ The answer is $10$ or $11$. ¦ true
            `\\{10, 11\\}` ¦ The answer is $10$ or $11$. ¦ true
            10 ¦ The final answer is $10$ and $11$. ¦ false
            `\\{10, 11\\}` ¦ The final answer is $10$ and $11$. ¦ true
            10 ¦ So the final answer is 10 or 11. ¦ false
            `10, 11` ¦ So the final answer is 10 or 11. ¦ true
            10 ¦ Answer: $10$ or $11$ ¦ false
            10 ¦ The answer is $10$. ¦ true
            10 ¦ The answer is $10$, which is even. ¦ true
            # ... and such a set is not an ordered pair or an open interval
            (3,5) ¦ So the final answer is 3 or 5. ¦ false
            (3,5) ¦ $x=3$ or $x=5$ ¦ false
            `(3, 5)` ¦ The answer is $3$ and $5$ ¦ false
            `3, 5` ¦ So the final answer is 3 or 5. ¦ true
            `\\{3,5\\}` ¦ So the final answer is 3 or 5. ¦ true
            (3,5) ¦ $\\boxed{3, 5}$ ¦ true
            # a decimal is not an irrational unless the gold is that decimal
            \\sqrt{2} ¦ $1.41421356$ ¦ false
            \\sqrt{2} ¦ $\\boxed{1.414214}$ ¦ false
            \\pi ¦ $3.14159265$ ¦ false
            \\sqrt{2} ¦ $1.41421356 \\cdot 1$ ¦ false
            \\sqrt{2} ¦ $\\sqrt{1.99999999999}$ ¦ false
            x+\\sqrt{2} ¦ $x+1.41421356$ ¦ false
            \\pi x ¦ $3.14159265x$ ¦ false
            1.41 ¦ $\\sqrt{3}$ ¦ false
            # a decimal gold stands for an irrational only when written to at least 3 significant digits
            0.5 ¦ $\\boxed{\\frac{\\pi}{6}}$ ¦ false
            2.5 ¦ $\\frac{\\pi^2}{4}$ ¦ false
            1.0 ¦ $\\frac{\\pi}{3}$ ¦ false
            3.0 ¦ $\\sqrt{9.2}$ ¦ false
            # nor does a decimal in the prediction become exact by a factor the CAS cannot decide
            \\sqrt{2} ¦ $1.4142135623730951\\cdot\\frac{\\pi}{\\pi}$ ¦ false
            # ... the gold's own precision decides, and rationals keep the rounding rule
            1.41 ¦ $\\sqrt{2}$ ¦ true
            1.414 ¦ $\\sqrt{2}$ ¦ true
            1.41421356 ¦ $\\sqrt{2}$ ¦ true
            1.414 ¦ $1.414$ ¦ true
            3.14 ¦ $\\pi$ ¦ true
            0.5 ¦ $\\frac{1}{2}$ ¦ true
            \\frac{1}{2} ¦ $0.5$ ¦ true
            1/3 ¦ $0.333333$ ¦ true
            \\frac{5\\sqrt{42}}{27} ¦ $\\frac{10\\sqrt{10.5}}{27}$ ¦ true
            \\sqrt{2} ¦ $\\sqrt{2.0}$ ¦ true
            """)
    void falsePositiveClassesAreRejectedAndTheirCounterpartsAccepted(String gold, String pred, boolean equal) {
        MathVerdict v = verdict(gold, pred, MathConfig.defaults());
        assertThat(v.equal()).as("%s vs %s: %s", gold, pred, v).isEqualTo(equal);
    }

    @Test
    void aConfigThatAsksForApproximationLetsADecimalStandForAnIrrational() {
        MathConfig approx = MathConfig.defaults().withApproximate(true);
        assertThat(verdict("\\sqrt{2}", "$1.41421356$", approx).equal()).isTrue();
        assertThat(verdict("\\pi", "$3.141593$", approx).equal()).isTrue();
        assertThat(verdict("\\sqrt{2}", "$1.4142$", approx).equal()).as("still at float_rounding places").isFalse();
        assertThat(verdict("\\sqrt{2}", "$1.4142$", approx.withFloatRounding(4)).equal()).isTrue();
    }

    @Test
    void aDecimalIsNotAnExactIrrationalWhenTheCasCannotSay() {
        // a CAS that never starts: every question comes back unanswered
        try (SymjaPool none = SymjaPool.withLaunch(1, new SymjaPool.Launch("/nonexistent/bin/java", "", null))) {
            MathConfig cfg = MathConfig.defaults().withDeadline(java.time.Duration.ofSeconds(5));
            Deadline d = Deadline.after(cfg.deadline());
            Equivalence eq = new Equivalence(cfg, d, none);
            Expr root2 = LatexParser.parse("\\sqrt{2}", d);
            assertThat(eq.equal(root2, LatexParser.parse("1.4142135623730951\\cdot\\frac{\\pi}{\\pi}", d)))
                    .as(eq.reason()).isFalse();
            assertThat(eq.equal(root2, LatexParser.parse("\\frac{\\sqrt{8}}{2}\\cdot\\frac{\\pi}{\\pi}", d)))
                    .as("exact forms still agree numerically: %s", eq.reason()).isTrue();
        }
    }

    // ---- strict extraction

    private static final MathConfig BOXED = MathConfig.defaults().withExtraction(MathConfig.Extraction.BOXED);

    @Test
    void boxedModeTakesNoProseNumbersNoDollarsAndNoAnswerPhrases() {
        for (String pred : List.of("The answer is 7.", "So $x = 7$.", "The final answer is $7$. I hope it is correct.",
                "Answer: 7", "7", "$7$", "\\[7\\]", "<think>\\boxed{8}</think> so 7")) {
            MathVerdict v = verdict("7", pred, BOXED);
            assertThat(v.equal()).as(pred).isFalse();
        }
        assertThat(verdict("7", "The answer is 7.", BOXED).reason()).isEqualTo("no answer found in the prediction");
        assertThat(verdict("7", "The answer is 7.", MathConfig.defaults()).equal()).as("flexible still reads it").isTrue();
        assertThat(verdict("7", "We get 7, so the answer is $\\boxed{7}$.", BOXED).equal()).isTrue();
        assertThat(verdict("7", "\\fbox{7}", BOXED).equal()).isTrue();
    }

    @Test
    void boxedModeTakesTheLastBox() {
        assertThat(verdict("5", "First \\boxed{3}, then on reflection \\boxed{5}.", BOXED).equal()).isTrue();
        assertThat(verdict("3", "First \\boxed{3}, then on reflection \\boxed{5}.", BOXED).equal()).isFalse();
        assertThat(verdict("12", "<think>maybe \\boxed{11}</think> The answer is \\boxed{12}", BOXED).equal()).isTrue();
        assertThat(verdict("\\frac{1}{2}", "so $\\boxed{\\frac{1}{2}}$ and 7 apples", BOXED).equal()).isTrue();
    }

    @Test
    void boxedModeGivesNoAnswerForAnUnclosedLastBox() {
        MathVerdict v = verdict("2", "\\boxed{1} and at last \\boxed{2", BOXED);
        assertThat(v.equal()).isFalse();
        assertThat(v.reason()).isEqualTo("no answer found in the prediction");
        assertThat(verdict("\\frac{1}{2}", "\\boxed{\\frac{1}{2}", BOXED).equal()).isFalse();
    }

    @Test
    void boxedModeReadsTheBenchmarksLetterFormatWhenItHasChoices() {
        MathConfig mc = BOXED.withChoices(List.of("A", "B", "C", "D"));
        assertThat(verdict("C", "so we pick $\\boxed{\\text{(C)}}$", mc).equal()).isTrue();
        assertThat(verdict("C", "(C)", mc).equal()).isTrue();
        assertThat(verdict("C", "Comparing the options, the answer is (C).", mc).equal()).isFalse();
    }

    @Test
    void boxedModeLeavesTheGoldAlone() {
        // the gold is extracted as ever: a bare answer, a $...$ or a reference solution
        assertThat(verdict("$\\frac{1}{2}$", "\\boxed{0.5}", BOXED).equal()).isTrue();
        assertThat(verdict("The answer is $7$.", "\\boxed{7}", BOXED).equal()).isTrue();
    }

    // ---- hostile sizes

    /** {@code flexible}, {@code boxed}: the right verdict in each mode, or null where the input has none. */
    record Shape(String name, String pred, Boolean flexible, Boolean boxed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Shape> shapes() {
        List<Shape> s = new ArrayList<>();
        s.add(new Shape("\\boxed{ x50k (unclosed, nested)", "\\boxed{".repeat(N), false, false));
        s.add(new Shape("\\fbox{ x50k (unclosed, nested)", "\\fbox{".repeat(N), false, false));
        s.add(new Shape("\\boxed{\\boxed{ x50k (unclosed)", "\\boxed{\\boxed{".repeat(N), false, false));
        s.add(new Shape("\\boxed{\\fbox{ x50k (unclosed)", "\\boxed{\\fbox{".repeat(N), false, false));
        s.add(new Shape("\\boxed{ x50k nested around 1", "\\boxed{".repeat(N) + "1" + "}".repeat(N), true, true));
        s.add(new Shape("\\fbox{ x50k nested around 1", "\\fbox{".repeat(N) + "1" + "}".repeat(N), true, true));
        s.add(new Shape("\\boxed{1} x50k", "\\boxed{1}".repeat(N), true, true));
        s.add(new Shape("\\fbox{1} x50k", "\\fbox{1}".repeat(N), true, true));
        s.add(new Shape("\\boxed{1} and x50k", "\\boxed{1} and ".repeat(N), true, true));
        s.add(new Shape("\\boxed{1}\\boxed{2} x50k", "\\boxed{1}\\boxed{2}".repeat(N), false, false));
        s.add(new Shape("\\boxed{} x50k", "\\boxed{}".repeat(N), false, false));
        s.add(new Shape("\\boxed{1 then } x50k", "\\boxed{1" + "}".repeat(N), true, true));
        s.add(new Shape("\\boxed x50k (no braces)", "\\boxed ".repeat(N), false, false));
        s.add(new Shape("\\boxed{\\frac{ x50k", "\\boxed{" + "\\frac{".repeat(N), false, false));
        s.add(new Shape("\\boxed{\\text{ x50k", "\\boxed{\\text{".repeat(N), false, false));
        s.add(new Shape("<think>\\boxed{ x50k", "<think>\\boxed{".repeat(N) + "</think>", false, false));
        s.add(new Shape("$ x50k", "$".repeat(N), false, false));
        s.add(new Shape("$ x50k then $1$", "$".repeat(N) + " so $1$", null, false));
        s.add(new Shape("$1 x50k", "$1".repeat(N), null, false));
        s.add(new Shape("$1$ or x50k", "$1$ or ".repeat(N), true, false));
        s.add(new Shape("$$ x50k unclosed", "$$x".repeat(N), null, false));
        s.add(new Shape("\\( x50k", "\\(".repeat(N), false, false));
        s.add(new Shape("\\[ x50k", "\\[".repeat(N), false, false));
        s.add(new Shape("\\(1 x50k", "\\(1 ".repeat(N), null, false));
        s.add(new Shape("final answer is x50k", "The final answer is ".repeat(N), false, false));
        s.add(new Shape("final answer is \\( x50k", "The final answer is \\(".repeat(N), false, false));
        s.add(new Shape("answer: $ x50k", "answer: $".repeat(N), false, false));
        s.add(new Shape("answer is $1$ or x50k", "The answer is $1$ or ".repeat(N), true, false));
        s.add(new Shape("1 + x50k", "1 + ".repeat(N) + "1", null, false));
        s.add(new Shape("1, x50k", "1, ".repeat(N), null, false));
        s.add(new Shape("{ x50k then \\boxed{1}", "{".repeat(N) + "\\boxed{1}", true, true));
        s.add(new Shape("\\ x50k then \\boxed{1}", "\\".repeat(N) + "\\boxed{1}", null, null));
        return s;
    }

    static List<Object[]> shapesAndModes() {
        List<Object[]> out = new ArrayList<>();
        for (Shape s : shapes()) {
            out.add(new Object[] {s, "flexible"});
            out.add(new Object[] {s, "boxed"});
            out.add(new Object[] {s, "choices"});
        }
        return out;
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("shapesAndModes")
    void everyHostileShapeGetsItsVerdictByTheDeadline(Shape shape, String mode) {
        MathConfig config = switch (mode) {
            case "boxed" -> BOXED;
            case "choices" -> MathConfig.defaults().withChoices(List.of("A", "B", "C", "D"));
            default -> MathConfig.defaults();
        };
        long t0 = System.nanoTime();
        MathVerdict v = verdict("1", shape.pred(), config);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("hostile %-40s %-8s %6d ms equal=%s timed_out=%s reason=%s%n", shape.name(), mode, ms, v.equal(),
                v.timedOut(), v.reason());
        assertThat(ms).as("within the deadline + 0.5 s").isLessThan(config.deadline().toMillis() + 500);
        assertThat(v.reason()).isNotBlank();
        Boolean expected = mode.equals("boxed") ? shape.boxed() : shape.flexible(); // the gold 1 is no choice letter
        if (expected != null) {
            assertThat(v.equal()).as("verdict").isEqualTo(expected);
        }
    }
}
