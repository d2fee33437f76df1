package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every loader against the real published files in ../shared/datasets. */
@Tag("data")
class RealDataTest {
    @TempDir
    static Path cache;

    static Benchmarks benchmarks;

    @BeforeAll
    static void open() {
        benchmarks = new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null));
    }

    @Test
    void listFindsEveryShippedBenchmarkWithItsCount() {
        // the newer entries' data is not in the shared folder: they are unpinned and not here
        Set<String> elsewhere = Set.of("aime26", "hmmt_feb25", "hmmt_feb26", "brumo25", "gpqa_diamond", "livecodebench_v6");
        Map<String, Integer> counts = benchmarks.status().stream()
                .peek(s -> {
                    if (elsewhere.contains(s.name())) {
                        assertThat(s.state()).as(s.name()).isIn(Benchmarks.State.MISSING, Benchmarks.State.DOWNLOADABLE);
                        assertThat(s.note()).as(s.name()).startsWith("unpinned until fetched once");
                    }
                })
                .filter(s -> !elsewhere.contains(s.name()))
                .peek(s -> assertThat(s.state()).as(s.name() + ": " + s.note()).isEqualTo(Benchmarks.State.READY))
                .collect(Collectors.toMap(Benchmarks.Status::name, Benchmarks.Status::records));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
                "aime24", 30, "aime25", 30, "amc23", 40, "math500", 500, "omni_math", 2821, "omni_math_500", 500,
                "livecodebench", 279, "lcb_v1_samples", 3, "code_contests_samples", 20));
    }

    @Test
    void aime24IdsComeFromTheUrlsAndAnswersAreIntegers() {
        List<Problem> ps = benchmarks.load("aime24", Selection.DEFAULT).problems();
        assertThat(ps).extracting(Problem::id).doesNotHaveDuplicates().contains("2024-I-1", "2024-II-15");
        assertThat(ps).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(Kind.MATH);
            MathAnswer a = (MathAnswer) p.gold();
            assertThat(Integer.parseInt(a.answer())).isBetween(0, 999);
            assertThat(a.solution()).isNotBlank();
        });
        Problem first = ps.stream().filter(p -> p.id().equals("2024-I-1")).findFirst().orElseThrow();
        assertThat(((MathAnswer) first.gold()).answer()).isEqualTo("204");
    }

    @Test
    void aime25AnswersAgreeWithMathArenasIndependentAnswerKeys() throws IOException {
        List<Problem> ps = benchmarks.load("aime25", Selection.DEFAULT).problems();
        assertThat(ps).hasSize(30);
        for (String exam : List.of("I", "II")) {
            List<String> lines = Files.readAllLines(
                    Shared.datasets().resolve("aime2025/matharena_answers/aime_2025_" + exam + "_answers.csv"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                String id = "2025-" + exam + "-" + f[0].strip();
                Problem p = ps.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
                assertThat(((MathAnswer) p.gold()).answer()).as(id).isEqualTo(f[1].strip());
            }
        }
    }

    @Test
    void amc23FloatAnswersReadAsWritten() {
        List<Problem> ps = benchmarks.load("amc23", Selection.DEFAULT).problems();
        assertThat(ps).hasSize(40);
        assertThat(ps).extracting(p -> ((MathAnswer) p.gold()).answer()).contains("27", "-1", "3159").noneMatch(a -> a.endsWith(".0"));
        assertThat(ps.get(0).id()).isEqualTo("2023-12A-1");
    }

    @Test
    void math500CarriesSubjectLevelAndSolution() {
        List<Problem> ps = benchmarks.load("math500", Selection.DEFAULT).problems();
        assertThat(ps).extracting(Problem::id).doesNotHaveDuplicates();
        assertThat(ps).allSatisfy(p -> {
            assertThat(p.metadata().level()).isBetween(1, 5);
            assertThat(p.metadata().subject()).isNotBlank();
            assertThat(((MathAnswer) p.gold()).solution()).contains("\\boxed");
        });
        assertThat(ps.stream().map(p -> p.metadata().subject()).distinct()).hasSize(7);
    }

    @Test
    void omniMath500IsAPinnedSubsetInFileOrder() {
        List<Problem> all = benchmarks.load("omni_math", Selection.DEFAULT).problems();
        List<Problem> sub = benchmarks.load("omni_math_500", Selection.DEFAULT).problems();
        assertThat(sub).hasSize(500);
        var allIds = all.stream().map(Problem::id).toList();
        var subIds = sub.stream().map(Problem::id).toList();
        assertThat(allIds).containsAll(subIds);
        assertThat(subIds).isSortedAccordingTo((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        assertThat(sub).allSatisfy(p -> assertThat(p.benchmark()).isEqualTo("omni_math_500"));
        assertThat(all.get(0).metadata().difficulty()).isNotBlank();
    }

    @Test
    void liveCodeBenchWindowIsPublicTestsOnlyAndLabelledSo() {
        Benchmarks.Loaded l = benchmarks.load("livecodebench", Selection.DEFAULT);
        assertThat(l.note()).contains("public tests only").contains("release_v5");
        assertThat(l.problems()).hasSize(279).allSatisfy(p -> {
            CodeTests t = (CodeTests) p.gold();
            assertThat(t.coverage()).isEqualTo(CodeTests.Coverage.PUBLIC_ONLY);
            assertThat(t.tests()).allSatisfy(c -> assertThat(c.visibility()).isEqualTo(TestCase.Visibility.PUBLIC));
            assertThat(p.metadata().contestDate()).isBetween(LocalDate.of(2024, 8, 1), LocalDate.of(2025, 1, 31));
        });
        int tests = l.problems().stream().mapToInt(p -> ((CodeTests) p.gold()).tests().size()).sum();
        assertThat(tests).isEqualTo(736);
        long functional = l.problems().stream().filter(p -> ((CodeTests) p.gold()).fnName() != null).count();
        assertThat(functional).isEqualTo(104);
        Problem leet = l.problems().stream().filter(p -> ((CodeTests) p.gold()).fnName() != null).findFirst().orElseThrow();
        assertThat(((CodeTests) leet.gold()).starterCode()).contains("def " + ((CodeTests) leet.gold()).fnName() + "(");
    }

    @Test
    void liveCodeBenchDateWindowFiltersLikeAPlainReadOfTheFile() throws IOException {
        LocalDate from = LocalDate.of(2024, 10, 1);
        LocalDate to = LocalDate.of(2024, 12, 31);
        List<Problem> ps = benchmarks.load("livecodebench", new Selection("release_v5", from, to)).problems();
        int expected = 0;
        for (String line : Files.readAllLines(Shared.datasets().resolve("livecodebench/v5_2408_2502/livecodebench_v5_2408_2502.jsonl"))) {
            LocalDate d = LocalDate.parse(Json.mapper().readTree(line).get("contest_date").asText().substring(0, 10));
            if (!d.isBefore(from) && !d.isAfter(to)) {
                expected++;
            }
        }
        assertThat(expected).isBetween(1, 278);
        assertThat(ps).hasSize(expected);
    }

    @Test
    void liveCodeBenchOutsideTheLocalWindowAsksForTheOfficialFiles() {
        assertThatThrownBy(() -> benchmarks.load("livecodebench", new Selection("release_v4", null, null)))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("livecodebench/code_generation_lite/test.jsonl")
                .hasMessageContaining("offline");
        assertThatThrownBy(() -> benchmarks.load("livecodebench", new Selection("release_v9", null, null)))
                .hasMessageContaining("outside v1..v6");
    }

    @Test
    void sandboxFusionSamplesDecodeToLiveCodeBenchsOwnTests() throws IOException {
        List<Problem> ps = benchmarks.load("lcb_v1_samples", Selection.DEFAULT).problems();
        JsonNode decoded = Json.mapper().readTree(Shared.datasets().resolve("livecodebench/lcb_v1_3problems.decoded.json").toFile());
        assertThat(ps).hasSize(3);
        for (JsonNode d : decoded) {
            Problem p = ps.stream().filter(x -> x.id().equals(d.get("task_id").asText())).findFirst().orElseThrow();
            CodeTests t = (CodeTests) p.gold();
            assertThat(t.fnName()).isEqualTo(d.get("fn_name").isNull() ? null : d.get("fn_name").asText());
            assertThat(t.tests()).hasSize(d.get("num_tests").asInt());
            List<String> inputs = LcbArchiveTest.strings(d.get("inputs"));
            List<String> outputs = LcbArchiveTest.strings(d.get("outputs"));
            assertThat(t.tests()).extracting(TestCase::input).containsExactlyElementsOf(inputs);
            assertThat(t.tests()).extracting(TestCase::output).containsExactlyElementsOf(outputs);
        }
        Problem seniors = ps.stream().filter(x -> x.id().equals("leetcode/2727")).findFirst().orElseThrow();
        assertThat(((CodeTests) seniors.gold()).starterCode()).contains("def countSeniors(");
        assertThat(seniors.prompt()).startsWith("You are given a 0-indexed array").doesNotContain("### Format");
    }

    @Test
    void codeContestsSamplesHoldAllTheirTests() {
        List<Problem> ps = benchmarks.load("code_contests_samples", Selection.DEFAULT).problems();
        assertThat(ps.stream().mapToInt(p -> ((CodeTests) p.gold()).tests().size()).sum()).isEqualTo(2233);
        assertThat(new HashSet<>(ps.stream().map(Problem::id).toList())).hasSize(20);
    }
}
