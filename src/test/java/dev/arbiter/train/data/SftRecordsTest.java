package dev.arbiter.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.json.Json;
import org.junit.jupiter.api.Test;

/** What curation writes, `train sft` reads back: the same prompt and response from either layout. */
class SftRecordsTest {
    @Test
    void bothLayoutsReadBackToTheSamePromptAndResponse() throws Exception {
        Candidate c = Candidate.math("p1", "math500", "What is 2+3?", "Add them.\n\n\\boxed{5}", "5");
        for (var line : new com.fasterxml.jackson.databind.JsonNode[] {SftRecords.shareGpt(c, "Be brief."), SftRecords.alpaca(c, null)}) {
            SftRecords.Demonstration d = SftRecords.demonstration(Json.mapper().readTree(Json.line(line)));
            assertThat(d).isEqualTo(new SftRecords.Demonstration("What is 2+3?", "Add them.\n\n\\boxed{5}"));
        }
        // OpenAI-style role names, an Alpaca input, plain lines, and lines without a pair
        assertThat(SftRecords.demonstration(Json.mapper().readTree(
                "{\"conversations\": [{\"from\": \"system\", \"value\": \"s\"}, {\"from\": \"user\", \"value\": \"q\"}, {\"from\": \"assistant\", \"value\": \"a\"}]}")))
                .isEqualTo(new SftRecords.Demonstration("q", "a"));
        assertThat(SftRecords.demonstration(Json.mapper().readTree("{\"instruction\": \"Sum:\", \"input\": \"2 3\", \"output\": \"5\"}")))
                .isEqualTo(new SftRecords.Demonstration("Sum:\n\n2 3", "5"));
        assertThat(SftRecords.demonstration(Json.mapper().readTree("{\"prompt\": \"q\", \"response\": \"a\"}"))).isEqualTo(new SftRecords.Demonstration("q", "a"));
        assertThat(SftRecords.demonstration(Json.mapper().readTree("{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}]}"))).isNull();
        assertThat(SftRecords.demonstration(Json.mapper().readTree("{\"question\": \"q\"}"))).isNull();
    }
}
