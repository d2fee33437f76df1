package dev.arbiter.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.verify.math.MathVerifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Sky-T1 perturbation at the paper's fractions, on real long traces (Omni-MATH reference solutions
 * in Sky-T1's layout). The changed share and the untouched bytes are checked from the output itself.
 */
class PerturberTest {
    static List<String> messages;

    @BeforeAll
    static void load() {
        messages = Traces.skyT1(60, 4);
    }

    private static List<Perturber.Result> run(Perturber.Kind kind, double f, long seed) {
        Perturber p = new Perturber(kind, f, seed, messages, null);
        List<Perturber.Result> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(p.apply(i, messages.get(i)));
        }
        return out;
    }

    /** round(F·N), half up, computed here on its own. */
    private static int expected(double f, int n) {
        return (int) Math.floor(f * n + 0.5);
    }

    /** Asserts the parts outside the thought are byte-identical and returns the output's thought. */
    private static String thoughtOf(String in, String out) {
        ThoughtBlock a = ThoughtBlock.find(in);
        ThoughtBlock b = ThoughtBlock.find(out);
        assertThat(b.before()).isEqualTo(a.before());
        assertThat(b.after()).isEqualTo(a.after());
        assertThat(out).startsWith(a.before()).endsWith(a.after());
        return out.substring(a.before().length(), out.length() - a.after().length());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 0.7, 1.0})
    void digitsChangeExactlyTheShareAskedEachToAnotherDigit(double f) {
        List<Perturber.Result> rs = run(Perturber.Kind.DIGITS, f, 11);
        long changedAll = 0;
        long digitsAll = 0;
        for (int i = 0; i < messages.size(); i++) {
            String before = ThoughtBlock.find(messages.get(i)).thought();
            String after = thoughtOf(messages.get(i), rs.get(i).message());
            assertThat(after).hasSameSizeAs(before);
            int digits = 0;
            int changed = 0;
            for (int c = 0; c < before.length(); c++) {
                boolean isDigit = Character.isDigit(before.charAt(c)) && before.charAt(c) < 128;
                digits += isDigit ? 1 : 0;
                if (before.charAt(c) != after.charAt(c)) {
                    assertThat(isDigit).as("only digits change").isTrue();
                    assertThat(after.charAt(c)).isBetween('0', '9');
                    changed++;
                }
            }
            assertThat(changed).isEqualTo(expected(f, digits));
            assertThat(rs.get(i).audit().changed()).isEqualTo(changed);
            assertThat(rs.get(i).audit().total()).isEqualTo(digits);
            changedAll += changed;
            digitsAll += digits;
        }
        assertThat(digitsAll).isGreaterThan(1000);
        assertThat((double) changedAll / digitsAll).isCloseTo(f, org.assertj.core.data.Offset.offset(0.01));
    }

    private static final Pattern KEYWORD = Pattern.compile("\\b(wait|hmm|alternatively|but|however|actually)\\b");

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 1.0})
    void keywordsRemoveExactlyTheShareOfKeywordSentences(double f) {
        List<Perturber.Result> rs = run(Perturber.Kind.KEYWORDS, f, 12);
        int withKeywords = 0;
        for (int i = 0; i < messages.size(); i++) {
            String before = ThoughtBlock.find(messages.get(i)).thought();
            String after = thoughtOf(messages.get(i), rs.get(i).message());
            Perturber.Audit a = rs.get(i).audit();
            List<KeywordSentences.Span> spans = KeywordSentences.find(before);
            assertThat(a.total()).isEqualTo(spans.size());
            assertThat(a.changed()).isEqualTo(expected(f, spans.size())).isEqualTo(a.indices().size());
            // The output is the input with exactly the recorded sentences cut out, each holding a keyword.
            StringBuilder rebuilt = new StringBuilder();
            int from = 0;
            for (int idx : a.indices()) {
                KeywordSentences.Span s = spans.get(idx);
                assertThat(KEYWORD.matcher(before.substring(s.start(), s.end()).toLowerCase(Locale.ROOT)).find()
                        || KeywordSentences.hasKeyword(before.substring(s.start(), s.end()))).isTrue();
                rebuilt.append(before, from, s.start());
                from = s.end();
            }
            rebuilt.append(before.substring(from));
            assertThat(after).isEqualTo(rebuilt.toString());
            assertThat(before.length() - after.length()).isEqualTo(a.indices().stream()
                    .mapToInt(idx -> spans.get(idx).end() - spans.get(idx).start()).sum());
            withKeywords += spans.isEmpty() ? 0 : 1;
            if (f == 1.0) {
                // Checked on its own: no common reflection word is left in the thought.
                assertThat(KEYWORD.matcher(after.toLowerCase(Locale.ROOT)).find()).as(after).isFalse();
            }
        }
        assertThat(withKeywords).isGreaterThan(messages.size() / 2);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.33, 0.67, 1.0})
    void deleteRemovesExactlyTheShareOfSteps(double f) {
        List<Perturber.Result> rs = run(Perturber.Kind.DELETE, f, 13);
        for (int i = 0; i < messages.size(); i++) {
            List<String> steps = StepSplitter.split(ThoughtBlock.find(messages.get(i)).thought());
            String after = thoughtOf(messages.get(i), rs.get(i).message());
            Perturber.Audit a = rs.get(i).audit();
            assertThat(a.total()).isEqualTo(steps.size());
            assertThat(new HashSet<>(a.indices())).hasSize(expected(f, steps.size()));
            StringBuilder kept = new StringBuilder();
            for (int s = 0; s < steps.size(); s++) {
                if (!a.indices().contains(s)) {
                    kept.append(steps.get(s));
                }
            }
            assertThat(after).isEqualTo(kept.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.33, 0.67, 1.0})
    void insertReplacesExactlyTheShareOfStepsWithOtherRecordsSteps(double f) {
        List<Perturber.Result> rs = run(Perturber.Kind.INSERT, f, 14);
        for (int i = 0; i < messages.size(); i++) {
            List<String> steps = StepSplitter.split(ThoughtBlock.find(messages.get(i)).thought());
            String after = thoughtOf(messages.get(i), rs.get(i).message());
            Perturber.Audit a = rs.get(i).audit();
            assertThat(a.indices()).hasSize(expected(f, steps.size())).hasSameSizeAs(a.donors());
            StringBuilder rebuilt = new StringBuilder();
            for (int s = 0; s < steps.size(); s++) {
                int j = a.indices().indexOf(s);
                StepSplitter.Parts p = StepSplitter.Parts.of(steps.get(s));
                if (j < 0) {
                    rebuilt.append(steps.get(s));
                    continue;
                }
                Perturber.Donor d = a.donors().get(j);
                assertThat(d.record()).isNotEqualTo(i);
                String donor = StepSplitter.Parts.of(StepSplitter.split(ThoughtBlock.find(messages.get(d.record())).thought()).get(d.step())).core();
                assertThat(donor).isNotEqualTo(p.core());
                rebuilt.append(p.lead()).append(donor).append(p.trail());
            }
            assertThat(after).isEqualTo(rebuilt.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.33, 0.67, 1.0})
    void shuffleMovesEveryChosenStepAndOnlyThose(double f) {
        List<Perturber.Result> rs = run(Perturber.Kind.SHUFFLE, f, 15);
        int moved = 0;
        for (int i = 0; i < messages.size(); i++) {
            List<String> steps = StepSplitter.split(ThoughtBlock.find(messages.get(i)).thought());
            String after = thoughtOf(messages.get(i), rs.get(i).message());
            Perturber.Audit a = rs.get(i).audit();
            int k = expected(f, steps.size());
            if (k < 2) {
                assertThat(a.changed()).isZero();
                assertThat(a.note()).isNotNull();
                assertThat(after).isEqualTo(ThoughtBlock.find(messages.get(i)).thought());
                continue;
            }
            assertThat(a.indices()).hasSize(k);
            assertThat(a.movedFrom()).containsExactlyInAnyOrderElementsOf(a.indices());
            StringBuilder rebuilt = new StringBuilder();
            List<String> coresBefore = new ArrayList<>();
            List<String> coresAfter = new ArrayList<>();
            for (int s = 0; s < steps.size(); s++) {
                int j = a.indices().indexOf(s);
                StepSplitter.Parts p = StepSplitter.Parts.of(steps.get(s));
                coresBefore.add(p.core());
                if (j < 0) {
                    rebuilt.append(steps.get(s));
                    coresAfter.add(p.core());
                    continue;
                }
                int src = a.movedFrom().get(j);
                assertThat(src).as("a derangement: every chosen step moves").isNotEqualTo(s);
                String core = StepSplitter.Parts.of(steps.get(src)).core();
                if (a.note() == null) {
                    assertThat(core).isNotEqualTo(p.core());
                }
                coresAfter.add(core);
                rebuilt.append(p.lead()).append(core).append(p.trail());
            }
            assertThat(after).isEqualTo(rebuilt.toString());
            assertThat(coresAfter).containsExactlyInAnyOrderElementsOf(coresBefore);
            moved += k;
        }
        assertThat(moved).isPositive();
    }

    @Test
    void wrongAnswerChangesTheFinalBoxedValueAndNothingElse() {
        try (MathVerifier v = new MathVerifier()) {
            Perturber p = new Perturber(Perturber.Kind.WRONG_ANSWER, 1.0, 16, messages, (a, b) -> v.verify(a, "\\boxed{" + b + "}").equal());
            int changed = 0;
            for (int i = 0; i < messages.size(); i++) {
                String in = messages.get(i);
                Perturber.Result r = p.apply(i, in);
                ThoughtBlock a = ThoughtBlock.find(in);
                ThoughtBlock b = ThoughtBlock.find(r.message());
                assertThat(b.before() + b.thought()).isEqualTo(a.before() + a.thought());
                String oldBox = box(a.after());
                if (oldBox == null) { // one Omni-MATH answer has unbalanced braces
                    assertThat(r.message()).isEqualTo(in);
                    assertThat(r.audit().note()).contains("not closed");
                    continue;
                }
                String newBox = box(b.after());
                boolean hasDigit = oldBox.chars().anyMatch(c -> c >= '0' && c <= '9');
                if (!hasDigit) {
                    assertThat(r.message()).isEqualTo(in);
                    assertThat(r.audit().note()).contains("no digit");
                    continue;
                }
                assertThat(b.after().replace(newBox, "")).isEqualTo(a.after().replace(oldBox, ""));
                assertThat(v.verify(oldBox, "\\boxed{" + newBox + "}").equal()).as(oldBox + " -> " + newBox).isFalse();
                assertThat(r.audit().changed()).isEqualTo(r.audit().total()).isPositive();
                changed++;
            }
            assertThat(changed).isGreaterThan(messages.size() / 2);
        }
    }

    private static String box(String s) {
        int open = s.lastIndexOf("\\boxed{") + "\\boxed{".length();
        int close = Perturber.closingBrace(s, open);
        return close < 0 ? null : s.substring(open, close);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDiffers() {
        for (Perturber.Kind k : Perturber.Kind.values()) {
            double f = k == Perturber.Kind.WRONG_ANSWER ? 1.0 : 0.5;
            List<String> a = run(k, f, 1).stream().map(Perturber.Result::message).toList();
            List<String> b = run(k, f, 1).stream().map(Perturber.Result::message).toList();
            List<String> c = run(k, f, 2).stream().map(Perturber.Result::message).toList();
            assertThat(b).as(k.cliName).isEqualTo(a);
            assertThat(c).as(k.cliName).isNotEqualTo(a);
        }
    }

    @Test
    void aRecordsOutputDependsOnlyOnItselfAndItsIndex() {
        // Record 5 alone (with the same donors for insert) perturbs exactly as within the whole file.
        Perturber p = new Perturber(Perturber.Kind.DIGITS, 0.5, 3, messages, null);
        String whole = run(Perturber.Kind.DIGITS, 0.5, 3).get(5).message();
        assertThat(p.apply(5, messages.get(5)).message()).isEqualTo(whole);
    }

    @Test
    void fractionsOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> new Perturber(Perturber.Kind.DIGITS, 0, 1, messages, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Perturber(Perturber.Kind.DELETE, 1.5, 1, messages, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Perturber(Perturber.Kind.WRONG_ANSWER, 0.5, 1, messages, null)).isInstanceOf(IllegalArgumentException.class);
        Set<String> names = new HashSet<>();
        for (Perturber.Kind k : Perturber.Kind.values()) {
            names.add(k.cliName);
            assertThat(Perturber.Kind.parse(k.cliName)).isEqualTo(k);
        }
        assertThat(names).containsExactlyInAnyOrder("digits", "keywords", "delete", "insert", "shuffle", "wrong-answer");
    }
}
