package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelException;
import dev.arbiter.inference.serve.AccessLog;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.inference.serve.ServerOptions;
import dev.arbiter.json.Json;
import dev.arbiter.testing.Shared;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter serve`'s operational surface on a tiny random model over real HTTP: vLLM's /tokenize and /detokenize,
 * /health, /version, /v1/models/{id}, Prometheus /metrics, the access log, --max-model-len and --chat-template; and
 * Arbiter's own clients against it: `arbiter scale --budgets` (which counts its budgets with the server's /tokenize)
 * and `arbiter eval --endpoint` with its default flags.
 */
class ServeOpsCliTest {
    static final int CONTEXT = 1024;

    @TempDir
    static Path dir;
    static TinyServer tiny;
    static Path model;
    static LocalEngine engine;
    static OpenAiServer server;
    static final StringWriter accessLog = new StringWriter();
    /** For the other servers some tests start, and for requests sent without waiting. */
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        tiny = TinyServer.start(dir, new LocalEngine.Overrides(CONTEXT, null),
                new ServerOptions("9.8.7-test", AccessLog.to(new PrintWriter(accessLog, true))));
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

    private static HttpResponse<String> get(String path) throws Exception {
        return tiny.get(path);
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        return TinyServer.ok(r);
    }

    private static String chatBody(String extra) {
        return "{\"model\":\"tiny\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"What is 2 + 2?\"}]"
                + extra + "}";
    }

    private static int[] ids(JsonNode tokens) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokens.get(i).asInt();
        }
        return out;
    }

    @Test
    void tokenizeCountsWhatACompletionPrefillsAndDetokenizeReadsItBack() throws Exception {
        String text = "The answer is 42, of course.";
        JsonNode t = ok(post("/tokenize", "{\"model\":\"tiny\",\"prompt\":" + Json.line(text) + "}"));
        assertThat(t.path("count").asInt()).isEqualTo(t.path("tokens").size()).isPositive();
        assertThat(t.path("max_model_len").asInt()).isEqualTo(CONTEXT);
        assertThat(t.path("token_strs").isNull()).isTrue();
        JsonNode done = ok(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":" + Json.line(text) + ",\"max_tokens\":1}"));
        assertThat(done.path("usage").path("prompt_tokens").asInt()).isEqualTo(t.path("count").asInt());
        JsonNode back = ok(post("/detokenize", "{\"model\":\"tiny\",\"tokens\":" + t.path("tokens") + "}"));
        assertThat(back.path("prompt").asText()).isEqualTo(text);

        // token strings as the vocabulary spells them: byte-level BPE marks a space with Ġ
        JsonNode strs = ok(post("/tokenize", "{\"prompt\":" + Json.line(text) + ",\"return_token_strs\":true}"));
        assertThat(strs.path("tokens")).isEqualTo(t.path("tokens"));
        assertThat(strs.path("token_strs")).hasSize(t.path("count").asInt());
        StringBuilder joined = new StringBuilder();
        strs.path("token_strs").forEach(s -> joined.append(s.asText()));
        assertThat(joined.toString().replace('Ġ', ' ')).isEqualTo(text);

        // chat: the template's tokens, as the chat route prefills them; without the generation prompt, fewer
        JsonNode chat = ok(post("/tokenize", chatBody("")));
        JsonNode answered = ok(post("/v1/chat/completions", chatBody(",\"max_tokens\":1")));
        assertThat(answered.path("usage").path("prompt_tokens").asInt()).isEqualTo(chat.path("count").asInt());
        JsonNode open = ok(post("/tokenize", chatBody(",\"add_generation_prompt\":false")));
        assertThat(open.path("count").asInt()).isLessThan(chat.path("count").asInt());
        int[] all = ids(chat.path("tokens"));
        int[] prefix = ids(open.path("tokens"));
        assertThat(java.util.Arrays.copyOf(all, prefix.length)).isEqualTo(prefix);
        String rendered = ok(post("/detokenize", "{\"tokens\":" + chat.path("tokens") + "}")).path("prompt").asText();
        assertThat(rendered).contains("Be brief.").contains("What is 2 + 2?").startsWith("<|im_start|>system");
        // text parts read as one string
        JsonNode parts = ok(post("/tokenize", "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"What is \"},{\"type\":\"text\",\"text\":\"2 + 2?\"}]}]}"));
        assertThat(parts.path("tokens")).isEqualTo(chat.path("tokens"));
    }

    @Test
    void badTokenizeRequestsGet400sAndAnotherModel404() throws Exception {
        String[][] tokenize = {
            {"{}", "give a 'prompt' string or chat 'messages'"},
            {"{\"prompt\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}", "not both"},
            {"{\"prompt\":7}", "'prompt' must be a string, got number"},
            {"{\"messages\":[]}", "'messages' must be a non-empty list"},
            {"{\"messages\":[{\"content\":\"hi\"}]}", "needs a 'role'"},
            {"{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", "only text content parts"},
            {"{\"prompt\":\"a\",\"add_special_tokens\":\"yes\"}", "'add_special_tokens' must be true or false"},
            {"{\"prompt\":\"a\",\"return_token_strs\":1}", "'return_token_strs' must be true or false"},
            {"{\"messages\":[{\"role\":\"user\",\"content\":\"b\"}],\"continue_final_message\":true}", "continue_final_message is not supported"},
            {"{\"prompt\": ", "not valid JSON"},
        };
        for (String[] c : tokenize) {
            HttpResponse<String> r = post("/tokenize", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode e = Json.mapper().readTree(r.body()).path("error");
            assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(e.path("message").asText()).as(c[0]).contains(c[1]);
        }
        String[][] detokenize = {
            {"{}", "'tokens' must be a list of token ids, got nothing"},
            {"{\"tokens\":\"1 2\"}", "got string"},
            {"{\"tokens\":[1, 2.5]}", "item 1 is 2.5"},
            {"{\"tokens\":[-1]}", "token id -1 is outside the vocabulary"},
            {"{\"tokens\":[99999999]}", "token id 99999999 is outside the vocabulary"},
        };
        for (String[] c : detokenize) {
            HttpResponse<String> r = post("/detokenize", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(Json.mapper().readTree(r.body()).path("error").path("message").asText()).as(c[0]).contains(c[1]);
        }
        for (String route : List.of("/tokenize", "/detokenize")) {
            HttpResponse<String> r = post(route, "{\"model\":\"gpt-9\",\"prompt\":\"a\",\"tokens\":[1]}");
            assertThat(r.statusCode()).isEqualTo(404);
            JsonNode e = Json.mapper().readTree(r.body()).path("error");
            assertThat(e.path("code").asText()).isEqualTo("model_not_found");
            assertThat(e.path("message").asText()).contains("'gpt-9'").contains("'tiny'");
            assertThat(get(route).statusCode()).isEqualTo(405);
        }
        assertThat(ok(post("/detokenize", "{\"tokens\":[]}")).path("prompt").asText()).isEmpty();
    }

    @Test
    void healthVersionAndOneModelById() throws Exception {
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(ok(get("/version")).path("version").asText()).isEqualTo("9.8.7-test");
        assertThat(post("/version", "{}").statusCode()).isEqualTo(405);
        JsonNode card = ok(get("/v1/models/tiny"));
        assertThat(card).isEqualTo(ok(get("/v1/models")).path("data").get(0));
        assertThat(card.path("object").asText()).isEqualTo("model");
        assertThat(card.path("max_model_len").asInt()).isEqualTo(CONTEXT);
        HttpResponse<String> other = get("/v1/models/org/other-model");
        assertThat(other.statusCode()).isEqualTo(404);
        JsonNode e = Json.mapper().readTree(other.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("code").asText()).isEqualTo("model_not_found");
        assertThat(e.path("param").asText()).isEqualTo("model");
        assertThat(e.path("message").asText()).contains("'org/other-model' does not exist");
        assertThat(get("/v1/nothing").body()).contains("/tokenize").contains("/metrics");
    }

    @Test
    void maxModelLenCapsEveryRequestAndCannotExceedTheModel() throws Exception {
        HttpResponse<String> over = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":" + CONTEXT + "}");
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(over.body()).path("error").path("message").asText())
                .contains("exceeds the model's context of " + CONTEXT + " tokens");
        HttpResponse<String> chatOver = post("/v1/chat/completions", chatBody(",\"max_tokens\":" + (CONTEXT - 5)));
        assertThat(chatOver.statusCode()).isEqualTo(400);
        int prompt = ok(post("/tokenize", "{\"prompt\":\"hi\"}")).path("count").asInt();
        JsonNode fits = ok(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":" + (CONTEXT - prompt) + ",\"temperature\":0}"));
        assertThat(fits.path("usage").path("prompt_tokens").asInt() + fits.path("usage").path("completion_tokens").asInt()).isLessThanOrEqualTo(CONTEXT);

        assertThatThrownBy(() -> LocalEngine.open(model, "tiny", "cpu", null, Generator.Limits.DEFAULT, new LocalEngine.Overrides(40000, null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("--max-model-len 40000 is over the model's context of 32768 tokens")
                .hasMessageContaining("config.json");
        CliTest.Result cli = CliTest.run("serve", "--model", model.toString(), "--port", "0", "--max-model-len", "40000");
        assertThat(cli.code()).isEqualTo(1);
        assertThat(cli.err()).contains("--max-model-len 40000 is over the model's context of 32768 tokens").doesNotContain("\tat ");
        CliTest.Result zero = CliTest.run("serve", "--model", model.toString(), "--port", "0", "--max-model-len", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--max-model-len must be at least 1");
    }

    /** One sample line per series: name{labels} -> value. */
    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().lines().toList()) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return out;
    }

    private static double delta(Map<String, Double> after, Map<String, Double> before, String series) {
        assertThat(after).as("metrics hold " + series).containsKey(series);
        return after.get(series) - before.getOrDefault(series, 0.0);
    }

    @Test
    void metricsCountRequestsTokensAndStepsUnderVllmNames() throws Exception {
        Map<String, Double> before = scrape();
        int completion = 0;
        int prompt = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode r = ok(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"Count: " + i + "\",\"max_tokens\":12,\"n\":2,\"seed\":" + i + "}"));
            completion += r.path("usage").path("completion_tokens").asInt();
            prompt += 2 * r.path("usage").path("prompt_tokens").asInt(); // prefilled once per choice
        }
        assertThat(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"x\",\"max_tokens\":0}").statusCode()).isEqualTo(400);
        assertThat(get("/no/such/path").statusCode()).isEqualTo(404);
        Map<String, Double> after = scrape();
        assertThat(delta(after, before, "arbiter_http_requests_total{method=\"POST\",route=\"/v1/completions\",status=\"200\"}")).isEqualTo(3);
        assertThat(delta(after, before, "arbiter_http_requests_total{method=\"POST\",route=\"/v1/completions\",status=\"400\"}")).isEqualTo(1);
        assertThat(delta(after, before, "arbiter_http_requests_total{method=\"GET\",route=\"other\",status=\"404\"}")).isEqualTo(1);
        assertThat(delta(after, before, "arbiter_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}")).isEqualTo(1);
        assertThat(delta(after, before, "vllm:generation_tokens_total{model_name=\"tiny\"}")).isEqualTo(completion);
        assertThat(delta(after, before, "vllm:prompt_tokens_total{model_name=\"tiny\"}")).isEqualTo(prompt);
        assertThat(delta(after, before, "vllm:e2e_request_latency_seconds_count{model_name=\"tiny\"}")).isEqualTo(3);
        assertThat(delta(after, before, "arbiter_http_request_duration_seconds_count{route=\"/v1/completions\"}")).isEqualTo(4);
        // a prefill per request (or per choice, when the engine took them apart), then decode steps
        assertThat(delta(after, before, "arbiter_engine_step_seconds_count{phase=\"prefill\"}")).isBetween(3.0, 6.0);
        assertThat(delta(after, before, "arbiter_engine_step_seconds_count{phase=\"decode\"}")).isPositive();
        assertThat(after.get("vllm:num_requests_running{model_name=\"tiny\"}")).isZero();
        assertThat(after.get("vllm:num_requests_waiting{model_name=\"tiny\"}")).isZero();

        // while clients wait, the gauges show their sequences in the batch (each writes all its tokens: an
        // early end of text would leave no time to look)
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/completions")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"tiny\",\"prompt\":\"Go " + c + "\",\"max_tokens\":600,\"ignore_eos\":true,\"n\":2,\"seed\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        double busiest = 0;
        while (!inFlight.stream().allMatch(CompletableFuture::isDone)) {
            Map<String, Double> now = scrape();
            busiest = Math.max(busiest, now.get("vllm:num_requests_running{model_name=\"tiny\"}") + now.get("vllm:num_requests_waiting{model_name=\"tiny\"}"));
        }
        for (var f : inFlight) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        assertThat(busiest).isBetween(1.0, 16.0);
    }

    @Test
    void everyRequestGetsOneAccessLogLineWithItsTokens() throws Exception {
        JsonNode r = ok(post("/v1/chat/completions", chatBody(",\"max_tokens\":5,\"seed\":3")));
        assertThat(get("/v1/models/nope").statusCode()).isEqualTo(404);
        ok(post("/tokenize", "{\"prompt\":\"hello\"}"));
        List<String> lines = accessLog.toString().lines().toList();
        Pattern chat = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ 127\\.0\\.0\\.1:\\d+ POST /v1/chat/completions 200 \\d+ms"
                + " prompt_tokens=(\\d+) completion_tokens=(\\d+)");
        List<Matcher> chats = lines.stream().map(chat::matcher).filter(Matcher::matches).toList();
        assertThat(chats).isNotEmpty();
        boolean found = chats.stream().anyMatch(m -> Integer.parseInt(m.group(1)) == r.path("usage").path("prompt_tokens").asInt()
                && Integer.parseInt(m.group(2)) == r.path("usage").path("completion_tokens").asInt());
        assertThat(found).as(String.join("\n", lines)).isTrue();
        assertThat(lines).anyMatch(l -> l.matches("\\S+Z 127\\.0\\.0\\.1:\\d+ GET /v1/models/nope 404 \\d+ms"));
        assertThat(lines).anyMatch(l -> l.matches("\\S+Z 127\\.0\\.0\\.1:\\d+ POST /tokenize 200 \\d+ms"));
    }

    @Test
    void aChatTemplateFileReplacesTheFoldersAndABadOneIsNamedWithItsError() throws Exception {
        Path template = Files.writeString(dir.resolve("plain.jinja"),
                "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant]\n{% endif %}");
        try (LocalEngine e = LocalEngine.open(model, "tiny", "cpu", null, Generator.Limits.DEFAULT, new LocalEngine.Overrides(null, template));
             OpenAiServer s = new OpenAiServer(e, "127.0.0.1", 0)) {
            HttpResponse<String> t = http.send(HttpRequest.newBuilder(URI.create(s.uri() + "/tokenize")).POST(HttpRequest.BodyPublishers.ofString(
                    chatBody(""))).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode tokens = ok(t).path("tokens");
            assertThat(e.detokenize(ids(tokens))).isEqualTo("[system] Be brief.\n[user] What is 2 + 2?\n[assistant]\n");
            assertThat(ok(t).path("max_model_len").asInt()).isEqualTo(32768);
        }

        Path broken = Files.writeString(dir.resolve("broken.jinja"), "{% for m in messages %}{{ m.content }}");
        assertThatThrownBy(() -> LocalEngine.open(model, "tiny", "cpu", null, Generator.Limits.DEFAULT, new LocalEngine.Overrides(null, broken)))
                .isInstanceOf(ModelException.class).hasMessageContaining(broken.toString());
        CliTest.Result cli = CliTest.run("serve", "--model", model.toString(), "--port", "0", "--chat-template", broken.toString());
        assertThat(cli.code()).isEqualTo(1);
        assertThat(cli.err()).contains(broken.toString()).contains("failed").doesNotContain("\tat ");
        System.out.println("bad template: " + cli.err().strip());
        Path refusing = Files.writeString(dir.resolve("refusing.jinja"), "{{ raise_exception('system messages only') }}");
        CliTest.Result refused = CliTest.run("serve", "--model", model.toString(), "--port", "0", "--chat-template", refusing.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("system messages only");
        CliTest.Result missing = CliTest.run("serve", "--model", model.toString(), "--port", "0", "--chat-template", dir.resolve("nope.jinja").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--chat-template").contains("nope.jinja").contains("is not a file");
    }

    private static Path sums(int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is " + i + " + " + (i * 7) + "?")
                    .put("answer", Integer.toString(8 * i))));
        }
        return Files.write(dir.resolve("sums.jsonl"), lines);
    }

    @Test
    void scaleBudgetsRunsAgainstArbiterServeCountingWithItsTokenizer() throws Exception {
        Map<String, Double> before = scrape();
        CliTest.Result r = CliTest.run("scale", "--budgets", "8,16,32", "--jsonl", sums(3).toString(), "--endpoint", server.uri().toString(),
                "--model", "tiny", "--n", "1", "--answer-tokens", "8", "--store", dir.resolve("scale.db").toString(), "--out",
                dir.resolve("sweep").toString());
        System.out.println(r.out());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("'tiny' at " + server.uri() + ": context " + CONTEXT + " tokens");
        JsonNode calls = Json.mapper().readTree(dir.resolve("sweep/calls.json").toFile());
        assertThat(calls.at("/full/calls").asInt()).isEqualTo(3); // one generation per problem at the largest budget
        assertThat(calls.at("/answer/calls").asInt()).isBetween(1, 9); // at most one answer call per problem and budget
        assertThat(r.out()).contains("retries 0");
        assertThat(Files.readAllLines(dir.resolve("sweep/scale.csv"))).hasSize(1 + 3).allMatch(l -> !l.contains("NaN"));
        Map<String, Double> after = scrape();
        // the budgets are counted in the served model's tokens, through vLLM's routes on our server
        assertThat(delta(after, before, "arbiter_http_requests_total{method=\"POST\",route=\"/tokenize\",status=\"200\"}")).isPositive();
        assertThat(after.keySet()).noneMatch(k -> k.startsWith("arbiter_http_requests_total") && k.contains("tokenize") && !k.contains("status=\"200\""));
        assertThat(after.keySet()).noneMatch(k -> k.contains("route=\"/v1/chat/completions\"") && k.contains("status=\"400\""));
    }

    @Test
    void evalWithDefaultFlagsFitsItsMaxTokensToTheServedContext() throws Exception {
        Map<String, Double> before = scrape();
        Path out = dir.resolve("eval-default");
        CliTest.Result r = CliTest.run("eval", "--endpoint", server.uri().toString(), "--model", "tiny", "--benchmark", "aime24", "--limit", "2",
                "--offline", "--data-dir", Shared.datasets().toString(), "--store", dir.resolve("eval.db").toString(), "--out", out.toString());
        System.out.println(r.err().lines().filter(l -> l.startsWith("arbiter eval")).toList());
        assertThat(r.code()).as(r.err()).isZero();
        Matcher said = Pattern.compile("arbiter eval: --max-tokens 32768 \\(the default\\) does not fit 'tiny''s context of " + CONTEXT
                + " tokens \\(max_model_len, GET \\S+/v1/models\\) after the longest prompt \\(aime24 \\S+, (\\d+) tokens\\): asking for (\\d+)"
                + " tokens per sample; pass --max-tokens to choose").matcher(r.err());
        assertThat(said.find()).as(r.err()).isTrue();
        int longest = Integer.parseInt(said.group(1));
        int asked = Integer.parseInt(said.group(2));
        assertThat(asked).isEqualTo(CONTEXT - longest).isPositive();
        JsonNode summary = Json.mapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.at("/config/generation/max_tokens").asInt()).as(summary.path("config").toString()).isEqualTo(asked);
        assertThat(r.out()).contains("requests 8, retries 0");
        Map<String, Double> after = scrape();
        assertThat(delta(after, before, "arbiter_http_requests_total{method=\"POST\",route=\"/v1/chat/completions\",status=\"200\"}"))
                .isGreaterThanOrEqualTo(8);
        assertThat(after.keySet()).noneMatch(k -> k.contains("route=\"/v1/chat/completions\"") && k.contains("status=\"400\""));

        // a --max-tokens the user gave is theirs: too large, the run stops before sampling and says what fits
        CliTest.Result given = CliTest.run("eval", "--endpoint", server.uri().toString(), "--model", "tiny", "--benchmark", "aime24", "--limit", "2",
                "--max-tokens", "1000", "--offline", "--data-dir", Shared.datasets().toString(), "--store", dir.resolve("eval.db").toString(),
                "--out", dir.resolve("eval-given").toString());
        assertThat(given.code()).isEqualTo(1);
        assertThat(given.err()).contains("plus --max-tokens 1000 is over 'tiny''s context of " + CONTEXT).contains("lower --max-tokens to " + asked);
    }

    @Test
    void aSamplingRequestThatOverflowsTheLogitsDoesNotStopTheEngine() throws Exception {
        // its own engine: before the fix this request killed the engine thread, and every later request failed
        try (LocalEngine own = LocalEngine.open(model, "tiny", "cpu", null, new Generator.Limits(8, 4096), new LocalEngine.Overrides(CONTEXT, null));
             OpenAiServer s = new OpenAiServer(own, "127.0.0.1", 0)) {
            StringBuilder ids = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                ids.append(i == 0 ? "" : ",").append(i);
            }
            String body = "{\"model\":\"tiny\",\"prompt\":[" + ids + "],\"max_tokens\":4,\"temperature\":1,\"seed\":1,"
                    + "\"repetition_penalty\":1e-300,\"logprobs\":2}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.uri() + "/v1/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(own.alive()).isTrue();
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(s.uri() + "/v1/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":2}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        }
    }

    @Test
    void echoCannotScoreAPromptLongerThanMaxModelLen() throws Exception {
        String ids = String.join(",", java.util.Collections.nCopies(CONTEXT + 10, "5"));
        for (String extra : List.of(",\"logprobs\":1", "")) {
            HttpResponse<String> r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":[" + ids + "],\"echo\":true,\"max_tokens\":0" + extra + "}");
            assertThat(r.statusCode()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(400);
            assertThat(Json.mapper().readTree(r.body()).path("error").path("message").asText()).contains("context of " + CONTEXT + " tokens");
        }
        // one that fits is still scored
        String fits = String.join(",", java.util.Collections.nCopies(8, "5"));
        JsonNode ok = ok(post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":[" + fits + "],\"echo\":true,\"max_tokens\":0,\"logprobs\":1}"));
        assertThat(ok.at("/choices/0/logprobs/tokens").size()).isEqualTo(8);
    }

    @Test
    void stopStringsMustBeStrings() throws Exception {
        for (String stop : List.of("[null]", "[1]", "[\"a\",{}]", "7")) {
            HttpResponse<String> r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":2,\"stop\":" + stop + "}");
            assertThat(r.statusCode()).as(stop + ": " + r.body()).isEqualTo(400);
            assertThat(Json.mapper().readTree(r.body()).at("/error/param").asText()).isEqualTo("stop");
        }
    }

    @Test
    void maxTokensNearIntMaxIsRefusedNotOverflowedPastTheContext() throws Exception {
        // prompt + 2147483647 wraps negative in int arithmetic, which passed "over the context?" checks
        for (String path : List.of("/v1/completions", "/v1/chat/completions")) {
            String body = path.endsWith("chat/completions") ? chatBody(",\"max_tokens\":2147483647,\"ignore_eos\":true")
                    : "{\"model\":\"tiny\",\"prompt\":\"hi\",\"max_tokens\":2147483647,\"ignore_eos\":true}";
            HttpResponse<String> r = post(path, body);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(400);
            assertThat(Json.mapper().readTree(r.body()).at("/error/message").asText()).contains("context of " + CONTEXT + " tokens");
        }
        assertThatThrownBy(() -> engine.complete(new LocalEngine.Prompt.Raw("hi"), 1, dev.arbiter.inference.engine.Sampling.GREEDY,
                Integer.MAX_VALUE, List.of())).isInstanceOf(ModelException.class).hasMessageContaining("context of " + CONTEXT + " tokens");
        assertThat(engine.alive()).isTrue();
    }

    @Test
    void oneRequestCannotQueueMoreThanItsShareOfChoices() throws Exception {
        // n is capped per prompt, so many prompts were the way around it: every choice is a row for the engine
        String prompts = String.join(",", java.util.Collections.nCopies(40, "\"hi\""));
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":[" + prompts + "],\"n\":128,\"max_tokens\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).at("/error/message").asText()).contains("40 prompts x n 128");
        assertThat(engine.waiting()).isZero();
    }
}
