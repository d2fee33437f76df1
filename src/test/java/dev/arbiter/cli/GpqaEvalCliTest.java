package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter eval --benchmark gpqa_diamond` against a real HTTP server: the model reads the lettered
 * options out of the prompt, so its score says whether the gold letter points at the right text
 * after the shuffle, all the way through sampling, grading and the report.
 */
class GpqaEvalCliTest {
    @TempDir
    Path dir;

    /** Questions "Qi": the right option is "right i"; every fourth question the model answers another letter, in another form each time. */
    private static final Pattern QUESTION = Pattern.compile("^Q(\\d+)\\n");

    static FakeOpenAiServer.Model reader() {
        return (prompt, seed) -> {
            Matcher q = QUESTION.matcher(prompt);
            int i = q.find() ? Integer.parseInt(q.group(1)) : -1;
            Matcher right = Pattern.compile("(?m)^([A-D])\\) right " + i + "$").matcher(prompt);
            String letter = right.find() ? right.group(1) : "?";
            if (i % 4 == 3) {
                letter = letter.equals("A") ? "B" : "A";
            }
            String text = switch (i % 3) {
                case 0 -> "Eliminating the others, the answer is (" + letter + ").";
                case 1 -> "Answer: " + letter;
                default -> "So the answer is $\\boxed{" + letter + "}$.";
            };
            return new FakeOpenAiServer.Reply(text, "stop");
        };
    }

    @Test
    void evalScoresTheLetterThatPointsAtTheRightOption() throws Exception {
        StringBuilder csv = new StringBuilder("Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Record ID,High-level domain\n");
        for (int i = 0; i < 198; i++) {
            csv.append("Q").append(i).append(",right ").append(i).append(",wrong ").append(i).append("a,wrong ").append(i)
                    .append("b,wrong ").append(i).append("c,rec").append(i).append(",Biology\n");
        }
        Files.createDirectories(dir.resolve("data/gpqa"));
        Files.writeString(dir.resolve("data/gpqa/gpqa_diamond.csv"), csv);
        try (FakeOpenAiServer s = new FakeOpenAiServer(reader())) {
            CliTest.Result r = CliTest.run("eval", "--benchmark", "gpqa_diamond", "--endpoint", s.uri().toString(), "--model", "reader",
                    "--n", "1", "--max-tokens", "64", "--concurrency", "8", "--store", dir.resolve("store.db").toString(),
                    "--out", dir.resolve("report").toString(), "--offline", "--data-dir", dir.resolve("data").toString());
            assertThat(r.code()).as(r.err()).isZero();
        }
        JsonNode summary = Json.mapper().readTree(dir.resolve("report/summary.json").toFile()).path("benchmarks").path(0);
        // 198 questions, every fourth (i % 4 == 3: 49 of them) answered with a wrong letter
        assertThat(summary.path("metrics").path("pass_at1").path("mean").asDouble()).isEqualTo((198 - 49) / 198.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
