package dev.arbiter.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Metadata;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.testing.Shared;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class VerifyThroughputTest {
    private static Benchmarks.Loaded toy(MathAnswer... golds) {
        List<Problem> ps = new ArrayList<>();
        for (int i = 0; i < golds.length; i++) {
            ps.add(new Problem("p" + i, "toy", "question " + i, golds[i], Metadata.EMPTY));
        }
        return new Benchmarks.Loaded("toy", "Toy", Kind.MATH, ps, Benchmarks.Origin.DATA_DIR, Path.of("toy"), null);
    }

    private static List<List<String>> pairs(List<VerifyThroughput.Case> cases) {
        return cases.stream().map(c -> List.of(c.gold(), c.prediction())).toList();
    }

    @Test
    void coldCasesNeverRepeatAPairAndThePrimerSharesNoneOfThem() {
        MathAnswer four = new MathAnswer("4", "Two and two: $\\boxed{4}$.");
        // the first two problems are alike, so pairs built from them coincide and must be taken once
        VerifyThroughput.Source s = VerifyThroughput.fromBenchmark(toy(four, four, new MathAnswer("\\frac{1}{2}", "Half: $\\boxed{\\frac{1}{2}}$."),
                new MathAnswer("x+1", "So the answer is $x+1$."), new MathAnswer("12", "Count them: \\boxed{12}")), 12);
        assertThat(s.cases()).hasSize(12);
        assertThat(pairs(s.cases())).doesNotHaveDuplicates();
        assertThat(s.primer()).isNotEmpty();
        assertThat(pairs(s.primer())).doesNotHaveDuplicates().doesNotContainAnyElementsOf(pairs(s.cases()));
        // the kinds are mixed: own solutions, near misses and other problems' solutions
        assertThat(s.cases()).anyMatch(c -> c.gold().equals("12") && c.prediction().equals("Count them: \\boxed{12}"))
                .anyMatch(c -> c.gold().equals("12") && c.prediction().equals("Count them: \\boxed{13}"))
                .anyMatch(c -> c.gold().equals("\\frac{1}{2}") && c.prediction().equals("So the answer is $x+1$."));
    }

    @Test
    void aNearMissChangesOnlyTheFinalAnswer() {
        assertThat(VerifyThroughput.nearMiss("First \\boxed{3}, then $\\boxed{3\\sqrt{13}}$.", "3\\sqrt{13}"))
                .isEqualTo("First \\boxed{3}, then $\\boxed{3\\sqrt{14}}$.");
        assertThat(VerifyThroughput.nearMiss("\\boxed{\\text{Evelyn}}", "\\text{Evelyn}")).isEqualTo("\\boxed{\\text{Evelyn}+1}");
        assertThat(VerifyThroughput.nearMiss("It is seven.", "7")).isEqualTo("It is seven.\n\nThe final answer is $\\boxed{8}$.");
    }

    @Test
    void theColdPassVerifiesEachDistinctMath500PairOnceAndPrintsColdBesideWarm() throws Exception {
        DataConfig env = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        Benchmarks data = new Benchmarks(new DataConfig(env.dataDir(), env.cacheDir(), true, env.hubEndpoint(), env.hubToken()));
        StringWriter text = new StringWriter();
        List<VerifyThroughput.Result> results = new VerifyThroughput(1, 0).run(new PrintWriter(text), null, "conformance", () -> data,
                List.of("math500"), 60, 2);
        assertThat(results).hasSize(1);
        VerifyThroughput.Result r = results.getFirst();
        assertThat(pairs(r.source().cases())).hasSize(60).doesNotHaveDuplicates();
        assertThat(r.rows()).extracting(VerifyThroughput.Row::threads).containsExactly(1, 2);
        for (VerifyThroughput.Row row : r.rows()) {
            for (VerifyThroughput.Pass p : List.of(row.cold(), row.warm())) {
                assertThat(p.timings().runs()).isEqualTo(60);
                assertThat(Arrays.stream(p.verdicts()).filter(Objects::nonNull)).hasSize(60);
            }
            // the same inputs give the same verdicts, cold or warm
            assertThat(row.warm().equal()).isEqualTo(row.cold().equal());
        }
        String out = text.toString();
        assertThat(out).contains("COLD/S", "COLD P50", "COLD P99", "WARM/S", "WARM P50", "WARM P99")
                .containsPattern("math500\\s+1\\s+60\\s+\\|\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+\\|\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+\\|")
                .containsPattern("math500\\s+2\\s+60\\s+\\|")
                .contains("(conformance rows skipped:");
    }
}
