package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserJsonlTest {
    @TempDir
    Path dir;

    private Benchmarks.Loaded load(String content, Kind kind, Map<String, String> map) throws IOException {
        Path f = dir.resolve("mine.jsonl");
        Files.writeString(f, content);
        return new Benchmarks(new DataConfig(null, dir, true, null, null)).loadJsonl(f, new UserJsonl.Mapping(kind, map));
    }

    @Test
    void mapsTheUsersFieldNamesIncludingNestedPaths() throws IOException {
        Benchmarks.Loaded l = load("""
                {"uid": "q1", "question": "What is 6*7?", "meta": {"final": 42, "topic": "arithmetic", "lvl": "2"}, "when": "2024-05-06"}
                {"uid": "q2", "question": "Half of 1?", "meta": {"final": "1/2"}}
                """, Kind.MATH, Map.of("id", "uid", "prompt", "question", "answer", "meta.final", "subject", "meta.topic",
                "level", "meta.lvl", "contest_date", "when"));
        assertThat(l.problems()).hasSize(2);
        Problem p = l.problems().get(0);
        assertThat(p.id()).isEqualTo("q1");
        assertThat(p.benchmark()).isEqualTo("jsonl:mine.jsonl");
        assertThat(((MathAnswer) p.gold()).answer()).isEqualTo("42");
        assertThat(p.metadata().subject()).isEqualTo("arithmetic");
        assertThat(p.metadata().level()).isEqualTo(2);
        assertThat(p.metadata().contestDate()).isEqualTo(LocalDate.of(2024, 5, 6));
    }

    @Test
    void codeRecordsCarryTestsAndAFunctionName() throws IOException {
        Benchmarks.Loaded l = load("""
                {"prompt": "add", "tests": [{"input": "1\\n2", "output": "3"}], "fn_name": "add"}
                """, Kind.CODE, Map.of());
        CodeTests t = (CodeTests) l.problems().get(0).gold();
        assertThat(l.problems().get(0).id()).isEqualTo("0");
        assertThat(t.fnName()).isEqualTo("add");
        assertThat(t.tests()).singleElement().extracting(TestCase::type).isEqualTo(TestCase.TestType.FUNCTIONAL);
    }

    @Test
    void badLinesAreNamedByFileAndLine() {
        Path f = dir.resolve("mine.jsonl");
        assertThatThrownBy(() -> load("{\"prompt\": \"a\", \"answer\": \"1\"}\n{\"prompt\": \"b\"\n", Kind.MATH, Map.of()))
                .hasMessageStartingWith(f + ":2: not valid JSON");
        assertThatThrownBy(() -> load("{\"q\": \"a\", \"answer\": \"1\"}\n", Kind.MATH, Map.of("prompt", "q2")))
                .hasMessage(f + ":1: field 'q2' (mapped to prompt) is missing");
        assertThatThrownBy(() -> load("{\"id\": 1, \"prompt\": \"a\", \"answer\": 1}\n{\"id\": 1, \"prompt\": \"b\", \"answer\": 2}\n", Kind.MATH, Map.of()))
                .hasMessage(f + ":2: duplicate id '1'");
        assertThatThrownBy(() -> load("{\"prompt\": \"a\", \"tests\": \"nope\"}\n", Kind.CODE, Map.of()))
                .hasMessageContaining("should be a list of {input, output} objects");
        assertThatThrownBy(() -> load("\n\n", Kind.MATH, Map.of())).hasMessage(f + ": holds no records");
    }

    @Test
    void mappingsAreChecked() {
        assertThatThrownBy(() -> new UserJsonl.Mapping(Kind.MATH, Map.of("question", "q")))
                .isInstanceOf(BenchmarkException.class).hasMessageContaining("unknown field 'question'");
        assertThatThrownBy(() -> UserJsonl.parsePairs(List.of("prompt")))
                .hasMessageContaining("should look like ours=theirs");
        assertThat(UserJsonl.parsePairs(List.of("prompt=q", "answer = a.b"))).containsEntry("answer", "a.b");
    }
}
