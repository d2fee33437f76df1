package dev.arbiter.verify.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Behaviours the issue names, each as gold / prediction / verdict. */
class MathVerifierTest {
    @RegisterExtension
    static final SymjaVerifier symja = new SymjaVerifier();

    private static boolean eq(String gold, String pred) {
        return symja.get().verify(gold, pred).equal();
    }

    @ParameterizedTest(name = "[{index}] {0} vs {1} -> {2}")
    @CsvSource(delimiter = '¦', quoteCharacter = '`', textBlock = """
            # extraction tiers
            2 ¦ After some work, \\boxed{3} ... wait, that is wrong. The answer is \\boxed{2}. ¦ true
            `$\\{2,3\\}$` ¦ After some work, \\boxed{3} ... wait, that is wrong. The answer is \\boxed{2}. ¦ false
            `$\\{1,2\\}$` ¦ \\boxed{1} and \\boxed{2} ¦ true
            7 ¦ The final answer is $7$. I hope it is correct. ¦ true
            7 ¦ So the final answer is 7 ¦ true
            7 ¦ Answer: x = 7 ¦ true
            7 ¦ We get $x=3$ and then $y = 7$ ¦ true
            7 ¦ the count is 3, then 5, and finally 7 ¦ true
            12 ¦ <think>maybe \\boxed{11}</think> The answer is \\boxed{12} ¦ true
            11 ¦ <think>maybe \\boxed{11}</think> The answer is \\boxed{12} ¦ false
            5/3 ¦ so $b=\\boxed{\\frac{5}{3}}$. <|im_start|>user Next: solve it. <|im_start|>assistant \\boxed{8} ¦ true
            101 ¦ The total is \\boxed{100}. Wait, let me recheck: 99 + 2 = 101. So the answer is \\boxed{101}. ¦ true
            100 ¦ The total is \\boxed{100}. Wait, let me recheck: 99 + 2 = 101. So the answer is \\boxed{101}. ¦ false
            55 ¦ so $\\sum_{k=1}^{10} k = 55$ ¦ true
            56 ¦ so $\\sum_{k=1}^{10} k = 55$ ¦ false
            # normalization
            18.90 ¦ $\\boxed{\\$18.90}$ ¦ true
            4 ¦ $\\boxed{\\text{4 apples}}$ ¦ true
            30 ¦ The angle is $\\boxed{30^\\circ}$. ¦ true
            1/2 ¦ $\\left( \\dfrac{1}{2} \\right)$ ¦ true
            1/2 ¦ $\\tfrac12$ ¦ true
            \\sqrt{3} ¦ $\\sqrt3$ ¦ true
            5 ¦ $5 \\text{ cm}$ ¦ true
            90 ¦ $90^\\circ$ ¦ true
            1000000 ¦ $1{,}000{,}000$ ¦ true
            1000000 ¦ $1,\\!000,\\!000$ ¦ true
            1000000 ¦ 1,000,000 ¦ true
            2\\frac{1}{2} ¦ $\\frac{5}{2}$ ¦ true
            1500 ¦ the answer is 1.5e3 ¦ true
            1500 ¦ $1.5 \\times 10^{3}$ ¦ true
            0.0015 ¦ $1.5 \\cdot 10^{-3}$ ¦ true
            1/3 ¦ $0.\\overline{3}$ ¦ true
            1/6 ¦ $0.1\\overline{6}$ ¦ true
            10\\% ¦ $0.1$ ¦ true
            10\\% ¦ $10$ ¦ false
            # equivalence
            1/3 ¦ $0.333333$ ¦ true
            1/3 ¦ $0.33$ ¦ false
            \\frac{1}{2^{99}} ¦ $\\frac{1}{2^{98}}$ ¦ false
            \\frac{1}{2004!} ¦ $\\frac{1}{2006!}$ ¦ false
            \\frac{1}{2^{99}} ¦ $0.000000$ ¦ false
            \\sqrt{50} ¦ $5\\sqrt{2}$ ¦ true
            \\frac{\\sqrt{2}}{2} ¦ $\\frac{1}{\\sqrt{2}}$ ¦ true
            \\sqrt{50} ¦ $5\\sqrt{3}$ ¦ false
            x^2-1 ¦ $(x-1)(x+1)$ ¦ true
            x^2-1 ¦ $(x-1)^2$ ¦ false
            \\sec^2 y ¦ $\\tan^2 y + 1$ ¦ true
            \\pi/4 ¦ $\\frac{\\pi}{4}$ ¦ true
            2i ¦ $\\boxed{(1+i)^2}$ ¦ true
            3+4i ¦ $\\boxed{4i+3}$ ¦ true
            3+4i ¦ $\\boxed{4i-3}$ ¦ false
            # sets, tuples, intervals, matrices
            `$\\{1,2,3\\}$` ¦ $\\{3,1,2\\}$ ¦ true
            `$(1,2,3)$` ¦ $(3,1,2)$ ¦ false
            `$(1,2,3)$` ¦ $(1,2,3)$ ¦ true
            `$[0,1)$` ¦ $[0,1)$ ¦ true
            `$[0,1)$` ¦ $[0,1]$ ¦ false
            `$(0,1)$` ¦ $(0,1]$ ¦ false
            `$(-\\infty,3) \\cup (5,\\infty)$` ¦ $(5,\\infty) \\cup (-\\infty,3)$ ¦ true
            `$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$` ¦ $\\begin{bmatrix}1 & 2 \\\\ 3 & 4\\end{bmatrix}$ ¦ true
            `$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$` ¦ $\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}$ ¦ false
            # equations, inequalities, assignments
            x=11 ¦ $11$ ¦ true
            11 ¦ $x = 11$ ¦ true
            x+z=1 ¦ $1$ ¦ false
            2x+z=1 ¦ $1$ ¦ false
            x \\le 5 ¦ $5 \\ge x$ ¦ true
            x < 1 ¦ $-x > -1$ ¦ true
            x < 1 ¦ $x > 1$ ¦ false
            2x+4y=6 ¦ $x+2y=3$ ¦ true
            2x+4y=6 ¦ $x+2y=4$ ¦ false
            1 < x < 2 ¦ $(1,2)$ ¦ true
            """)
    void verdicts(String gold, String pred, boolean equal) {
        MathVerdict v = symja.get().verify(gold, pred);
        assertThat(v.equal()).as("%s vs %s: %s", gold, pred, v).isEqualTo(equal);
    }

    @Test
    void aPlainExpressionIsReadWholeWhenThePredictionIsOnlyThat() {
        MathConfig expr = MathConfig.defaults().withTargets(java.util.Set.of(MathConfig.Target.LATEX),
                java.util.Set.of(MathConfig.Target.EXPR));
        assertThat(symja.get().verify("$x^2+1$", "x**2 + 1", expr).equal()).isTrue();
        assertThat(symja.get().verify("$x^2+1$", "x**2 + 2", expr).equal()).isFalse();
    }

    @Test
    void percentPolicyIsConfigurable() {
        MathConfig lenient = MathConfig.defaults().withPercent(MathConfig.Percent.LENIENT);
        assertThat(symja.get().verify("10\\%", "$10$").equal()).isFalse();
        assertThat(symja.get().verify("10\\%", "$10$", lenient).equal()).isTrue();
        assertThat(symja.get().verify("10\\%", "$0.1$", lenient).equal()).isTrue();
    }

    @Test
    void strictModeKeepsVariableNames() {
        assertThat(symja.get().verify("$f(x)=x^2$", "$f(y)=y^2$").equal()).isFalse();
        assertThat(symja.get().verify("$f(x)=x^2$", "$f(y)=y^2$", MathConfig.defaults().withStrict(false)).equal()).isTrue();
    }

    @Test
    void setRelationComparisonIsOneWayUnlessAllowed() {
        assertThat(symja.get().verify("$1 < x < 2$", "$(1,2)$").equal()).isTrue();
        assertThat(symja.get().verify("$(1,2)$", "$1 < x < 2$").equal()).isFalse();
        assertThat(symja.get().verify("$(1,2)$", "$1 < x < 2$", MathConfig.defaults().withAllowSetRelation(true)).equal()).isTrue();
    }

    @Test
    void multipleChoiceLettersWhenTheBenchmarkDeclaresThem() {
        MathConfig mc = MathConfig.defaults().withChoices(List.of("A", "B", "C", "D", "E"));
        assertThat(symja.get().verify("C", "Comparing the options, the answer is (C).", mc).equal()).isTrue();
        assertThat(symja.get().verify("C", "so we pick $\\boxed{\\text{(C)}}$", mc).equal()).isTrue();
        assertThat(symja.get().verify("B", "so we pick $\\boxed{\\text{(C)}}$", mc).equal()).isFalse();
        assertThat(symja.get().verify("D", "Answer: D", mc).equal()).isTrue();
    }

    @Test
    void anAnswerNamingSeveralLettersIsNoChoice() {
        MathConfig mc = MathConfig.defaults().withChoices(List.of("A", "B", "C", "D"));
        for (String gold : List.of("A", "B")) {
            for (String pred : List.of("The answer is A or B.", "Answer: (A) or (B)", "Answer: A, B", "A or B", "\\boxed{A, B}",
                    "\\boxed{A \\text{ or } B}", "A) 3\nB) 4\nC) 5\nD) 6", "The options are (A) 3, (B) 4, (C) 5 and (D) 6.",
                    "(A) (B) (C) (D)")) {
                MathVerdict v = symja.get().verify(gold, pred, mc);
                assertThat(v.equal()).as(gold + " vs " + pred + ": " + v.reason() + " " + v.extractedPred()).isFalse();
            }
        }
        // a letter followed by prose, a restated option and a change of mind still choose one
        assertThat(symja.get().verify("A", "The answer is A, because the field vanishes.", mc).equal()).isTrue();
        assertThat(symja.get().verify("A", "The answer is A and a check confirms it.", mc).equal()).isTrue();
        assertThat(symja.get().verify("B", "(A) fails the check.\nSo the final answer is (B).", mc).equal()).isTrue();
        assertThat(symja.get().verify("B", "The answer is A. Wait, no: the answer is B", mc).equal()).isTrue();
        assertThat(symja.get().verify("B", "The answer is\nB) 4", mc).equal()).isTrue();
    }

    @Test
    void aSecondLetterLaterInTheAnswersSentenceOrAfterItsBoxIsNoChoice() {
        for (MathConfig.Extraction mode : MathConfig.Extraction.values()) {
            MathConfig mc = MathConfig.defaults().withChoices(List.of("A", "B", "C", "D")).withExtraction(mode);
            for (String pred : List.of("The answer is C, but it could also be B.", "The answer is C (or possibly B).",
                    "Answer: C and/or B", "Answer: C or maybe B", "Answer: C, although B is equally likely.", "Answer: C | B",
                    "Answer: C\\B", "Answer: C + B", "The answer is C. Or B.", "The answer is C. Alternatively, the answer is B.",
                    "The answer is B. Alternatively, the answer is C.", "The answer is either C or B", "\\boxed{C}\n\nThe answer is B.",
                    "\\boxed{C} or maybe B", "\\boxed{B}\n\\boxed{C}", "\\boxed{C}\n\nSome more thought on the units and the fields involved "
                            + "in the problem, all of it long enough.\n\\boxed{B}",
                    "\\boxed{B}\n\nSome more thought on the units and the fields involved in the problem, all of it long enough.\n"
                            + "\\boxed{C}", "\\boxed{C/B}", "\\boxed{C, B}")) {
                for (String gold : List.of("B", "C")) {
                    MathVerdict v = symja.get().verify(gold, pred, mc);
                    assertThat(v.equal()).as(mode + ": " + gold + " vs " + pred + ": " + v.reason() + " " + v.extractedPred()).isFalse();
                }
            }
        }
        MathConfig mc = MathConfig.defaults().withChoices(List.of("A", "B", "C", "D"));
        // prose after the letter, a new sentence starting with "A", a restated letter and a change of mind still choose one
        for (String pred : List.of("The answer is A, because the field vanishes.", "The answer is A and a check confirms it.",
                "The answer is A. B fails the boundary check.", "The answer is (A): option A alone keeps the charge.",
                "The answer is B. Wait, no: the answer is A", "\\boxed{A}\n\nThe answer is A.", "The answer is B.\n\\boxed{A}",
                "\\boxed{A}. A check of B and C rules them out.")) {
            MathVerdict v = symja.get().verify("A", pred, mc);
            assertThat(v.equal()).as(pred + ": " + v.reason() + " " + v.extractedPred()).isTrue();
        }
        // "I" as the pronoun is no tenth option
        MathConfig ten = MathConfig.defaults().withChoices(List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J"));
        assertThat(symja.get().verify("C", "The answer is C, as I showed above.", ten).equal()).isTrue();
        assertThat(symja.get().verify("C", "The answer is C, or else I.", ten).equal()).isFalse();
    }

    @Test
    void aVerdictNamesWhatWasExtractedAndWhy() {
        MathVerdict v = symja.get().verify("\\frac{1}{2}", "so it is $\\boxed{0.5}$");
        assertThat(v.equal()).isTrue();
        assertThat(v.timedOut()).isFalse();
        assertThat(v.extractedGold()).containsExactly("\\frac{1}{2}");
        assertThat(v.extractedPred()).containsExactly("0.5");
        assertThat(v.reason()).isEqualTo("same expression");
        assertThat(symja.get().verify("1/3", "$0.333333$").reason()).isEqualTo("equal at 6 decimal places");
        MathVerdict none = symja.get().verify("3", "I could not solve it.");
        assertThat(none.equal()).isFalse();
        assertThat(none.reason()).isEqualTo("no answer found in the prediction");
    }

    @Test
    void manyThreadsGetTheSameVerdictsAsOne() throws Exception {
        String[][] pairs = {{"\\sqrt{50}", "$5\\sqrt{2}$"}, {"1/3", "$0.33$"}, {"x^2-1", "$(x-1)(x+1)$"},
            {"\\{1,2\\}", "\\boxed{2,1}"}, {"7", "\\boxed{8}"}, {"x \\le 5", "$5 \\ge x$"}};
        List<Boolean> expected = new ArrayList<>();
        for (String[] p : pairs) {
            expected.add(eq(p[0], p[1]));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String[] p = pairs[i % pairs.length];
                fs.add(pool.submit(() -> eq(p[0], p[1])));
            }
            for (int i = 0; i < fs.size(); i++) {
                assertThat(fs.get(i).get()).as("pair %d", i % pairs.length).isEqualTo(expected.get(i % pairs.length));
            }
        }
        assertThat(expected).containsExactly(true, false, true, true, false, true);
    }
}
