package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LiveCodeBench's base64(zlib(pickle)) archives, on the real samples and on hostile ones. */
@Tag("data")
class LcbArchiveTest {
    @TempDir
    Path dir;

    @Test
    void theThreeRealArchivesDecodeToTheResearchersPlainJson() throws IOException {
        List<String> lines = Files.readAllLines(Shared.datasets().resolve("livecodebench/sandboxfusion_live_code_bench_v1_samples.jsonl"));
        JsonNode decoded = Json.mapper().readTree(Shared.datasets().resolve("livecodebench/lcb_v1_3problems.decoded.json").toFile());
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode row = Json.mapper().readTree(lines.get(i));
            JsonNode sample = LcbTestArchive.evaluationSample(row.get("test").asText(), "line " + (i + 1));
            JsonNode want = decoded.get(i);
            assertThat(strings(sample.get("inputs"))).containsExactlyElementsOf(strings(want.get("inputs")));
            assertThat(strings(sample.get("outputs"))).containsExactlyElementsOf(strings(want.get("outputs")));
            assertThat(sample.get("fn_name").isNull() ? null : sample.get("fn_name").asText())
                    .isEqualTo(want.get("fn_name").isNull() ? null : want.get("fn_name").asText());
        }
    }

    static List<String> strings(JsonNode array) {
        return Json.mapper().convertValue(array, new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
    }

    @Test
    void theHubsPickledStringFormDecodes() {
        String json = "[{\"input\": \"1\\n\", \"output\": \"2\\n\", \"testtype\": \"stdin\"}]";
        JsonNode tests = LcbTestArchive.privateTests(LcbFixtures.base64Zlib(LcbFixtures.pickleString(json)), "row");
        assertThat(tests).hasSize(1);
        assertThat(tests.get(0).get("output").asText()).isEqualTo("2\n");
        assertThat(LcbTestArchive.privateTests(json, "row")).hasSize(1);
    }

    @Test
    void codeThatAPickleWouldRunIsRefused() {
        // cos\nsystem\n(S'echo pwned'\ntR. : GLOBAL os.system, then REDUCE
        byte[] evil = "cos\nsystem\n(S'echo pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> LcbTestArchive.privateTests(LcbFixtures.base64Zlib(evil), "row 7"))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith("row 7: test archive is not a plain-data pickle")
                .hasMessageContaining("opcode 0x63");
    }

    @Test
    void brokenArchivesFailWithAReason() {
        assertThatThrownBy(() -> LcbTestArchive.privateTests("%%%not base64%%%", "r")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> LcbTestArchive.privateTests("aGVsbG8gd29ybGQ=", "r")).hasMessageContaining("not zlib data");
        String full = LcbFixtures.base64Zlib(LcbFixtures.pickleString("[]"));
        byte[] raw = java.util.Base64.getDecoder().decode(full);
        String cut = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, raw.length - 4));
        assertThatThrownBy(() -> LcbTestArchive.privateTests(cut, "r")).isInstanceOf(BenchmarkException.class);
        byte[] noStop = java.util.Arrays.copyOf(LcbFixtures.pickleString("[]"), LcbFixtures.pickleString("[]").length - 1);
        assertThatThrownBy(() -> LcbTestArchive.privateTests(LcbFixtures.base64Zlib(noStop), "r")).hasMessageContaining("without STOP");
    }

    @Test
    void theUnpicklerReadsDictsListsAndMemoReferences() {
        // {'a': ['x', 'x', 1, True, None]} with the second 'x' fetched from the memo (BINPUT/BINGET).
        byte[] p = {(byte) 0x80, 2, '}', 'q', 0, (byte) 0x8c, 1, 'a', ']', '(', (byte) 0x8c, 1, 'x', 'q', 1, 'h', 1, 'K', 1,
            (byte) 0x88, 'N', 'e', 's', '.'};
        Object o = RestrictedUnpickler.load(p);
        assertThat(o).isEqualTo(Map.of("a", java.util.Arrays.asList("x", "x", 1L, true, null)));
    }

    @Test
    void officialReleaseFilesLoadWithPublicThenPrivateTestsAndTheDateWindow() throws IOException {
        Path data = dir.resolve("data");
        Path f = data.resolve("livecodebench/code_generation_lite/test5.jsonl");
        Files.createDirectories(f.getParent());
        StringBuilder sb = new StringBuilder();
        // 167 rows, as the manifest expects for slice v5; dates spread over four months.
        for (int i = 0; i < 167; i++) {
            String date = LocalDate.of(2024, 9, 1).plusDays(i % 120) + "T00:00:00";
            sb.append(LcbFixtures.officialRow("p" + i, date, i % 2 == 0 ? null : "add")).append('\n');
        }
        Files.writeString(f, sb.toString());
        Benchmarks b = new Benchmarks(new DataConfig(data, dir.resolve("cache"), true, null, null));
        Benchmarks.Loaded all = b.load("livecodebench", new Selection("v5", LocalDate.of(2024, 1, 1), LocalDate.of(2025, 12, 31)));
        assertThat(all.problems()).hasSize(167);
        assertThat(all.note()).contains("public and private tests");
        Problem stdin = all.problems().get(0);
        CodeTests t = (CodeTests) stdin.gold();
        assertThat(t.fnName()).isNull();
        assertThat(t.coverage()).isEqualTo(CodeTests.Coverage.PUBLIC_AND_PRIVATE);
        assertThat(t.tests()).extracting(TestCase::visibility)
                .containsExactly(TestCase.Visibility.PUBLIC, TestCase.Visibility.PRIVATE, TestCase.Visibility.PRIVATE);
        assertThat(t.tests().get(2).input()).hasSize(300);
        CodeTests fn = (CodeTests) all.problems().get(1).gold();
        assertThat(fn.fnName()).isEqualTo("add");
        assertThat(fn.tests()).allSatisfy(c -> assertThat(c.type()).isEqualTo(TestCase.TestType.FUNCTIONAL));

        List<Problem> october = b.load("livecodebench", new Selection("v5", LocalDate.of(2024, 10, 1), LocalDate.of(2024, 10, 31))).problems();
        assertThat(october).isNotEmpty().hasSizeLessThan(167)
                .allSatisfy(p -> assertThat(p.metadata().contestDate().getMonthValue()).isEqualTo(10));
    }
}
