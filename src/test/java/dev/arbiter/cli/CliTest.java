package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: output, exit codes, and errors without stack traces. */
@Tag("data")
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private String data() {
        return Shared.datasets().toString();
    }

    @Test
    void listShowsEveryCountFromTheIssue() {
        Result r = run("benchmarks", "list", "--offline", "--data-dir", data());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("aime24\\s+math\\s+30\\s+ready")
                .containsPattern("aime25\\s+math\\s+30\\s+ready")
                .containsPattern("amc23\\s+math\\s+40\\s+ready")
                .containsPattern("math500\\s+math\\s+500\\s+ready")
                .containsPattern("omni_math\\s+math\\s+2821\\s+ready")
                .containsPattern("omni_math_500\\s+math\\s+500\\s+ready")
                .containsPattern("livecodebench\\s+code\\s+279\\s+ready.*public tests only")
                .contains(data());
    }

    @Test
    void listAsJsonGivesOneObjectPerBenchmark() throws IOException {
        Result r = run("benchmarks", "list", "--json", "--offline", "--data-dir", data());
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(15);
        JsonNode first = Json.mapper().readTree(lines.get(0));
        assertThat(first.get("name").asText()).isEqualTo("aime24");
        assertThat(first.get("state").asText()).isEqualTo("ready");
    }

    @Test
    void showPrintsJsonLinesUpToTheLimit() throws IOException {
        Result r = run("benchmarks", "show", "math500", "--limit", "2", "--offline", "--data-dir", data());
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode p = Json.mapper().readTree(lines.get(0));
        assertThat(p.get("benchmark").asText()).isEqualTo("math500");
        assertThat(p.get("kind").asText()).isEqualTo("math");
        assertThat(p.at("/gold/answer").asText()).isNotBlank();
        assertThat(p.at("/metadata/level").asInt()).isBetween(1, 5);
        assertThat(r.err()).contains("2 of 500 problems");
    }

    @Test
    void showCodeProblemsCarryTestsAndCoverage() throws IOException {
        Result r = run("benchmarks", "show", "livecodebench", "--limit", "1", "--offline", "--data-dir", data());
        JsonNode p = Json.mapper().readTree(r.out().lines().findFirst().orElseThrow());
        assertThat(p.get("kind").asText()).isEqualTo("code");
        assertThat(p.at("/gold/coverage").asText()).isEqualTo("public_only");
        assertThat(p.at("/gold/tests/0/type").asText()).isEqualTo("stdin");
        assertThat(p.at("/metadata/contest_date").asText()).isEqualTo("2024-08-03");
    }

    @Test
    void aCorruptFileIsOneLineExitOneAndNoStackTrace() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("math500"));
        Path f = data.resolve("math500/test.jsonl");
        byte[] b = Files.readAllBytes(Shared.datasets().resolve("math500/test.jsonl"));
        Files.write(f, java.util.Arrays.copyOf(b, 1000));
        Result r = run("benchmarks", "show", "math500", "--offline", "--data-dir", data.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("arbiter: " + f)
                .contains("35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132"));
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");

        Result list = run("benchmarks", "list", "--offline", "--data-dir", data.toString());
        assertThat(list.code()).isEqualTo(1);
        assertThat(list.out()).containsPattern("math500\\s+math\\s+-\\s+broken");
    }

    @Test
    void aMissingFileIsOneLineExitOne() {
        Result r = run("benchmarks", "show", "aime25", "--offline", "--data-dir", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().satisfies(line -> assertThat(line)
                .contains("aime2025/test.jsonl")
                .contains("b4e273c02d3e7fe1b74b59eae768fc8230bfb0f79539890cb56f4361caac0331"));
    }

    @Test
    void userJsonlThroughTheCommandLine() throws IOException {
        Path f = dir.resolve("mine.jsonl");
        Files.writeString(f, "{\"q\": \"1+1\", \"a\": 2}\n");
        Result r = run("benchmarks", "show", "jsonl:" + f, "--field", "prompt=q", "--field", "answer=a");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Json.mapper().readTree(r.out()).at("/gold/answer").asText()).isEqualTo("2");
    }

    @Test
    void usageErrorsExitTwoAndPointAtHelp() {
        Result badFlag = run("benchmarks", "list", "--no-such-flag");
        assertThat(badFlag.code()).isEqualTo(2);
        assertThat(badFlag.err()).contains("--no-such-flag").contains("arbiter benchmarks list --help");
        assertThat(run("benchmarks", "show").code()).isEqualTo(2);
        assertThat(run("benchmarks", "show", "math500", "--limit", "many").code()).isEqualTo(2);
        assertThat(run("benchmarks", "show", "livecodebench", "--from", "yesterday").code()).isEqualTo(2);
        assertThat(run("benchmarks").code()).isEqualTo(2);
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
        assertThat(run("benchmarks", "show", "math500", "--kind", "code").code()).isEqualTo(2);
    }

    @Test
    void anUnknownBenchmarkIsAFailureThatListsTheKnownOnes() {
        Result r = run("benchmarks", "show", "gsm8k", "--offline", "--data-dir", data());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("unknown benchmark 'gsm8k'").contains("math500");
    }

    @Test
    void helpTeachesWithExamples() {
        Result top = run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("benchmarks").contains("ARBITER_DATA").contains("Exit codes");
        Result sub = run("benchmarks", "--help");
        assertThat(sub.out()).contains("Examples:").contains("list").contains("show").contains("fetch");
        Result show = run("benchmarks", "show", "--help");
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("--release").contains("--field").contains("--data-dir");
    }
}
