package dev.arbiter.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Metadata;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.TokenCodec;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.EvalRunner;
import dev.arbiter.run.GenerationSpec;
import dev.arbiter.verify.math.MathVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The truncation sweep on the in-process engine with a tiny random-weight model: budgets in the model's own tokens. */
class TinyModelSweepTest {
    @TempDir
    Path dir;

    @Test
    void theAnswerStepNeverGetsMoreThanBudgetTokensOfThinking() throws Exception {
        TinyModel.write(dir.resolve("tiny"), TinyModel.Spec.small(ModelConfig.Architecture.QWEN2));
        List<GenerationRequest> sent = Collections.synchronizedList(new ArrayList<>());
        try (LocalEngine engine = LocalEngine.open(dir.resolve("tiny"), "tiny", "cpu", null, new Generator.Limits(8, 4096));
             CompletionStore st = CompletionStore.open(dir.resolve("store.db"));
             MathVerifier verifier = new MathVerifier()) {
            InferenceBackend recording = r -> {
                sent.add(r);
                return engine.generate(r);
            };
            List<Problem> ps = List.of(
                    new Problem("a", "t", "What is 1 + 1?", new MathAnswer("2", null, List.of()), Metadata.EMPTY),
                    new Problem("b", "t", "What is 2 + 3?", new MathAnswer("5", null, List.of()), Metadata.EMPTY));
            // random weights rarely stop early, so at 40 tokens the completions run to the budget
            EvalPlan plan = new EvalPlan("t", ps, new GenerationSpec("tiny", "{problem}", false, 1.0, 1.0, 40, 7, List.of()), 2,
                    Duration.ofSeconds(60), 4);
            CallCounter counter = new CallCounter(recording);
            EvalRunner.Generated g = EvalRunner.generate(plan, counter.as("full"), st, (d, t, k) -> { });
            assertThat(g.stored()).isEqualTo(4);
            TokenCodec codec = engine.tokenCodec();
            List<Integer> budgets = List.of(3, 7, 15, 40);
            var sweep = TruncationSweep.run(plan, st, new StrategyCalls(st, counter, "tiny", false, Duration.ofSeconds(60)), codec,
                    new Answers(verifier), new TruncationSweep.Settings(budgets, "", "Q: {problem}\nWork: {thinking}\nAnswer:", 4));
            assertThat(sweep).hasSize(4);
            for (TruncationSweep.AtBudget b : sweep) {
                for (TruncationSweep.Cut c : b.cuts()) {
                    assertThat(c.thinkingSent()).isLessThanOrEqualTo(b.budget());
                }
            }
            // what actually reached the model's answer step, re-tokenized by the model's tokenizer
            List<GenerationRequest> answers = sent.stream().filter(r -> r.prompt().startsWith("Q: ")).toList();
            assertThat(answers).isNotEmpty();
            for (GenerationRequest r : answers) {
                String thinking = r.prompt().substring(r.prompt().indexOf("\nWork: ") + 7, r.prompt().lastIndexOf("\nAnswer:"));
                int tokens = codec.encode(thinking).length;
                assertThat(tokens).isLessThanOrEqualTo(40);
                assertThat(r.maxTokens()).isEqualTo(4);
            }
            // the smaller budgets each cost one answer call per truncated completion, never a new full generation
            assertThat(counter.calls("full")).isEqualTo(4);
            long truncated = sweep.getFirst().cuts().stream().filter(TruncationSweep.Cut::answerCall).count();
            assertThat(truncated).isPositive();
            assertThat(counter.calls("answer") + counter.tallies().stream().filter(t -> t.purpose().equals("answer")).mapToLong(CallCounter.Tally::cached).sum())
                    .isEqualTo(sweep.stream().mapToLong(TruncationSweep.AtBudget::answerCalls).sum());
            assertThat(sweep.get(0).cuts().stream().filter(TruncationSweep.Cut::answerCall).mapToInt(TruncationSweep.Cut::thinkingSent).max().orElse(0))
                    .isEqualTo(3);
        }
    }
}
