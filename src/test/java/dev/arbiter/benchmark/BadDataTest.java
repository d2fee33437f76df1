package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupted, truncated, missing and malformed data: each a one-line error naming the file. */
@Tag("data")
class BadDataTest {
    private static final String MATH500_SHA = "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132";

    @TempDir
    Path dir;

    private Benchmarks open(Path dataDir) {
        return new Benchmarks(new DataConfig(dataDir, dir.resolve("cache"), true, null, null));
    }

    private Path copyOfMath500() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("math500"));
        return Files.copy(Shared.datasets().resolve("math500/test.jsonl"), data.resolve("math500/test.jsonl"));
    }

    @Test
    void aFlippedByteIsReportedWithTheExpectedSha256() throws IOException {
        Path file = copyOfMath500();
        byte[] b = Files.readAllBytes(file);
        b[1000] ^= 1;
        Files.write(file, b);
        assertThatThrownBy(() -> open(file.getParent().getParent()).load("math500", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("expects " + MATH500_SHA)
                .hasMessageNotContaining("\n");
    }

    @Test
    void aTruncatedFileIsReportedWithTheExpectedSha256() throws IOException {
        Path file = copyOfMath500();
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> open(file.getParent().getParent()).load("math500", Selection.DEFAULT))
                .hasMessageContaining(file.toString())
                .hasMessageContaining(MATH500_SHA)
                .hasMessageContaining("truncated");
    }

    @Test
    void aMissingFileNamesThePathItWantedAndItsSha256() {
        Path empty = dir.resolve("empty");
        assertThatThrownBy(() -> open(empty).load("math500", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("math500/test.jsonl")
                .hasMessageContaining(MATH500_SHA)
                .hasMessageContaining(empty.toString());
    }

    @Test
    void listReportsABrokenFileWithoutHidingTheOthers() throws IOException {
        Path file = copyOfMath500();
        Files.writeString(file, "{}\n");
        List<Benchmarks.Status> rows = open(file.getParent().getParent()).status();
        Benchmarks.Status math = rows.stream().filter(r -> r.name().equals("math500")).findFirst().orElseThrow();
        assertThat(math.state()).isEqualTo(Benchmarks.State.BROKEN);
        assertThat(math.note()).contains(MATH500_SHA);
        assertThat(rows).filteredOn(r -> r.name().equals("aime24")).singleElement()
                .extracting(Benchmarks.Status::state).isEqualTo(Benchmarks.State.MISSING);
    }

    /** The format parsers see the bytes only after the sha256 check, so malformed lines are tested on fixtures. */
    @Test
    void aMalformedLineIsReportedWithItsLineNumber() throws IOException {
        Path f = dir.resolve("m.jsonl");
        Files.writeString(f, """
                {"problem": "1+1?", "solution": "\\\\boxed{2}", "answer": "2", "subject": "Algebra", "level": 1, "unique_id": "a"}

                {"problem": "2+2?", "answer": "4", "unique_id": "b"
                """);
        assertThatThrownBy(() -> parse("math500", f))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ":3: not valid JSON");
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        Path f = dir.resolve("m.jsonl");
        Files.writeString(f, "{\"problem\": \"p\", \"unique_id\": \"x\"}\n");
        assertThatThrownBy(() -> parse("math500", f)).hasMessage(f + ":1: field 'answer' is missing");
    }

    @Test
    void aBlankAnswerOrANonObjectLineIsRejected() throws IOException {
        Path f = dir.resolve("m.jsonl");
        Files.writeString(f, "{\"problem\": \"p\", \"unique_id\": \"x\", \"answer\": \"  \"}\n");
        assertThatThrownBy(() -> parse("math500", f)).hasMessage(f + ":1: gold answer is blank");
        Files.writeString(f, "[1, 2]\n");
        assertThatThrownBy(() -> parse("math500", f)).hasMessage(f + ":1: expected a JSON object, found ARRAY");
    }

    @Test
    void invalidUtf8IsRejected() throws IOException {
        Path f = dir.resolve("m.jsonl");
        Files.write(f, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
        assertThatThrownBy(() -> parse("aime2025", f)).hasMessage(f + ": not valid UTF-8");
    }

    @Test
    void fixtureFilesParseInEachMathFormat() throws IOException {
        Path f = dir.resolve("a.jsonl");
        Files.writeString(f, """
                {"id": 60, "problem": "P", "solution": "S", "answer": "204", "url": "https://x/wiki/index.php/2024_AIME_II_Problems/Problem_7"}
                """);
        Problem p = parse("aime2024_qwen", f).get(0);
        assertThat(p.id()).isEqualTo("2024-II-7");
        Files.writeString(f, """
                {"id": 3, "problem": "P", "answer": 0.5, "url": "https://x/wiki/index.php/2023_AMC_12B_Problems/Problem_4"}
                """);
        p = parse("amc23_qwen", f).get(0);
        assertThat(p.id()).isEqualTo("2023-12B-4");
        assertThat(((MathAnswer) p.gold()).answer()).isEqualTo("0.5");
        Files.writeString(f, """
                {"domain": ["Mathematics -> Algebra", "Mathematics -> Number Theory"], "difficulty": 6.5, "problem": "P", "solution": "S", "answer": "\\\\frac{1}{2}", "source": "imo"}
                {"domain": [], "difficulty": 1.0, "problem": "Q", "solution": "S", "answer": "3", "source": "amc"}
                """);
        List<Problem> omni = parse("omni_math", f);
        assertThat(omni).extracting(Problem::id).containsExactly("0", "1");
        assertThat(omni.get(0).metadata().difficulty()).isEqualTo("6.5");
        assertThat(omni.get(0).metadata().subject()).isEqualTo("Mathematics -> Algebra");
        assertThat(((MathAnswer) omni.get(0).gold()).answer()).isEqualTo("\\frac{1}{2}");
    }

    @Test
    void aRowCountBelowTheManifestsIsReported() throws IOException {
        // An unpinned file (as downloaded from the hub) is checked by its record count.
        Path data = dir.resolve("data");
        Path f = data.resolve("livecodebench/code_generation_lite/test5.jsonl");
        Files.createDirectories(f.getParent());
        Files.writeString(f, LcbFixtures.officialRow("abc400_a", "2024-09-01T00:00:00", null) + "\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> open(data).load("livecodebench", new Selection("v5", null, null)))
                .isInstanceOf(BenchmarkException.class)
                .hasMessage(f + ": holds 1 records but benchmarks/livecodebench.json expects 167 (file truncated or a different version)");
    }

    private List<Problem> parse(String format, Path file) {
        Manifest.DataFile df = new Manifest.DataFile(null, file.toString(), null, null, null);
        Manifest m = new Manifest("fixture", "Fixture", Kind.MATH, null, null, null, null, null, null,
                List.of(new Manifest.Source("s", format, null, null, null, null, List.of(df))));
        return Format.named(format).parse(m, m.sources().get(0), Map.of(df, file), Selection.DEFAULT).problems();
    }
}
