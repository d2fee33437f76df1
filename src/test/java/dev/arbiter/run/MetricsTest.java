package dev.arbiter.run;

import dev.arbiter.verify.Outcome;
import static dev.arbiter.verify.Outcome.CORRECT;
import static dev.arbiter.verify.Outcome.NO_ANSWER;
import static dev.arbiter.verify.Outcome.WRONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static Sample s(int i, Outcome o, Integer cluster) {
        return new Sample(i, o, false, cluster);
    }

    private static ProblemSamples p(String id, String level, Sample... samples) {
        return new ProblemSamples(id, Map.of("level", level), List.of(samples));
    }

    /** Four problems at n = 4; every figure below is worked out by hand in the comments. */
    private static List<ProblemSamples> run() {
        return List.of(
                p("p1", "1", s(0, CORRECT, 0), s(1, CORRECT, 0), s(2, WRONG, 1), s(3, NO_ANSWER, null)), // 2/4
                p("p2", "1", s(0, WRONG, 0), s(1, WRONG, 1), s(2, WRONG, 2), s(3, WRONG, 3)), // 0/4
                p("p3", "2", s(0, CORRECT, 0), s(1, CORRECT, 0), s(2, CORRECT, 0), new Sample(3, WRONG, true, 1)), // 3/4
                p("p4", "2", s(0, CORRECT, 0), s(1, WRONG, 1))); // only 2 of 4 generated: 1/2
    }

    @Test
    void passAt1IsTheMeanOverProblemsWithItsStandardError() {
        MetricSummary m = Metrics.summarize(run(), 4, List.of(1, 2, 4), TruncationPolicy.AS_GRADED, 1);
        // (0.5 + 0 + 0.75 + 0.5) / 4
        assertThat(m.passAt1().mean()).isCloseTo(0.4375, within(1e-12));
        // sample sd over problems = sqrt(0.296875 / 3); standard error = sd / sqrt(4)
        assertThat(m.passAt1().standardError()).isCloseTo(Math.sqrt(0.296875 / 3) / 2, within(1e-12));
        assertThat(m.passAt1().problems()).isEqualTo(4);
        assertThat(m.passAtK().get(1)).isCloseTo(0.4375, within(1e-12));
    }

    @Test
    void passAtKAndMajAtKFromHandCounts() {
        MetricSummary m = Metrics.summarize(run(), 4, List.of(2), TruncationPolicy.AS_GRADED, 1);
        // pass@2: p1 1 - C(2,2)/C(4,2) = 5/6; p2 0; p3 1 (one wrong sample cannot fill 2); p4 1
        assertThat(m.passAtK().get(2)).isCloseTo((5 / 6.0 + 0 + 1 + 1) / 4, within(1e-12));
        // maj@2: p1 of six pairs, AA wins, AB twice ties (1/2 each), A+none twice wins, B+none loses: 4/6;
        // p2 0; p3 three AA pairs win, three AB pairs tie: 4.5/6; p4 the one pair ties: 1/2
        assertThat(m.majAtK().get(2)).isCloseTo((4 / 6.0 + 0 + 4.5 / 6 + 0.5) / 4, within(1e-12));
    }

    @Test
    void aProblemWithFewerSamplesIsReportedMissingAndBlocksLargerK() {
        MetricSummary m = Metrics.summarize(run(), 4, List.of(1, 2, 4), TruncationPolicy.AS_GRADED, 1);
        assertThat(m.missing()).containsExactly(new MissingSamples("p4", 2, 4));
        assertThat(m.passAtK()).containsOnlyKeys(1, 2);
        assertThat(m.majAtK()).containsOnlyKeys(1, 2);
        assertThat(m.unavailable().get(4)).isEqualTo("p4 has 2 usable samples, fewer than k=4");
        // p4 counts as 1/2, not as 1/4 (never divided by the n it lacks).
        assertThat(m.passAt1().mean()).isCloseTo(0.4375, within(1e-12));
    }

    @Test
    void ratesOfNoAnswerAndTruncation() {
        MetricSummary m = Metrics.summarize(run(), 4, List.of(1), TruncationPolicy.AS_GRADED, 1);
        assertThat(m.noAnswerRate()).isCloseTo(1 / 14.0, within(1e-12));
        assertThat(m.truncationRate()).isCloseTo(1 / 14.0, within(1e-12));
        assertThat(m.truncatedExcluded()).isZero();
    }

    @Test
    void excludingTruncatedSamples() {
        MetricSummary m = Metrics.summarize(run(), 4, List.of(1, 4), TruncationPolicy.EXCLUDE, 1);
        // p3 keeps its three correct samples: 1.0
        assertThat(m.passAt1().mean()).isCloseTo((0.5 + 0 + 1 + 0.5) / 4, within(1e-12));
        assertThat(m.truncatedExcluded()).isEqualTo(1);
        assertThat(m.unavailable().get(4)).startsWith("p3 has 3 usable samples");
        assertThat(m.missing()).extracting(MissingSamples::problemId).containsExactly("p4"); // excluded is not missing
    }

    @Test
    void samplesBeyondNAreIgnoredSoARunCanGrow() {
        List<Sample> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(s(i, i < 4 ? WRONG : CORRECT, i < 4 ? 1 : 0));
        }
        List<ProblemSamples> ps = List.of(new ProblemSamples("x", Map.of(), eight));
        assertThat(Metrics.summarize(ps, 4, List.of(1), TruncationPolicy.AS_GRADED, 1).passAt1().mean()).isEqualTo(0.0);
        assertThat(Metrics.summarize(ps, 8, List.of(1), TruncationPolicy.AS_GRADED, 1).passAt1().mean()).isEqualTo(0.5);
    }

    @Test
    void theBootstrapIntervalIsSeededAndHoldsTheMean() {
        MetricSummary a = Metrics.summarize(run(), 4, List.of(1), TruncationPolicy.AS_GRADED, 42);
        MetricSummary b = Metrics.summarize(run(), 4, List.of(1), TruncationPolicy.AS_GRADED, 42);
        assertThat(a.passAt1()).isEqualTo(b.passAt1());
        assertThat(a.passAt1().ciLow()).isLessThan(a.passAt1().mean()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.passAt1().ciHigh()).isGreaterThan(a.passAt1().mean()).isLessThanOrEqualTo(0.75);
        List<ProblemSamples> same = List.of(p("a", "1", s(0, CORRECT, 0)), p("b", "1", s(0, CORRECT, 0)));
        Estimate flat = Metrics.summarize(same, 1, List.of(1), TruncationPolicy.AS_GRADED, 42).passAt1();
        assertThat(List.of(flat.ciLow(), flat.ciHigh(), flat.standardError())).containsExactly(1.0, 1.0, 0.0);
    }

    @Test
    void breakdownByLabel() {
        Map<String, MetricSummary> byLevel = Metrics.byLabel(run(), "level", 4, List.of(1), TruncationPolicy.AS_GRADED, 1);
        assertThat(byLevel).containsOnlyKeys("1", "2");
        assertThat(byLevel.get("1").passAt1().mean()).isCloseTo(0.25, within(1e-12));
        assertThat(byLevel.get("2").passAt1().mean()).isCloseTo(0.625, within(1e-12));
        assertThat(byLevel.get("2").missing()).hasSize(1);
    }

    @Test
    void illegalSamplesAreRefused() {
        assertThatThrownBy(() -> new Sample(0, CORRECT, false, null)).hasMessageContaining("answer cluster");
        assertThatThrownBy(() -> new Sample(0, NO_ANSWER, false, 3)).hasMessageContaining("answer cluster");
        assertThatThrownBy(() -> p("d", "1", s(0, CORRECT, 0), s(0, WRONG, 1))).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> p("m", "1", s(0, CORRECT, 0), s(1, WRONG, 0))).hasMessageContaining("both correct and wrong");
        assertThatThrownBy(() -> Metrics.summarize(run(), 4, List.of(5), TruncationPolicy.AS_GRADED, 1)).hasMessageContaining("k must be");
    }

    @Test
    void answersClusterByEquivalenceNotSpelling() {
        List<String> answers = java.util.Arrays.asList("1/2", "0.5", null, "3", "\\frac{1}{2}", "3");
        Integer[] c = AnswerClusters.group(answers, (x, y) -> value(x) == value(y));
        assertThat(c).containsExactly(0, 0, null, 1, 0, 1);
    }

    private static double value(String s) {
        return switch (s) {
            case "1/2", "0.5", "\\frac{1}{2}" -> 0.5;
            default -> Double.parseDouble(s);
        };
    }
}
