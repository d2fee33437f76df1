package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.testing.Shared;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.code.CodeGrader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Eval's code grading when the sandbox fails: the sample is missing, not wrong, and the next run grades it. */
@Tag("docker")
@Tag("data")
@ExtendWith(DockerRequired.class)
class CodeGradingSandboxErrorTest {
    @TempDir
    Path dir;

    @Test
    void aSampleTheSandboxCouldNotGradeIsMissingAndGradedByTheNextRun() throws Exception {
        DataConfig c = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        Problem seniors = new Benchmarks(new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()))
                .load("lcb_v1_samples", Selection.DEFAULT).problems().stream().filter(p -> p.id().equals("leetcode/2727")).findFirst().orElseThrow();
        EvalPlan plan = new EvalPlan("lcb_v1_samples", List.of(seniors), new GenerationSpec("coder", "{problem}", true, 0, 1, 256, 0, List.of()), 2,
                Duration.ofSeconds(10), 1);
        String right = "```python\nclass Solution:\n    def countSeniors(self, details):\n        return sum(int(d[11:13]) > 60 for d in details)\n```";
        String verifier = EvalRunner.codeVerifier(CodeGrader.Settings.LCB_DEFAULT);
        try (CompletionStore store = CompletionStore.open(dir.resolve("run.db"));
                Sandbox working = Sandbox.start(SandboxConfig.defaults().withContainers(1))) {
            String hash = store.register(plan.spec());
            store.put(hash, new Completion(seniors.id(), 0, right, "stop", 10, 10));
            store.put(hash, new Completion(seniors.id(), 1, "```python\nprint(0)\n```", "stop", 10, 10));
            Sandbox broken = Sandbox.start(SandboxConfig.defaults().withContainers(1));
            broken.close();
            List<String> notGraded = new ArrayList<>();
            List<ProblemSamples> first = EvalRunner.grade(plan, store, CodeTestVerifier.over(broken, CodeGrader.Settings.LCB_DEFAULT),
                    verifier, null, notGraded::add);
            assertThat(first.getFirst().samples()).isEmpty();
            assertThat(notGraded).containsExactlyInAnyOrder("leetcode/2727#0: sandbox error: sandbox is closed",
                    "leetcode/2727#1: sandbox error: sandbox is closed");
            assertThat(store.verdictsWithAnswers(hash, seniors.id(), verifier)).isEmpty();
            MetricSummary m = Metrics.summarize(first, 2, List.of(1), TruncationPolicy.AS_GRADED, 0);
            assertThat(m.missing()).containsExactly(new MissingSamples(seniors.id(), 0, 2));

            notGraded.clear();
            List<ProblemSamples> second = EvalRunner.grade(plan, store, CodeTestVerifier.over(working, CodeGrader.Settings.LCB_DEFAULT),
                    verifier, null, notGraded::add);
            assertThat(notGraded).isEmpty();
            assertThat(second.getFirst().samples()).extracting(Sample::outcome).containsExactly(Outcome.CORRECT, Outcome.WRONG);
            assertThat(store.verdictsWithAnswers(hash, seniors.id(), verifier)).hasSize(2);
            assertThat(Metrics.summarize(second, 2, List.of(1), TruncationPolicy.AS_GRADED, 0).missing()).isEmpty();
        }
    }
}
