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
