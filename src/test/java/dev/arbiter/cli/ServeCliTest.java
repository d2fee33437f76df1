package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.inference.serve.ServerOptions;
import dev.arbiter.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `arbiter serve`'s server on a tiny random model, over real HTTP, and the eval runner against it and in-process. */
class ServeCliTest {
    @TempDir
    static Path dir;
    static TinyServer tiny;
    static Path model;
    static LocalEngine engine;
    static OpenAiServer server;

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyServer.start(dir, LocalEngine.Overrides.NONE, ServerOptions.QUIET);
        assertThat(tiny.made.out()).contains("wrote").contains("qwen2").contains("BF16");
        model = tiny.model;
        engine = tiny.engine;
        server = tiny.server;
    }

    @AfterAll
    static void stop() {
        tiny.close();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return tiny.post(path, body);
    }

    @Test
    void eightConcurrentChatClientsWithFourChoicesEachAreBatched() throws Exception {
        long stepsBefore = engine.stats().steps();
        long tokensBefore = engine.stats().generatedTokens();
        List<Future<JsonNode>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int c = 0; c < 8; c++) {
                String body = Json.line(Json.mapper().createObjectNode().put("model", "tiny").put("n", 4).put("max_tokens", 24)
                        .put("temperature", 0.8).put("top_p", 0.95).put("seed", 100 + c)
                        .set("messages", Json.mapper().createArrayNode().add(Json.mapper().createObjectNode().put("role", "user")
                                .put("content", "Client " + c + ": what is " + c + " + 1?"))));
                replies.add(pool.submit(() -> {
                    HttpResponse<String> r = post("/v1/chat/completions", body);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    return Json.mapper().readTree(r.body());
                }));
            }
        }
        long completion = 0;
        for (Future<JsonNode> f : replies) {
            JsonNode r = f.get();
            assertThat(r.path("object").asText()).isEqualTo("chat.completion");
            assertThat(r.path("choices")).hasSize(4);
            for (int i = 0; i < 4; i++) {
                JsonNode ch = r.path("choices").get(i);
                assertThat(ch.path("index").asInt()).isEqualTo(i);
                assertThat(ch.path("message").path("role").asText()).isEqualTo("assistant");
                assertThat(ch.path("finish_reason").asText()).isIn("stop", "length");
            }
            assertThat(r.path("usage").path("prompt_tokens").asInt()).isGreaterThan(10);
            completion += r.path("usage").path("completion_tokens").asInt();
        }
        long generated = engine.stats().generatedTokens() - tokensBefore;
        long steps = engine.stats().steps() - stepsBefore;
        System.out.printf("serve: 8 clients x n=4: %d tokens in %d engine steps (up to %d rows in a step)%n", generated, steps,
                engine.stats().maxRows());
        assertThat(completion).isEqualTo(generated);
        // one at a time would need a step per token; batched, many rows share each step
        assertThat(steps).isLessThan(generated / 4);
        assertThat(engine.stats().maxRows()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void seedsRepeatAndCompletionsHonourStop() throws Exception {
        String body = "{\"model\":\"tiny\",\"prompt\":\"The answer is\",\"max_tokens\":20,\"temperature\":1.0,\"seed\":7,\"n\":2}";
        JsonNode a = Json.mapper().readTree(post("/v1/completions", body).body());
        JsonNode b = Json.mapper().readTree(post("/v1/completions", body).body());
        assertThat(a.path("object").asText()).isEqualTo("text_completion");
        assertThat(a.path("choices").get(0).path("text")).isEqualTo(b.path("choices").get(0).path("text"));
        assertThat(a.path("choices").get(1).path("text")).isEqualTo(b.path("choices").get(1).path("text"));
        String text = a.path("choices").get(0).path("text").asText();
        if (text.length() > 6) {
            String stop = text.substring(3, 5);
            JsonNode cut = Json.mapper().readTree(post("/v1/completions",
                    body.replace("\"n\":2", "\"n\":1,\"stop\":[" + Json.line(stop) + "]")).body());
            assertThat(cut.path("choices").get(0).path("text").asText()).isEqualTo(text.substring(0, text.indexOf(stop)));
            assertThat(cut.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        }
        JsonNode models = Json.mapper().readTree(tiny.get("/v1/models").body());
        assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("tiny");
    }

    @Test
    void badRequestsGetOpenAiShapedErrors() throws Exception {
        String[][] cases = {
            {"{\"model\":\"tiny\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"},
            {"{\"model\":\"tiny\",\"max_tokens\":-3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"},
            {"{\"model\": \"tiny\", \"messages\": [", "invalid_json"},
            {"[1, 2]", "invalid_json"},
            {"{\"model\":\"tiny\",\"messages\":[]}", "messages"},
            {"{\"model\":\"tiny\",\"top_p\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "top_p"},
            {"{\"model\":\"tiny\",\"n\":\"four\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "n"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post("/v1/chat/completions", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode e = Json.mapper().readTree(r.body()).path("error");
            assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(e.path("message").asText()).isNotBlank();
            assertThat(e.toString()).as(c[0]).contains(c[1]);
        }
        HttpResponse<String> tooLong = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":1000000}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("context");
        assertThat(post("/v1/nothing", "{}").statusCode()).isEqualTo(404);
        // a model this server does not have: 404 on every route, as OpenAI and vLLM answer
        for (String[] c : new String[][] {{"/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
            {"/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"hi\"}"}}) {
            HttpResponse<String> r = post(c[0], c[1]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(404);
            JsonNode e = Json.mapper().readTree(r.body()).path("error");
            assertThat(e.path("code").asText()).isEqualTo("model_not_found");
            assertThat(e.path("message").asText()).contains("'gpt-9'").contains("'tiny'");
        }
    }

    @Test
    void logprobsComeInEachRoutesShapeAndModelsGiveRootAndContext() throws Exception {
        JsonNode chat = Json.mapper().readTree(post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":6,\"temperature\":0,"
                + "\"logprobs\":true,\"top_logprobs\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());
        JsonNode content = chat.path("choices").get(0).path("logprobs").path("content");
        assertThat(content.size()).isEqualTo(chat.path("usage").path("completion_tokens").asInt()).isPositive();
        for (JsonNode e : content) {
            JsonNode top = e.path("top_logprobs");
            assertThat(top).hasSize(3);
            double mass = 0;
            for (int i = 0; i < top.size(); i++) {
                mass += Math.exp(top.get(i).path("logprob").asDouble());
                if (i > 0) {
                    assertThat(top.get(i).path("logprob").asDouble()).isLessThanOrEqualTo(top.get(i - 1).path("logprob").asDouble());
                }
            }
            assertThat(mass).isLessThanOrEqualTo(1 + 1e-9);
            // greedy: the token taken is the most likely one
            assertThat(e.path("logprob").asDouble()).isEqualTo(top.get(0).path("logprob").asDouble()).isNegative();
            byte[] bytes = e.path("token").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(e.path("bytes")).hasSize(bytes.length);
        }
        JsonNode done = Json.mapper().readTree(post("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"The answer is\",\"max_tokens\":5,\"temperature\":0,\"logprobs\":2}").body());
        JsonNode lp = done.path("choices").get(0).path("logprobs");
        int tokens = done.path("usage").path("completion_tokens").asInt();
        assertThat(lp.path("tokens")).hasSize(tokens);
        assertThat(lp.path("token_logprobs")).hasSize(tokens);
        assertThat(lp.path("top_logprobs")).hasSize(tokens);
        assertThat(lp.path("text_offset")).hasSize(tokens);
        for (int i = 0; i < tokens; i++) {
            JsonNode alts = lp.path("top_logprobs").get(i);
            assertThat(alts.size()).isBetween(1, 2);
            assertThat(alts.path(lp.path("tokens").get(i).asText()).asDouble()).isEqualTo(lp.path("token_logprobs").get(i).asDouble());
        }
        JsonNode plain = Json.mapper().readTree(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"The answer is\",\"max_tokens\":2}").body());
        assertThat(plain.path("choices").get(0).path("logprobs").isNull()).isTrue();
        assertThat(post("/v1/chat/completions", "{\"model\":\"tiny\",\"top_logprobs\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .body()).contains("'top_logprobs' needs 'logprobs': true");
        assertThat(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"logprobs\":21}").statusCode()).isEqualTo(400);

        JsonNode models = Json.mapper().readTree(tiny.get("/v1/models").body()).path("data").get(0);
        assertThat(models.path("root").asText()).isEqualTo(model.toAbsolutePath().normalize().toString());
        assertThat(models.path("max_model_len").asInt()).isEqualTo(32768);
    }

    private static Path problems(int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + i + "?")
                    .put("answer", Integer.toString(2 * i))));
        }
        Path f = dir.resolve("problems.jsonl");
        Files.write(f, lines);
        return f;
    }

    @Test
    void theRunnerCompletesAnEvalAgainstTheServerAndInProcess() throws Exception {
        Path jsonl = problems(20);
        CliTest.Result served = CliTest.run("eval", "--jsonl", jsonl.toString(), "--endpoint", server.uri().toString(), "--model", "tiny",
                "--n", "2", "--max-tokens", "32", "--temperature", "0.7", "--concurrency", "16",
                "--store", dir.resolve("served.db").toString(), "--out", dir.resolve("served").toString());
        assertThat(served.code()).as(served.err()).isZero();
        JsonNode s = Json.mapper().readTree(Files.readString(dir.resolve("served/summary.json")));
        // before sampling: the model list, each of the 20 prompts counted by /tokenize, and the fingerprint's 4 probes
        assertThat(served.out()).contains("requests 40, retries 0 (and 25 before sampling: models, context, fingerprint)");
        assertThat(s.toString()).contains("\"problems\":20");

        CliTest.Result local = CliTest.run("eval", "--jsonl", jsonl.toString(), "--model", model.toString(), "--device", "cpu",
                "--n", "2", "--max-tokens", "32", "--temperature", "0.7", "--concurrency", "16",
                "--store", dir.resolve("local.db").toString(), "--out", dir.resolve("local").toString());
        assertThat(local.code()).as(local.err()).isZero();
        assertThat(local.out()).contains("in-process on cpu()");
        assertThat(local.err()).contains("\"in_process\"");
        // the store names the model by its folder and a digest of its weights, and a second run asks for nothing
        CliTest.Result again = CliTest.run("eval", "--jsonl", jsonl.toString(), "--model", model.toString(), "--device", "cpu",
                "--n", "2", "--max-tokens", "32", "--temperature", "0.7", "--store", dir.resolve("local.db").toString(),
                "--out", dir.resolve("local").toString(), "--dry-run");
        assertThat(again.out()).contains("stored 40; would request 0");
        assertThat(again.err()).containsPattern("\"model\" : \"tiny@[0-9a-f]{10}\"");
    }

    @Test
    void modelInfoAndBadModelFolders() {
        CliTest.Result info = CliTest.run("model", "info", model.toString());
        assertThat(info.code()).isZero();
        assertThat(info.out()).contains("qwen2").contains("tied").contains("chat template present");
        CliTest.Result missing = CliTest.run("serve", "--model", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("neither a model folder nor a Hugging Face id").doesNotContain("Exception");
        CliTest.Result notModel = CliTest.run("eval", "--jsonl", "x.jsonl", "--model", dir.toString(), "--n", "1");
        assertThat(notModel.err()).contains("no config.json").doesNotContain("\tat ");
    }
}
