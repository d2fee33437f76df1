package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newer catalogue entries and --kind choice, as `arbiter benchmarks` shows them. */
@Tag("data")
class CatalogCliTest {
    @TempDir
    Path dir;

    static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void listShowsEveryNewEntryWithItsStateAndLeavesTheOthersAsTheyWere() {
        CliTest.Result r = run("benchmarks", "list", "--offline", "--data-dir", Shared.datasets().toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String row : List.of("aime26\\s+math\\s+-\\s+missing\\s+unpinned until fetched once; aime26: data file matharena/aime_2026/",
                "hmmt_feb25\\s+math\\s+-\\s+missing\\s+unpinned until fetched once",
                "hmmt_feb26\\s+math\\s+-\\s+missing\\s+unpinned until fetched once.*\\(33 records\\)",
                "brumo25\\s+math\\s+-\\s+missing\\s+unpinned until fetched once",
                "gpqa_diamond\\s+math\\s+-\\s+missing\\s+unpinned until fetched once.*gpqa/gpqa_diamond.csv \\(198 records\\)",
                "livecodebench_v6\\s+code\\s+-\\s+missing\\s+unpinned until fetched once")) {
            assertThat(r.out()).containsPattern(row);
        }
        assertThat(r.out()).containsPattern("aime24\\s+math\\s+30\\s+ready")
                .containsPattern("livecodebench\\s+code\\s+279\\s+ready.*public tests only");
        assertThat(r.out().lines().filter(l -> l.contains("unpinned")).count()).isEqualTo(6);
    }

    @Test
    void aGpqaFileInTheDataFolderIsReadyAndShownAsLetteredQuestions() throws IOException {
        StringBuilder csv = new StringBuilder("Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Record ID\n");
        for (int i = 0; i < 198; i++) {
            csv.append("\"Q").append(i).append("\",right,w1,w2,w3,rec").append(i).append('\n');
        }
        Files.createDirectories(dir.resolve("gpqa"));
        Files.writeString(dir.resolve("gpqa/gpqa_diamond.csv"), csv);
        CliTest.Result list = run("benchmarks", "list", "--offline", "--data-dir", dir.toString());
        assertThat(list.out()).containsPattern("gpqa_diamond\\s+math\\s+198\\s+ready\\s+data-dir");
        CliTest.Result show = run("benchmarks", "show", "gpqa_diamond", "--limit", "1", "--offline", "--data-dir", dir.toString());
        assertThat(show.code()).as(show.err()).isZero();
        JsonNode p = Json.mapper().readTree(show.out());
        assertThat(p.get("id").asText()).isEqualTo("rec0");
        assertThat(p.get("prompt").asText()).startsWith("Q0\n\nA) ");
        String letter = p.at("/gold/answer").asText();
        assertThat(p.get("prompt").asText()).contains(letter + ") right");
        assertThat(p.at("/gold/choices").toString()).isEqualTo("[\"A\",\"B\",\"C\",\"D\"]");
    }

    @Test
    void userDataOfKindChoice() throws IOException {
        Path f = dir.resolve("mc.jsonl");
        Files.writeString(f, "{\"question\": \"2+2?\", \"options\": [\"3\", \"4\", \"5\"], \"correct\": \"4\"}\n");
        CliTest.Result r = run("benchmarks", "show", "jsonl:" + f, "--kind", "choice", "--field", "prompt=question",
                "--field", "choices=options", "--field", "answer=correct");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode p = Json.mapper().readTree(r.out());
        assertThat(p.get("prompt").asText()).isEqualTo("2+2?\n\nA) 3\nB) 4\nC) 5");
        assertThat(p.at("/gold/answer").asText()).isEqualTo("B");
        assertThat(p.get("kind").asText()).isEqualTo("math");

        CliTest.Result bad = run("benchmarks", "show", "jsonl:" + f, "--kind", "choice", "--field", "prompt=question");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().lines().toList()).singleElement().satisfies(l -> assertThat(l).contains("'choices'").contains(f + ":1"));
        assertThat(run("benchmarks", "show", "math500", "--kind", "choice").code()).isEqualTo(2);
        assertThat(run("benchmarks", "show", "jsonl:" + f, "--kind", "multiple").code()).isEqualTo(2);
    }
}
