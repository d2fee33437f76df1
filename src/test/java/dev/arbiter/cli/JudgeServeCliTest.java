package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge's wire against `arbiter serve`'s server on a tiny random-weight model: the requests go through and the model
 * answers, and since its words are noise every reply is read as no verdict, with the reason, never as wrong or correct.
 */
class JudgeServeCliTest {
    @TempDir
    Path dir;

    @Test
    void aTinyServedJudgeIsAskedOverTheWireAndItsNoiseIsNoVerdict() throws Exception {
        Path model = dir.resolve("tiny");
        CliTest.Result made = CliTest.run("model", "tiny", "--arch", "qwen2", "--out", model.toString(), "--init-std", "0.3");
        assertThat(made.code()).as(made.err()).isZero();
        JudgeCascadeCliTest t = new JudgeCascadeCliTest();
        t.dir = dir;
        try (LocalEngine engine = LocalEngine.open(model, "tiny", "cpu", null, new Generator.Limits(8, 4096));
                OpenAiServer server = new OpenAiServer(engine, "127.0.0.1", 0);
                FakeOpenAiServer gen = new FakeOpenAiServer(JudgeCascadeCliTest.generator())) {
            long tokensBefore = engine.stats().generatedTokens();
            List<String> args = new ArrayList<>(t.eval(gen, "--judge", server.uri().toString(), "--judge-model", "tiny", "--judge-max-tokens", "12"));
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(engine.stats().generatedTokens() - tokensBefore).as("the judge model wrote its replies").isPositive();
            JsonNode c = Json.mapper().readTree(Files.readString(dir.resolve("report/summary.json"))).path("benchmarks").get(0).path("cascade");
            assertThat(c.path("judge").asText()).startsWith("tiny | arbiter-judge/2 ").endsWith("| max_tokens 12");
            assertThat(c.path("judged").asLong()).isEqualTo(4);
            assertThat(c.path("missing").asLong()).isEqualTo(4);
            assertThat(c.path("accepted").asLong() + c.path("rejected").asLong()).isZero();
            for (JsonNode cause : c.path("missing_causes")) {
                assertThat(cause.path("reason").asText()).startsWith("unparseable judge reply: ");
            }
            assertThat(r.err()).contains("judge missing for").contains("unparseable judge reply");
            assertThat(t.storedJudgements()).isEqualTo(4);
        }
    }
}
