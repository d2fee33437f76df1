package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `grade` and `verify-batch` find in an output file left by an earlier run. */
class ResumableJsonlTest {
    @TempDir
    Path dir;

    private ResumableJsonl.Done resume(Path out) throws IOException {
        return ResumableJsonl.resume(out, n -> n.has("id"));
    }

    @Test
    void noFileMeansNothingDone() throws IOException {
        assertThat(resume(dir.resolve("none.jsonl"))).isEqualTo(new ResumableJsonl.Done(0, null, 0));
        assertThat(dir.resolve("none.jsonl")).doesNotExist();
    }

    @Test
    void aTornLastLineIsCutOff() throws IOException {
        Path out = Files.writeString(dir.resolve("out.jsonl"), "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3, \"pas");
        ResumableJsonl.Done done = resume(out);
        assertThat(done.lines()).isEqualTo(2);
        assertThat(done.last().get("id").asInt()).isEqualTo(2);
        assertThat(Files.readString(out)).isEqualTo("{\"id\": 1}\n{\"id\": 2}\n");
    }

    @Test
    void aWholeObjectWithoutItsNewlineIsWrittenAgain() throws IOException {
        // Appending after it would join two lines into one.
        Path out = Files.writeString(dir.resolve("out.jsonl"), "{\"id\": 1}\n{\"id\": 2}");
        assertThat(resume(out).lines()).isEqualTo(1);
        assertThat(Files.readString(out)).isEqualTo("{\"id\": 1}\n");
    }

    @Test
    void lineCountSurvivesBufferBoundaries() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append("{\"id\": ").append(i).append(", \"pad\": \"").append("x".repeat(i % 97)).append("\"}\n");
        }
        Path out = Files.writeString(dir.resolve("out.jsonl"), sb);
        ResumableJsonl.Done done = resume(out);
        assertThat(done.lines()).isEqualTo(3000);
        assertThat(done.last().get("id").asInt()).isEqualTo(2999);
        assertThat(done.bytes()).isEqualTo(Files.size(out));
    }

    @Test
    void aFileOfOtherLinesIsRefusedAndLeftWhole() throws IOException {
        String text = "{\"id\": 1}\n{\"problem\": 2}\n{\"id\": 3}\n";
        Path out = Files.writeString(dir.resolve("out.jsonl"), text);
        assertThatThrownBy(() -> resume(out)).isInstanceOf(RunException.class)
                .hasMessage(out + ":2: not a line this command writes; give another --out");
        assertThat(Files.readString(out)).isEqualTo(text);
    }

    @Test
    void linesToMakeAgainAreNotedByIndex() throws IOException {
        Path out = Files.writeString(dir.resolve("out.jsonl"), "{\"id\": 1}\n{\"id\": 2, \"redo\": \"lost\"}\n{\"id\": 3}\n{\"id\": 4, \"redo\": 1}\n{\"id\": 5, \"re");
        ResumableJsonl.Done done = ResumableJsonl.resume(out, n -> n.has("id"), n -> n.has("redo"));
        assertThat(done.lines()).isEqualTo(4);
        assertThat(done.redo()).containsOnlyKeys(1, 3);
        assertThat(done.redo().get(1).get("redo").asText()).isEqualTo("lost");
    }

    @Test
    void rewriteReplacesLinesAndKeepsEveryOtherByte() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append("{\"id\": ").append(i).append(", \"pad\": \"").append("é".repeat(i % 97)).append("\"}\n");
        }
        Path out = Files.writeString(dir.resolve("out.jsonl"), sb);
        ResumableJsonl.rewrite(out, java.util.Map.of(0, "{\"id\": \"first\"}", 1500, "{\"id\": \"middle\"}", 2999, "{\"id\": \"last\"}"));
        java.util.List<String> lines = Files.readAllLines(out);
        java.util.List<String> before = sb.toString().lines().toList();
        assertThat(lines).hasSize(3000);
        for (int i = 0; i < 3000; i++) {
            String want = switch (i) {
                case 0 -> "{\"id\": \"first\"}";
                case 1500 -> "{\"id\": \"middle\"}";
                case 2999 -> "{\"id\": \"last\"}";
                default -> before.get(i);
            };
            assertThat(lines.get(i)).isEqualTo(want);
        }
        assertThat(Files.readString(out)).endsWith("\n");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void rewriteOfALinePastTheEndLeavesTheFileAlone() throws IOException {
        String text = "{\"id\": 1}\n{\"id\": 2}\n";
        Path out = Files.writeString(dir.resolve("out.jsonl"), text);
        assertThatThrownBy(() -> ResumableJsonl.rewrite(out, java.util.Map.of(2, "{}"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readString(out)).isEqualTo(text);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }
}
