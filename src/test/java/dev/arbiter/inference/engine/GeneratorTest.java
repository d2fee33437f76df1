package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class GeneratorTest {
    @TempDir
    static Path dir;
    static Generator gen;
    static ModelTokenizer tok;

    @BeforeAll
    static void start() {
        TinyModel.Spec s = TinyModel.Spec.small(ModelConfig.Architecture.QWEN2);
        // initialisation wide enough that the random model's next-token choices are not near-ties
        ModelConfig cfg = TinyModel.write(dir, new TinyModel.Spec(s.arch(), 64, 128, 2, 4, 2, 0, 200, true, 0.5, 11, s.dtype(), 4096));
        DecoderModel m = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32);
        // batching below runs the Java path's batched kernel, heap cache and padded attention
        org.assertj.core.api.Assertions.assertThat(m.stepPath(8, 1)).isEqualTo(DecoderModel.StepPath.JAVA);
        tok = ModelTokenizer.load(dir, cfg);
        gen = new Generator(m, tok, new Generator.Limits(8, 256));
    }

    @AfterAll
    static void stop() {
        gen.close();
        gen.model().close();
        tok.close();
    }

    private static SequenceRequest req(String prompt, Sampling s, int max, List<String> stop) {
        return new SequenceRequest(tok.encode(prompt, false), s, max, stop, null);
    }

    @Test
    void tokenizerRoundTripsAndTheChatTemplateRenders() {
        String text = "The answer is \\boxed{42}. Wait, 3x + 2 = 17 ⇒ x = 5 ✓";
        int[] ids = tok.encode(text, false);
        assertThat(ids.length).isLessThan(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(tok.decode(ids, 0, ids.length, false)).isEqualTo(text);
        String chat = tok.applyChatTemplate(List.of(new ModelTokenizer.Message("user", "What is 2+2?")));
        assertThat(chat).isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n");
        // A message is data, never template: MATH-500's number_theory/1185 holds "{{" (it failed to render before).
        String tower = "Evaluate ${n!}^{{n!}^{{\\cdot}^{{\\cdot}^{{\\cdot}^{n!}}}}}$ and {{ 1 + 1 }} {% if true %}x{% endif %}";
        assertThat(tok.applyChatTemplate(List.of(new ModelTokenizer.Message("user", tower))))
                .contains("<|im_start|>user\n" + tower + "<|im_end|>");
        int[] chatIds = tok.encode(chat, false);
        int imStart = tok.encode("<|im_start|>", false)[0];
        assertThat(tok.encode("<|im_start|>", false)).hasSize(1);
        assertThat(chatIds[0]).isEqualTo(imStart);
        assertThat(tok.eosTokenIds()).contains(tok.encode("<|im_end|>", false)[0], tok.encode("<|endoftext|>", false)[0]);
        // special tokens are dropped from generated text
        assertThat(tok.decode(chatIds, 0, chatIds.length, true)).doesNotContain("<|im_start|>").contains("What is 2+2?");
    }

    @Test
    void greedyIsRepeatableAndBatchingDoesNotChangeIt() {
        List<String> prompts = List.of("The answer is", "Let us think step by step.", "def solve():", "Wait, let me check",
                "Consider the triangle", "x = 5", "Hmm", "The probability that a fair coin");
        List<SequenceResult> alone = new ArrayList<>();
        for (String p : prompts) {
            alone.add(gen.generate(List.of(req(p, Sampling.GREEDY, 24, List.of()))).getFirst());
        }
        long stepsBefore = gen.stats().steps();
        // all at once, then staggered so that rows join a running batch and leave it at different times
        List<SequenceResult> together = gen.generate(prompts.stream().map(p -> req(p, Sampling.GREEDY, 24, List.of())).toList());
        long batchedSteps = gen.stats().steps() - stepsBefore;
        List<CompletableFuture<SequenceResult>> staggered = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            staggered.add(gen.submit(req(prompts.get(i), Sampling.GREEDY, 10 + 3 * i, List.of())));
            sleep(15);
        }
        for (int i = 0; i < prompts.size(); i++) {
            int[] a = alone.get(i).tokens();
            assertThat(together.get(i).tokens()).as(prompts.get(i)).containsExactly(a);
            int[] s = staggered.get(i).join().tokens();
            int common = Math.min(a.length, s.length);
            assertThat(java.util.Arrays.copyOf(s, common)).as("staggered " + prompts.get(i)).containsExactly(java.util.Arrays.copyOf(a, common));
        }
        assertThat(batchedSteps).as("8 rows decoded together, not one after another").isLessThan(8 * 24 / 2);
        assertThat(gen.stats().maxRows()).isGreaterThan(1);
    }

    @Test
    void sameSeedSameSampleAndMaxTokensEndsWithLength() {
        Sampling s1 = new Sampling(1.0, 0.95, 50, 1234);
        Sampling s2 = new Sampling(1.0, 0.95, 50, 1235);
        SequenceResult a = gen.generate(List.of(req("The answer is", s1, 30, List.of()))).getFirst();
        SequenceResult b = gen.generate(List.of(req("The answer is", s1, 30, List.of()))).getFirst();
        SequenceResult c = gen.generate(List.of(req("The answer is", s2, 30, List.of()))).getFirst();
        assertThat(b.tokens()).containsExactly(a.tokens());
        assertThat(b.text()).isEqualTo(a.text());
        assertThat(c.tokens()).isNotEqualTo(a.tokens());
        if (a.finish() == SequenceResult.Finish.LENGTH) {
            assertThat(a.tokens()).hasSize(30);
        } else {
            assertThat(tok.eosTokenIds()).contains(a.tokens()[a.tokens().length - 1]);
        }
        SequenceResult one = gen.generate(List.of(req("The answer is", s1, 1, List.of()))).getFirst();
        assertThat(one.tokens()).hasSize(1).containsExactly(a.tokens()[0]);
        assertThat(one.promptTokens()).isEqualTo(tok.encode("The answer is", false).length);
    }

    @Test
    void aStopStringEndsTheTextJustBeforeIt() {
        SequenceResult free = gen.generate(List.of(req("Let us think", Sampling.GREEDY, 40, List.of()))).getFirst();
        String text = free.text();
        assertThat(text.length()).isGreaterThan(12);
        String stop = text.substring(8, 11);
        int at = text.indexOf(stop);
        SequenceResult cut = gen.generate(List.of(req("Let us think", Sampling.GREEDY, 40, List.of("never-there", stop)))).getFirst();
        assertThat(cut.finish()).isEqualTo(SequenceResult.Finish.STOP);
        assertThat(cut.text()).isEqualTo(text.substring(0, at));
        assertThat(cut.tokens().length).isLessThan(free.tokens().length);
    }

    @Test
    void thinkingBudgetForcesTheEndMarker() {
        int end = tok.encode("</think>", false)[0];
        int[] wait = tok.encode(" Wait", false);
        ThinkingBudget hook = new ThinkingBudget(new int[] {end}, wait, 0, 6);
        SequenceResult r = gen.generate(List.of(new SequenceRequest(tok.encode("<think>", false), Sampling.GREEDY, 12, List.of(), hook))).getFirst();
        assertThat(hook.thinkingEnded()).isTrue();
        assertThat(r.tokens()[5]).isEqualTo(end);
        // a marker sampled before the minimum is replaced by the continuation
        ThinkingBudget early = new ThinkingBudget(new int[] {end}, wait, 5, 100);
        int[] generated = new int[10];
        assertThat(early.onSampled(generated, 2, end)).containsExactly(wait);
        assertThat(early.thinkingEnded()).isFalse();
        assertThat(early.onSampled(generated, 7, end)).containsExactly(end);
        assertThat(early.thinkingEnded()).isTrue();
        assertThat(early.extensions()).isEqualTo(1);
        assertThat(early.forced()).isFalse();
        // at most N continuations: the (N+1)th early marker is let through
        ThinkingBudget once = new ThinkingBudget(new int[] {end}, wait, 50, 100, 1);
        assertThat(once.onSampled(generated, 2, end)).containsExactly(wait);
        assertThat(once.onSampled(generated, 4, end)).containsExactly(end);
        assertThat(once.extensions()).isEqualTo(1);
        assertThat(hook.forced()).isTrue();
    }

    @Test
    void deltasArriveBeforeTheEndAndConcatenateToTheText() {
        for (List<String> stop : List.of(List.<String>of(), List.of("never-there"))) {
            SequenceResult plain = gen.generate(List.of(req("Let us think", Sampling.GREEDY, 30, stop))).getFirst();
            List<SequenceDelta> deltas = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
            List<Boolean> finishedAtDelta = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<SequenceResult> f = gen.submit(new SequenceRequest(tok.encode("Let us think", false), Sampling.GREEDY, 30,
                    stop, null, 2), d -> {
                        deltas.add(d);
                        finishedAtDelta.add(finished.get());
                    });
            f.whenComplete((r, e) -> finished.set(true));
            SequenceResult r = f.join();
            assertThat(finishedAtDelta).as("every delta comes before the end").containsOnly(false);
            assertThat(deltas).extracting(SequenceDelta::token).containsExactly(java.util.Arrays.stream(r.tokens()).boxed().toArray(Integer[]::new));
            assertThat(String.join("", deltas.stream().map(SequenceDelta::text).toList())).isEqualTo(r.text()).isEqualTo(plain.text());
            assertThat(deltas).allSatisfy(d -> assertThat(d.logprobs()).hasSize(1));
            assertThat(r.tokens()).containsExactly(plain.tokens());
        }
        // a stop string: the streamed text is the cut text, and no delta shows what was cut
        SequenceResult free = gen.generate(List.of(req("Let us think", Sampling.GREEDY, 40, List.of()))).getFirst();
        String stop = free.text().substring(8, 12);
        StringBuilder seen = new StringBuilder();
        List<String> prefixes = new ArrayList<>();
        SequenceResult cut = gen.submit(new SequenceRequest(tok.encode("Let us think", false), Sampling.GREEDY, 40, List.of(stop), null),
                d -> prefixes.add(seen.append(d.text()).toString())).join();
        assertThat(seen.toString()).isEqualTo(cut.text()).isEqualTo(free.text().substring(0, free.text().indexOf(stop)));
        assertThat(prefixes).allSatisfy(p -> assertThat(cut.text()).startsWith(p));
    }

    @Test
    void aStopPrefixAtTheEndIsHeldBack() {
        assertThat(Generator.heldBack("the answer is 4", List.of("42"))).isEqualTo(1);
        assertThat(Generator.heldBack("the answer is 4", List.of("4"))).as("a whole stop string is found, not held").isZero();
        assertThat(Generator.heldBack("x = <th", List.of("<think>", "<|im"))).isEqualTo(3);
        assertThat(Generator.heldBack("x = <", List.of("<think>", "<|im"))).isEqualTo(1);
        assertThat(Generator.heldBack("abc", List.of("zzz"))).isZero();
        assertThat(Generator.heldBack("ab", List.of("abcdef"))).isEqualTo(2);
        assertThat(Generator.heldBack("", List.of("ab"))).isZero();
    }

    @Test
    void scoringAPromptAgreesWithTheLogprobsOfDecoding() {
        int[] prompt = tok.encode("Consider the triangle", false);
        SequenceResult r = gen.submit(new SequenceRequest(prompt, Sampling.GREEDY, 8, List.of(), null, 3)).join();
        int[] whole = java.util.Arrays.copyOf(prompt, prompt.length + r.tokens().length);
        System.arraycopy(r.tokens(), 0, whole, prompt.length, r.tokens().length);
        List<SequenceResult.TokenLogprobs> scored = gen.scorePrompt(whole, 3).join();
        assertThat(scored).hasSize(whole.length - 1);
        for (int i = 0; i < r.tokens().length; i++) {
            SequenceResult.TokenLogprobs dec = r.logprobs().get(i);
            SequenceResult.TokenLogprobs sc = scored.get(prompt.length - 1 + i);
            assertThat(sc.token()).isEqualTo(dec.token());
            assertThat(sc.logprob()).isCloseTo(dec.logprob(), org.assertj.core.data.Offset.offset(1e-4));
            // the same alternatives with the same logprobs; two paths of float arithmetic may order a near tie either way
            assertThat(sc.top()).hasSameSizeAs(dec.top());
            for (int k = 0; k < dec.top().length; k++) {
                assertThat(sc.topLogprobs()[k]).isCloseTo(dec.topLogprobs()[k], org.assertj.core.data.Offset.offset(1e-4));
                if (sc.top()[k] != dec.top()[k]) {
                    double[] lp = dec.topLogprobs();
                    int at = k;
                    boolean tieInside = (at > 0 && Math.abs(lp[at] - lp[at - 1]) < 1e-4) || (at + 1 < lp.length && Math.abs(lp[at] - lp[at + 1]) < 1e-4);
                    // at the last rank, the same logprob (asserted above) is a tie with an alternative not listed
                    assertThat(tieInside || at == lp.length - 1).as("rank %d: %d where decoding had %d, not a near tie", k, sc.top()[k], dec.top()[k])
                            .isTrue();
                }
            }
        }
        assertThat(gen.scorePrompt(new int[] {prompt[0]}, 0).join()).isEmpty();
    }

    @Test
    void penaltiesInTheEngineMatchTheSamplersArithmeticStepByStep() {
        // the engine's penalized greedy run, replayed with the raw logits it reported: each token is the
        // argmax of the logits penalized by hand over the prompt and the tokens before it
        int[] prompt = tok.encode("the the the cat sat on the mat", false);
        // a repetition penalty below 1 and a negative presence penalty favour seen tokens, so the run must change
        Sampling s = new Sampling(0, 1, 0, 0, -1.0, 0.75, 0.3, 0);
        SequenceResult r = gen.submit(new SequenceRequest(prompt, s, 16, List.of(), null, 0, true)).join();
        SequenceResult plain = gen.submit(new SequenceRequest(prompt, Sampling.GREEDY, 16, List.of(), null, 0, true)).join();
        assertThat(r.tokens()).hasSize(16).isNotEqualTo(plain.tokens());
        int[] whole = java.util.Arrays.copyOf(prompt, prompt.length + r.tokens().length);
        System.arraycopy(r.tokens(), 0, whole, prompt.length, r.tokens().length);
        {
            float[][] logits = logitsAt(whole, prompt.length);
            java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
            java.util.Set<Integer> promptSet = new java.util.HashSet<>();
            for (int id : prompt) {
                promptSet.add(id);
            }
            for (int i = 0; i < r.tokens().length; i++) {
                float[] l = logits[i].clone();
                for (int id = 0; id < l.length; id++) {
                    if (promptSet.contains(id) || counts.containsKey(id)) {
                        l[id] = l[id] > 0 ? l[id] / 0.3f : l[id] * 0.3f;
                    }
                    int c = counts.getOrDefault(id, 0);
                    l[id] -= 0.75f * c;
                    l[id] -= c > 0 ? -1.0f : 0f;
                }
                assertThat(r.tokens()[i]).as("step " + i).isEqualTo(Sampler.argmax(l, 0, l.length));
                counts.merge(r.tokens()[i], 1, Integer::sum);
            }
        }
    }

    /**
     * Logits over the whole sequence from a second copy of the model (the engine's own is the engine
     * thread's), at the positions that predict each token from {@code from} on.
     */
    private static float[][] logitsAt(int[] seq, int from) {
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32); KvCache c = m.newCache(1, seq.length);
             ai.djl.ndarray.NDManager step = m.newStep()) {
            float[] all = m.forward(step, new int[][] {seq}, new int[] {0}, c, true).toFloatArray();
            int v = m.config().vocabSize();
            int vocab = Math.min(v, tok.vocabSize());
            float[][] out = new float[seq.length - from][];
            for (int p = from - 1; p < seq.length - 1; p++) {
                out[p - from + 1] = java.util.Arrays.copyOfRange(all, p * v, p * v + vocab);
            }
            return out;
        }
    }

    @Test
    void requestsBeyondTheContextAreRefused() {
        int[] longPrompt = new int[4090];
        assertThatThrownBy(() -> gen.submit(new SequenceRequest(longPrompt, Sampling.GREEDY, 10, List.of(), null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("context of 4096");
        assertThatThrownBy(() -> gen.submit(new SequenceRequest(new int[] {1_000_000}, Sampling.GREEDY, 10, List.of(), null)))
                .hasMessageContaining("outside the vocabulary");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
