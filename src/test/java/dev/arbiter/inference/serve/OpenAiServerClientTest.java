package dev.arbiter.inference.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.arbiter.inference.engine.DecoderModel;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.KvCache;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.ModelTokenizer;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.inference.engine.Torch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter serve`'s server on a tiny random model, driven by the official openai-java client over real
 * HTTP. Logprobs and penalized greedy choices are checked against a reference computed here: a second
 * copy of the model run over the whole sequence at every step (no KV cache, no Generator, no Sampler),
 * with the log-softmax and the penalties worked out in this class.
 */
class OpenAiServerClientTest {
    static final int CONTEXT = 1024;

    @TempDir
    static Path dir;
    static LocalEngine engine;
    static OpenAiServer server;
    static OpenAIClient client;
    static DecoderModel reference;
    static ModelTokenizer tok;

    @BeforeAll
    static void start() throws Exception {
        TinyModel.Spec s = TinyModel.Spec.small(ModelConfig.Architecture.QWEN2);
        // initialisation wide enough that the random model's next-token choices are not near-ties
        ModelConfig cfg = TinyModel.write(dir, new TinyModel.Spec(s.arch(), 64, 128, 2, 4, 2, 0, 200, true, 0.5, 11, s.dtype(), CONTEXT));
        engine = LocalEngine.open(dir, "tiny", "cpu", null, new Generator.Limits(16, 4096));
        server = new OpenAiServer(engine, "127.0.0.1", 0);
        client = OpenAIOkHttpClient.builder().baseUrl(server.uri() + "/v1").apiKey("unused").maxRetries(0).build();
        reference = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32);
        tok = ModelTokenizer.load(dir, cfg);
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
        reference.close();
        tok.close();
    }

    // ---- the reference: whole-sequence forward passes, log-softmax and penalties computed here ----

    /** One reference step: the token taken, its log-probability under the model, and the k most likely tokens. */
    record Step(int token, double logprob, int[] top, double[] topLogprobs) {}

    static float[] lastLogits(int[] seq) {
        try (KvCache c = reference.newCache(1, seq.length); NDManager m = reference.newStep()) {
            return Arrays.copyOf(reference.forward(m, new int[][] {seq}, new int[] {0}, c, false).toFloatArray(), tok.vocabSize());
        }
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double norm = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - norm;
        }
        return out;
    }

    /**
     * Greedy decoding with vLLM's penalties as its documentation defines them (repetition over prompt and
     * output: positive logits divided, negative multiplied; then frequency x count and presence once, over
     * the output), stopping at an end-of-sequence token. Logprobs are the model's own, before penalties.
     */
    static List<Step> referenceGreedy(int[] prompt, int steps, int k, double presence, double frequency, double repetition) {
        List<Step> out = new ArrayList<>();
        int[] seq = prompt;
        Map<Integer, Integer> counts = new HashMap<>();
        Set<Integer> promptSet = new HashSet<>();
        for (int id : prompt) {
            promptSet.add(id);
        }
        for (int s = 0; s < steps; s++) {
            float[] raw = lastLogits(seq);
            double[] lp = logSoftmax(raw);
            double[] pen = new double[raw.length];
            for (int i = 0; i < raw.length; i++) {
                double v = raw[i];
                if (promptSet.contains(i) || counts.containsKey(i)) {
                    v = v > 0 ? v / repetition : v * repetition;
                }
                int c = counts.getOrDefault(i, 0);
                pen[i] = v - frequency * c - (c > 0 ? presence : 0);
            }
            int best = 0;
            for (int i = 1; i < pen.length; i++) {
                if (pen[i] > pen[best]) {
                    best = i;
                }
            }
            Integer[] order = new Integer[lp.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(lp[b], lp[a]));
            int[] top = new int[k];
            double[] topLp = new double[k];
            for (int j = 0; j < k; j++) {
                top[j] = order[j];
                topLp[j] = lp[order[j]];
            }
            out.add(new Step(best, lp[best], top, topLp));
            counts.merge(best, 1, Integer::sum);
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = best;
            if (tok.eosTokenIds().contains(best)) {
                break;
            }
        }
        return out;
    }

    static String piece(int id) {
        return tok.decode(new int[] {id}, 0, 1, false);
    }

    static int[] ids(String text) {
        return tok.encode(text, false);
    }

    static List<Long> longs(int[] ids) {
        return Arrays.stream(ids).mapToObj(i -> (long) i).toList();
    }

    static int[] chatIds(String user) {
        return tok.encode(tok.applyChatTemplate(List.of(new ModelTokenizer.Message("user", user))), false);
    }

    static ChatCompletionCreateParams.Builder chat(String user) {
        return ChatCompletionCreateParams.builder().model("tiny").addUserMessage(user);
    }

    static CompletionCreateParams.Builder completion(String prompt) {
        return CompletionCreateParams.builder().model("tiny").prompt(prompt);
    }

    static String text(ChatCompletion c, int i) {
        return c.choices().get(i).message().content().orElse("");
    }

    // ---- tests ----

    @Test
    void chatAndCompletionsAnswerInTheirShapes() {
        ChatCompletion c = client.chat().completions().create(chat("What is 2 + 2?").maxCompletionTokens(12).temperature(0.0).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.model()).isEqualTo("tiny");
        CompletionUsage u = c.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(chatIds("What is 2 + 2?").length);
        assertThat(u.completionTokens()).isBetween(1L, 12L);
        assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
        // the same greedy text as the model's own greedy continuation, computed here
        List<Step> ref = referenceGreedy(chatIds("What is 2 + 2?"), 12, 1, 0, 0, 1);
        assertThat(text(c, 0)).isEqualTo(tok.decode(ref.stream().mapToInt(Step::token).toArray(), 0, ref.size(), true));
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo(ref.size() < 12 ? "stop" : "length");

        Completion done = client.completions().create(completion("The answer is").maxTokens(10).n(3).temperature(1.0).seed(42).build());
        assertThat(done.choices()).extracting(CompletionChoice::index).containsExactly(0L, 1L, 2L);
        Completion again = client.completions().create(completion("The answer is").maxTokens(10).n(3).temperature(1.0).seed(42).build());
        assertThat(again.choices()).extracting(CompletionChoice::text).containsExactlyElementsOf(done.choices().stream().map(CompletionChoice::text).toList());
        assertThat(done.usage().orElseThrow().promptTokens()).as("the prompt counts once for n choices").isEqualTo(ids("The answer is").length);
    }

    @Test
    void streamedChunksConcatenateToTheWholeReplyAndEndWithUsage() {
        ChatCompletionCreateParams whole = chat("Tell me a story.").maxCompletionTokens(40).temperature(0.9).seed(7).n(2).build();
        ChatCompletion full = client.chat().completions().create(whole);
        ChatCompletionCreateParams streamed = whole.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        Map<Long, StringBuilder> texts = new TreeMap<>();
        Map<Long, String> finish = new HashMap<>();
        Map<Long, Integer> contentChunks = new HashMap<>();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(streamed)) {
            s.stream().forEach(chunks::add);
        }
        for (ChatCompletionChunk ch : chunks) {
            assertThat(ch.model()).isEqualTo("tiny");
            assertThat(ch.id()).isEqualTo(chunks.get(0).id());
            for (ChatCompletionChunk.Choice c : ch.choices()) {
                assertThat(finish).as("nothing after a choice's finish_reason").doesNotContainKey(c.index());
                if (texts.get(c.index()) == null) {
                    assertThat(c.delta().role().map(Object::toString)).as("a choice's first chunk names the role").contains("assistant");
                }
                String piece = c.delta().content().orElse("");
                texts.computeIfAbsent(c.index(), i -> new StringBuilder()).append(piece);
                if (!piece.isEmpty()) {
                    contentChunks.merge(c.index(), 1, Integer::sum);
                }
                c.finishReason().ifPresent(f -> finish.put(c.index(), f.asString()));
            }
        }
        assertThat(texts.keySet()).containsExactly(0L, 1L);
        for (int i = 0; i < 2; i++) {
            assertThat(texts.get((long) i).toString()).as("choice " + i).isEqualTo(text(full, i));
            assertThat(finish.get((long) i)).isEqualTo(full.choices().get(i).finishReason().asString());
            if (full.usage().orElseThrow().completionTokens() > 10) {
                assertThat(contentChunks.getOrDefault((long) i, 0)).as("tokens arrive in many chunks").isGreaterThan(1);
            }
        }
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(full.usage().orElseThrow().completionTokens());
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(full.usage().orElseThrow().promptTokens());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(ch -> assertThat(ch.usage()).isEmpty());

        // completions: text chunks per index, the same sample as the whole reply with the same seed
        CompletionCreateParams cp = completion("Once upon a time").maxTokens(30).temperature(1.0).seed(3).n(2).build();
        Completion whole2 = client.completions().create(cp);
        Map<Long, StringBuilder> ctexts = new TreeMap<>();
        Map<Long, String> cfinish = new HashMap<>();
        List<Completion> cchunks = new ArrayList<>();
        try (StreamResponse<Completion> s = client.completions().createStreaming(cp)) {
            s.stream().forEach(cchunks::add);
        }
        for (Completion ch : cchunks) {
            assertThat(ch.usage()).as("no usage without include_usage").isEmpty();
            for (CompletionChoice c : ch.choices()) {
                ctexts.computeIfAbsent(c.index(), i -> new StringBuilder()).append(c.text());
                c._finishReason().asKnown().ifPresent(f -> cfinish.put(c.index(), f.asString()));
            }
        }
        for (int i = 0; i < 2; i++) {
            assertThat(ctexts.get((long) i).toString()).isEqualTo(whole2.choices().get(i).text());
            assertThat(cfinish.get((long) i)).isEqualTo(whole2.choices().get(i).finishReason().asString());
        }
    }

    @Test
    void aStreamNeverShowsTextThatAStopStringCuts() {
        CompletionCreateParams free = completion("Let us think").maxTokens(40).temperature(0.0).build();
        String text = client.completions().create(free).choices().get(0).text();
        assertThat(text.length()).isGreaterThan(12);
        String stop = text.substring(8, 12);
        String expected = text.substring(0, text.indexOf(stop));
        CompletionCreateParams cut = free.toBuilder().stop(stop).build();
        assertThat(client.completions().create(cut).choices().get(0).text()).isEqualTo(expected);
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> s = client.completions().createStreaming(cut)) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> streamed.append(c.text())));
        }
        assertThat(streamed.toString()).isEqualTo(expected).doesNotContain(stop);
    }

    @Test
    void logprobsAreTheModelsOwnAsRecomputedIndependently() {
        int[] prompt = chatIds("hi");
        List<Step> ref = referenceGreedy(prompt, 8, 4, 0, 0, 1);
        ChatCompletion c = client.chat().completions().create(chat("hi").maxCompletionTokens(8).temperature(0.0).logprobs(true)
                .topLogprobs(4).build());
        List<ChatCompletionTokenLogprob> content = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertThat(content).hasSize(ref.size());
        for (int i = 0; i < ref.size(); i++) {
            ChatCompletionTokenLogprob e = content.get(i);
            Step r = ref.get(i);
            assertThat(e.token()).isEqualTo(piece(r.token()));
            assertThat(e.logprob()).isCloseTo(r.logprob(), within(1e-3));
            assertThat(e.topLogprobs()).hasSize(4);
            for (int j = 0; j < 4; j++) {
                assertThat(e.topLogprobs().get(j).token()).isEqualTo(piece(r.top()[j]));
                assertThat(e.topLogprobs().get(j).logprob()).isCloseTo(r.topLogprobs()[j], within(1e-3));
            }
        }
        // streamed, the same entries arrive with their tokens
        List<ChatCompletionTokenLogprob> streamed = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat("hi").maxCompletionTokens(8)
                .temperature(0.0).logprobs(true).topLogprobs(4).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> x.logprobs().flatMap(l -> l.content()).ifPresent(streamed::addAll)));
        }
        assertThat(streamed).extracting(ChatCompletionTokenLogprob::token).containsExactlyElementsOf(content.stream().map(ChatCompletionTokenLogprob::token).toList());

        // completions from token ids: logprobs k=2 gives the token's own logprob among the alternatives
        int[] ids = ids("The probability that a fair coin");
        List<Step> ref2 = referenceGreedy(ids, 6, 2, 0, 0, 1);
        Completion done = client.completions().create(CompletionCreateParams.builder().model("tiny").promptOfArrayOfTokens(longs(ids))
                .maxTokens(6).temperature(0.0).logprobs(2).build());
        CompletionChoice.Logprobs lp = done.choices().get(0).logprobs().orElseThrow();
        assertThat(lp.tokens().orElseThrow()).containsExactlyElementsOf(ref2.stream().map(r -> piece(r.token())).toList());
        List<Double> tl = lp.tokenLogprobs().orElseThrow();
        for (int i = 0; i < ref2.size(); i++) {
            assertThat(tl.get(i)).isCloseTo(ref2.get(i).logprob(), within(1e-3));
            Map<String, JsonValue> alts = lp.topLogprobs().orElseThrow().get(i)._additionalProperties();
            assertThat(alts.keySet()).contains(piece(ref2.get(i).top()[0]), piece(ref2.get(i).top()[1]));
        }
        assertThat(lp.textOffset().orElseThrow().getFirst()).isZero();
    }

    @Test
    void penaltiesChangeGreedyOutputAsVllmDefinesThem() {
        int[] prompt = ids("the the the cat sat on the mat and the");
        CompletionCreateParams plain = CompletionCreateParams.builder().model("tiny").promptOfArrayOfTokens(longs(prompt)).maxTokens(24)
                .temperature(0.0).logprobs(0).build();
        List<String> base = client.completions().create(plain).choices().get(0).logprobs().orElseThrow().tokens().orElseThrow();
        List<Step> baseRef = referenceGreedy(prompt, 24, 1, 0, 0, 1);
        assertThat(base).containsExactlyElementsOf(baseRef.stream().map(r -> piece(r.token())).toList());
        // (token texts are not ids: pieces of one multi-byte character all read U+FFFD, so repeats are counted on ids)
        assertThat(baseRef.stream().map(Step::token).distinct().count()).as("the unpenalized random model repeats itself")
                .isLessThan(baseRef.size());

        double[][] settings = {{1.5, 0, 1}, {0, 1.5, 1}, {0, 0, 3}, {2, 2, 5}};
        for (double[] p : settings) {
            CompletionCreateParams penalized = plain.toBuilder().presencePenalty(p[0]).frequencyPenalty(p[1])
                    .putAdditionalBodyProperty("repetition_penalty", JsonValue.from(p[2])).build();
            CompletionChoice.Logprobs lp = client.completions().create(penalized).choices().get(0).logprobs().orElseThrow();
            List<Step> ref = referenceGreedy(prompt, 24, 1, p[0], p[1], p[2]);
            String what = "presence " + p[0] + ", frequency " + p[1] + ", repetition " + p[2];
            assertThat(lp.tokens().orElseThrow()).as(what).containsExactlyElementsOf(ref.stream().map(r -> piece(r.token())).toList());
            assertThat(lp.tokens().orElseThrow()).as(what).isNotEqualTo(base);
            // the logprobs reported stay the model's own, before penalties
            for (int i = 0; i < ref.size(); i++) {
                assertThat(lp.tokenLogprobs().orElseThrow().get(i)).isCloseTo(ref.get(i).logprob(), within(1e-3));
            }
        }
        // the strongest setting (checked above to be what the server took) never takes a token twice, where the plain run does
        List<Step> strongest = referenceGreedy(prompt, 24, 1, 2, 2, 5);
        assertThat(strongest.stream().map(Step::token).distinct().count()).isEqualTo(strongest.size());

        // min_p 1 keeps only the most likely token: a sampled request becomes the greedy one
        ChatCompletion greedy = client.chat().completions().create(chat("Count to ten.").maxCompletionTokens(20).temperature(0.0).build());
        ChatCompletion minP = client.chat().completions().create(chat("Count to ten.").maxCompletionTokens(20).temperature(1.5).seed(9)
                .putAdditionalBodyProperty("min_p", JsonValue.from(1.0)).build());
        assertThat(text(minP, 0)).isEqualTo(text(greedy, 0));

        // vLLM's ranges, refused with the bad value quoted
        assertThatThrownBy(() -> client.chat().completions().create(chat("hi").presencePenalty(2.5).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("presence_penalty must be in [-2, 2], got 2.5");
        assertThatThrownBy(() -> client.completions().create(completion("hi").frequencyPenalty(-3.0).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("frequency_penalty must be in [-2, 2], got -3.0");
        assertThatThrownBy(() -> client.completions().create(completion("hi").putAdditionalBodyProperty("repetition_penalty",
                JsonValue.from(0)).build())).isInstanceOf(BadRequestException.class).hasMessageContaining("repetition_penalty")
                .hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> client.completions().create(completion("hi").putAdditionalBodyProperty("min_p",
                JsonValue.from(1.2)).build())).isInstanceOf(BadRequestException.class).hasMessageContaining("min_p must be in [0, 1], got 1.2");
    }

    @Test
    void echoPutsThePromptAndItsLogprobsFirst() {
        int[] prompt = ids("The answer is");
        Completion plain = client.completions().create(completion("The answer is").maxTokens(5).temperature(0.0).build());
        Completion echoed = client.completions().create(completion("The answer is").maxTokens(5).temperature(0.0).echo(true).logprobs(1).build());
        assertThat(echoed.choices().get(0).text()).isEqualTo("The answer is" + plain.choices().get(0).text());
        CompletionChoice.Logprobs lp = echoed.choices().get(0).logprobs().orElseThrow();
        int generated = (int) echoed.usage().orElseThrow().completionTokens();
        List<String> tokens = lp.tokens().orElseThrow();
        assertThat(tokens).hasSize(prompt.length + generated);
        assertThat(tokens.subList(0, prompt.length)).containsExactlyElementsOf(Arrays.stream(prompt).mapToObj(OpenAiServerClientTest::piece).toList());
        List<Double> tl = lp.tokenLogprobs().orElseThrow();
        assertThat(tl.getFirst()).as("the first prompt token has no logprob").isNull();
        assertThat(lp.topLogprobs().orElseThrow().getFirst()).isNull();
        // each later prompt token's logprob given the tokens before it, from the reference's whole-prompt pass
        for (int i = 1; i < prompt.length; i++) {
            double want = logSoftmax(lastLogits(Arrays.copyOf(prompt, i)))[prompt[i]];
            assertThat(tl.get(i)).as("prompt token " + i).isCloseTo(want, within(1e-3));
        }
        List<Long> offsets = lp.textOffset().orElseThrow();
        int at = 0;
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(at);
            at += tokens.get(i).length();
        }
        // max_tokens 0 with echo scores the prompt alone, as vLLM does
        Completion scoreOnly = client.completions().create(completion("The answer is").maxTokens(0).echo(true).logprobs(0).build());
        assertThat(scoreOnly.choices().get(0).text()).isEqualTo("The answer is");
        assertThat(scoreOnly.choices().get(0).logprobs().orElseThrow().tokens().orElseThrow()).hasSize(prompt.length);
        assertThat(scoreOnly.usage().orElseThrow().completionTokens()).isZero();
        // streamed: the prompt comes in the first chunk
        StringBuilder streamed = new StringBuilder();
        List<String> firstTexts = new ArrayList<>();
        try (StreamResponse<Completion> s = client.completions().createStreaming(completion("The answer is").maxTokens(5).temperature(0.0)
                .echo(true).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> {
                firstTexts.add(c.text());
                streamed.append(c.text());
            }));
        }
        assertThat(firstTexts.getFirst()).isEqualTo("The answer is");
        assertThat(streamed.toString()).isEqualTo(echoed.choices().get(0).text());
    }

    @Test
    void tokenIdPromptsAreTheirTokens() {
        Completion fromText = client.completions().create(completion("Consider the triangle").maxTokens(8).temperature(0.0).build());
        Completion fromIds = client.completions().create(CompletionCreateParams.builder().model("tiny")
                .promptOfArrayOfTokens(longs(ids("Consider the triangle"))).maxTokens(8).temperature(0.0).build());
        assertThat(fromIds.choices().get(0).text()).isEqualTo(fromText.choices().get(0).text());
        assertThat(fromIds.usage().orElseThrow().promptTokens()).isEqualTo(ids("Consider the triangle").length);

        Completion two = client.completions().create(CompletionCreateParams.builder().model("tiny")
                .promptOfArrayOfTokenArrays(List.of(longs(ids("Hmm")), longs(ids("Consider the triangle")))).maxTokens(8).temperature(0.0).build());
        assertThat(two.choices()).hasSize(2);
        assertThat(two.choices().get(1).text()).isEqualTo(fromText.choices().get(0).text());
        assertThat(two.usage().orElseThrow().promptTokens()).isEqualTo(ids("Hmm").length + ids("Consider the triangle").length);

        // echo of a token-id prompt is its text
        Completion echoed = client.completions().create(CompletionCreateParams.builder().model("tiny")
                .promptOfArrayOfTokens(longs(ids("Consider the triangle"))).maxTokens(0).echo(true).build());
        assertThat(echoed.choices().get(0).text()).isEqualTo("Consider the triangle");

        int vocab = tok.vocabSize();
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("tiny")
                .promptOfArrayOfTokens(List.of(5L, (long) vocab)).maxTokens(2).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("prompt token id " + vocab + " is outside the vocabulary");
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("tiny")
                .promptOfArrayOfTokens(List.of(-1L)).maxTokens(2).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("-1");
    }

    @Test
    void withoutMaxTokensChatGetsTheRestOfTheContextAndCompletionsSixteen() {
        // a prompt near the context's end keeps the run short
        String words = "one two three four five six seven eight nine ten ";
        String user = words.repeat(20);
        while (chatIds(user + words).length < CONTEXT - 24) {
            user += words;
        }
        int promptTokens = chatIds(user).length;
        int rest = CONTEXT - promptTokens;
        assertThat(rest).isBetween(24, 80);
        ChatCompletion c = client.chat().completions().create(chat(user).temperature(0.0).build());
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(promptTokens);
        // the same as asking for the rest explicitly; one token more does not fit
        ChatCompletion explicit = client.chat().completions().create(chat(user).temperature(0.0).maxCompletionTokens(rest).build());
        assertThat(text(c, 0)).isEqualTo(text(explicit, 0));
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(explicit.usage().orElseThrow().completionTokens());
        assertThat(c.choices().get(0).finishReason()).isEqualTo(explicit.choices().get(0).finishReason());
        if (c.choices().get(0).finishReason().asString().equals("length")) {
            assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(CONTEXT);
        }
        String user2 = user;
        assertThatThrownBy(() -> client.chat().completions().create(chat(user2).maxCompletionTokens(rest + 1).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("context of " + CONTEXT);
        Completion d = client.completions().create(completion("The answer is").temperature(0.0).build());
        long want = Math.min(16, referenceGreedy(ids("The answer is"), 16, 1, 0, 0, 1).size());
        assertThat(d.usage().orElseThrow().completionTokens()).isEqualTo(want);
        // a prompt that fills the context leaves nothing to generate
        String longer = "one two three four five six seven eight nine ten ".repeat(420);
        assertThatThrownBy(() -> client.chat().completions().create(chat(longer).build())).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("context of " + CONTEXT);
    }

    @Test
    void aClientThatGoesAwayCancelsItsRows() throws Exception {
        // A plain socket, closed after three events: the official client, closed early, first reads
        // what is left of the stream for a while to keep its connection, and this tiny model can finish
        // the whole reply in that while.
        long before = engine.stats().generatedTokens();
        int max = CONTEXT - 16;
        String body = "{\"model\":\"tiny\",\"prompt\":" + Arrays.toString(ids("the the the")) + ",\"max_tokens\":" + max
                + ",\"temperature\":1.0,\"seed\":1,\"ignore_eos\":true,\"stream\":true}";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: " + server.uri().getAuthority() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            int events = 0;
            for (String line; events < 3 && (line = in.readLine()) != null; ) {
                if (line.startsWith("data: {")) {
                    events++;
                }
            }
            assertThat(events).isEqualTo(3);
            assertThat(engine.running()).as("events arrive while the row is still generating").isEqualTo(1);
        }
        long waited = 0;
        while (engine.running() > 0 && waited < 60_000) {
            Thread.sleep(20);
            waited += 20;
        }
        assertThat(engine.running()).as("the row left the batch").isZero();
        assertThat(engine.stats().generatedTokens() - before).isLessThan(max);
    }

    @Test
    void anEngineFailureAfterTheStreamBeganIsAnErrorEvent() throws Exception {
        LocalEngine doomed = LocalEngine.open(dir, "tiny", "cpu", null, new Generator.Limits(4, 4096));
        boolean closed = false;
        try (OpenAiServer s = new OpenAiServer(doomed, "127.0.0.1", 0)) {
            OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(s.uri() + "/v1").apiKey("unused").maxRetries(0).build();
            try (StreamResponse<ChatCompletionChunk> stream = c.chat().completions().createStreaming(chat("hi").maxCompletionTokens(CONTEXT - 64)
                    .temperature(1.0).seed(2).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build())) {
                Iterator<ChatCompletionChunk> it = stream.stream().iterator();
                assertThat(it.next().choices().getFirst().delta().role()).isPresent();
                doomed.close();
                closed = true;
                assertThatThrownBy(() -> {
                    while (it.hasNext()) {
                        it.next();
                    }
                }).isInstanceOf(OpenAIException.class).hasMessageContaining("the engine was closed");
            }
        } finally {
            if (!closed) {
                doomed.close();
            }
        }
    }
}
