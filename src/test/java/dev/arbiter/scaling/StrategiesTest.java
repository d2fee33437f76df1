package dev.arbiter.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.RetryPolicy;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.verify.math.MathVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budget forcing and SIFT against a real HTTP server whose replies are scripted per prompt. */
class StrategiesTest {
    static MathVerifier verifier;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        verifier = new MathVerifier();
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    private static final StrategyCalls.Decoding GREEDY = new StrategyCalls.Decoding(0, 1, 512, 0, List.of());

    private <T> T withServer(FakeOpenAiServer.Continuation script, boolean chat, Function<StrategyCalls, T> body) throws Exception {
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(script); CompletionStore st = CompletionStore.open(dir.resolve("store.db"))) {
            OpenAiClient client = new OpenAiClient(List.of(s.uri()), null, RetryPolicy.DEFAULT);
            return body.apply(new StrategyCalls(st, new CallCounter(client), "m", chat, Duration.ofSeconds(10)));
        }
    }

    private static List<String> prompts(FakeOpenAiServer s) {
        List<String> out = new ArrayList<>();
        for (JsonNode b : s.bodies) {
            out.add(b.has("prompt") ? b.path("prompt").asText() : b.path("messages").path(0).path("content").asText());
        }
        return out;
    }

    // ---- s1 budget forcing ----

    private static final String PROMPT = "Q: what is 2+5?\n<think>\n";

    /** Thinks a little, then ends; after the cue it thinks more. The answer is whatever follows the marker. */
    private static String thinker(String prompt) {
        if (prompt.endsWith("</think>") || prompt.endsWith("Final Answer:")) {
            return " \\boxed{7}";
        }
        if (prompt.endsWith("Wait")) {
            return " four five six seven\n</think> answer";
        }
        return "one two three\n</think> answer";
    }

    @Test
    void forcingInsertsTheCueOnlyWhenThinkingEndsBeforeTheMinimum() throws Exception {
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(StrategiesTest::thinker);
             CompletionStore st = CompletionStore.open(dir.resolve("store.db"))) {
            StrategyCalls calls = new StrategyCalls(st, new CallCounter(new OpenAiClient(List.of(s.uri()), null, RetryPolicy.DEFAULT)), "m", false,
                    Duration.ofSeconds(10));
            // ends after 4 tokens, below the minimum of 5: the cue goes in once; then 9 in all, past it: no more
            BudgetForcing.Forced f = BudgetForcing.run(calls, PROMPT, GREEDY, 0, new BudgetForcing.Settings("</think>", "\nWait", 5, 100, 3, "\nFinal Answer:", 16));
            assertThat(f.extensions()).isEqualTo(1);
            assertThat(f.forcedEnd()).isFalse();
            assertThat(f.thinkingTokens()).isEqualTo(9); // "one two three\n" is 4 tokens, " four five six seven\n" 5
            assertThat(f.text()).isEqualTo("one two three\n\nWait four five six seven\n</think> \\boxed{7}");
            assertThat(f.calls()).isEqualTo(3);
            List<String> sent = prompts(s);
            assertThat(sent).containsExactly(PROMPT, PROMPT + "one two three\n\nWait", PROMPT + "one two three\n\nWait four five six seven\n</think>");
            // each thinking call stops at the marker and may use only what is left of the budget
            assertThat(s.bodies.stream().map(b -> b.path("max_tokens").asInt()).toList()).containsExactly(100, 96, 16);
            assertThat(s.bodies.stream().limit(2).allMatch(b -> b.path("stop").get(0).asText().equals("</think>"))).isTrue();

            // thinking that already reaches the minimum gets no cue
            BudgetForcing.Forced plain = BudgetForcing.run(calls, PROMPT, GREEDY, 1, new BudgetForcing.Settings("</think>", "\nWait", 3, 100, 3, "\nFinal Answer:", 16));
            assertThat(plain.extensions()).isZero();
            assertThat(plain.text()).isEqualTo("one two three\n</think> \\boxed{7}");
        }
    }

    @Test
    void forcingStopsExtendingAfterNCuesAndForcesTheAnswerAtTheMaximum() throws Exception {
        // a model that always stops at once: with N = 2, exactly two cues and then the answer
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(p -> p.endsWith("</think>") ? " \\boxed{1}" : "hmm</think>");
             CompletionStore st = CompletionStore.open(dir.resolve("a.db"))) {
            StrategyCalls calls = new StrategyCalls(st, new CallCounter(new OpenAiClient(List.of(s.uri()), null, RetryPolicy.DEFAULT)), "m", false,
                    Duration.ofSeconds(10));
            BudgetForcing.Forced f = BudgetForcing.run(calls, PROMPT, GREEDY, 0, new BudgetForcing.Settings("</think>", " Wait", 50, 100, 2, "\nFinal Answer:", 8));
            assertThat(f.extensions()).isEqualTo(2);
            assertThat(f.forcedEnd()).isFalse();
            assertThat(f.text()).isEqualTo("hmm Waithmm Waithmm</think> \\boxed{1}");
        }
        // a model that never stops thinking: cut at the maximum, closed with the marker and the forced-answer cue
        String endless = String.join(" ", java.util.Collections.nCopies(500, "more"));
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(p -> p.endsWith("Final Answer:") ? " \\boxed{3}" : endless);
             CompletionStore st = CompletionStore.open(dir.resolve("b.db"))) {
            StrategyCalls calls = new StrategyCalls(st, new CallCounter(new OpenAiClient(List.of(s.uri()), null, RetryPolicy.DEFAULT)), "m", false,
                    Duration.ofSeconds(10));
            BudgetForcing.Forced f = BudgetForcing.run(calls, PROMPT, GREEDY, 0, new BudgetForcing.Settings("</think>", " Wait", 0, 40, 2, "\nFinal Answer:", 8));
            assertThat(f.forcedEnd()).isTrue();
            assertThat(f.thinkingTokens()).isEqualTo(40);
            assertThat(f.extensions()).isZero();
            List<String> sent = prompts(s);
            assertThat(sent).hasSize(2);
            assertThat(sent.get(1)).endsWith("more</think>\nFinal Answer:");
            assertThat(FakeOpenAiServer.tokens(sent.get(1).substring(PROMPT.length(), sent.get(1).indexOf("</think>")))).hasSize(40);
            assertThat(f.answer()).isEqualTo(" \\boxed{3}");
        }
    }

    @Test
    void forcingRefusesChatPromptsAndBadBudgets() {
        assertThatThrownBy(() -> new BudgetForcing.Settings("</think>", "Wait", 10, 5, 1, "", 8)).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> new BudgetForcing.Settings("", "Wait", 0, 5, 1, "", 8)).hasMessageContaining("end-of-thinking marker");
        assertThatThrownBy(() -> withServer(p -> "x", true, c -> BudgetForcing.run(c, "q", GREEDY, 0,
                new BudgetForcing.Settings("</think>", "Wait", 0, 5, 1, "", 8)))).hasMessageContaining("--raw");
    }

    // ---- SIFT ----

    /**
     * Scripted by the question's name: "stage1" agrees at once, "stage2" after forward refinement,
     * "stage3" after inverse generation, "never" not at all. Sticker versions: v1 extracted, v2
     * refined forward, inv built from a prediction, v3 the inverse sticker refined forward.
     */
    private static String sift(String prompt) {
        String scenario = prompt.contains("stage1") ? "stage1" : prompt.contains("stage2") ? "stage2" : prompt.contains("stage3") ? "stage3" : "never";
        if (prompt.startsWith("Read the problem below, but do not solve it.")) {
            return "Here it is.\nSticker: v1 of " + scenario;
        }
        if (prompt.startsWith("Below are a problem and a sticker")) {
            return prompt.contains("Sticker: inv") ? "Sticker: v3 of " + scenario + "\n```\nignored" : "Sticker: v2 of " + scenario;
        }
        if (prompt.startsWith("Below is a worked solution")) {
            return "Sticker: inv";
        }
        String version = prompt.contains("v1 of") ? "1" : prompt.contains("v2 of") ? "2" : prompt.contains("v3 of") ? "3" : "direct";
        if (version.equals("direct")) {
            return "Directly: \\boxed{7}";
        }
        boolean agree = scenario.equals("stage" + version);
        if (prompt.startsWith("Solve the problem that this sticker describes.")) {
            return "From the sticker: \\boxed{0.5}";
        }
        // from the problem and the sticker: an equivalent answer written differently when they should agree
        return agree ? "So \\boxed{\\frac{1}{2}}" : "So \\boxed{" + (10 + Integer.parseInt(version)) + "}";
    }

    private Sift.Result solve(String question) throws Exception {
        return withServer(StrategiesTest::sift, true, calls -> new Sift(calls, new Answers(verifier), Sift.Prompts.DEFAULT).solve(question, GREEDY, 0));
    }

    private static List<String> stages(Sift.Result r) {
        return r.steps().stream().map(Sift.Step::stage).toList();
    }

    @Test
    void siftStopsAtTheFirstConsensus() throws Exception {
        Sift.Result r = solve("Problem stage1: find x.");
        assertThat(r.branch()).isEqualTo(Sift.Branch.STAGE1_CONSENSUS);
        assertThat(stages(r)).containsExactly("sift:sticker", "sift:predict-sticker", "sift:predict-both");
        assertThat(r.answer()).isEqualTo("So \\boxed{\\frac{1}{2}}"); // the query+sticker prediction is returned
    }

    @Test
    void siftAgreesAfterForwardRefinement() throws Exception {
        Sift.Result r = solve("Problem stage2: find x.");
        assertThat(r.branch()).isEqualTo(Sift.Branch.STAGE2_AFTER_FORWARD);
        assertThat(stages(r)).containsExactly("sift:sticker", "sift:predict-sticker", "sift:predict-both",
                "sift:forward", "sift:predict-sticker", "sift:predict-both");
    }

    @Test
    void siftAgreesAfterInverseGeneration() throws Exception {
        Sift.Result r = solve("Problem stage3: find x.");
        assertThat(r.branch()).isEqualTo(Sift.Branch.STAGE3_AFTER_INVERSE);
        assertThat(stages(r)).containsExactly("sift:sticker", "sift:predict-sticker", "sift:predict-both",
                "sift:forward", "sift:predict-sticker", "sift:predict-both",
                "sift:inverse", "sift:forward", "sift:predict-sticker", "sift:predict-both");
        assertThat(r.answer()).contains("\\frac{1}{2}");
    }

    @Test
    void siftFallsBackToTheDirectAnswer() throws Exception {
        Sift.Result r = solve("Problem never: find x.");
        assertThat(r.branch()).isEqualTo(Sift.Branch.FALLBACK);
        assertThat(r.steps()).hasSize(11);
        assertThat(stages(r).getLast()).isEqualTo("sift:direct");
        assertThat(r.answer()).isEqualTo("Directly: \\boxed{7}");
        assertThat(r.completionTokens()).isPositive();
    }

    @Test
    void siftInverseStageSeesStageTwosQueryStickerPredictionAndStickersAreCutAtFences() throws Exception {
        try (FakeOpenAiServer s = FakeOpenAiServer.continuing(StrategiesTest::sift); CompletionStore st = CompletionStore.open(dir.resolve("s.db"))) {
            CallCounter counter = new CallCounter(new OpenAiClient(List.of(s.uri()), null, RetryPolicy.DEFAULT));
            Sift sift = new Sift(new StrategyCalls(st, counter, "m", true, Duration.ofSeconds(10)), new Answers(verifier), Sift.Prompts.DEFAULT);
            sift.solve("Problem stage3: find x.", GREEDY, 0);
            List<String> sent = prompts(s);
            String inverse = sent.stream().filter(p -> p.startsWith("Below is a worked solution")).findFirst().orElseThrow();
            assertThat(inverse).endsWith("So \\boxed{12}");
            String last = sent.getLast();
            assertThat(last).contains("Sticker: v3 of stage3").doesNotContain("ignored");
            assertThat(counter.totalCalls()).isEqualTo(10);
            // a second solve is answered from the store: no new calls
            sift.solve("Problem stage3: find x.", GREEDY, 0);
            assertThat(counter.totalCalls()).isEqualTo(10);
            assertThat(s.bodies).hasSize(10);
        }
        assertThat(Sift.sticker("no marker here ")).isEqualTo("no marker here");
    }
}
