package dev.arbiter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.run.Preset;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSummary;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The published-scores file is valid data, and a run is put beside it only when made the published way. */
class PublishedTest {
    private final Published data = Published.load();

    @Test
    void everyScoreHasASourceAMetricAndANumberInRange() {
        assertThat(data.scores()).hasSizeGreaterThan(50);
        Set<String> keys = new HashSet<>();
        for (Published.Score s : data.scores()) {
            String what = s.model() + " " + s.benchmark() + " " + s.metric() + " (" + s.source() + ")";
            Published.Source src = data.sources().get(s.source());
            assertThat(src).as(what).isNotNull();
            assertThat(src.url()).as(what).matches("https://github\\.com/[^/]+/[^/]+/blob/[0-9a-f]{40}/README\\.md");
            assertThat(src.evaluation() != null || src.settings() != null).as(what + ": a preset, or why there is none").isTrue();
            if (src.evaluation() != null) {
                assertThat(Preset.names()).as(what).contains(src.evaluation());
            }
            assertThat(s.metric()).as(what).matches("pass@1|cons@[1-9][0-9]*");
            assertThat(s.score()).as(what).isGreaterThan(0).isLessThanOrEqualTo(100);
            assertThat(s.where()).as(what).isNotBlank();
            assertThat(s.samples() == null || s.samples() >= 1).as(what).isTrue();
            assertThat(s.problems() == null || s.problems() >= 1).as(what).isTrue();
            assertThat(s.comparable() || (s.why() != null && !s.why().isBlank())).as(what + ": a score kept out says why").isTrue();
            assertThat(s.benchmark()).as(what).matches("[a-z0-9_]+");
            assertThat(keys.add(s.model() + "|" + s.benchmark() + "|" + s.metric() + "|" + s.source() + "|" + s.where())).as(what + " once").isTrue();
        }
    }

    @Test
    void theReadmesNumbersAreThere() {
        assertThat(score("DeepSeek-R1-Distill-Qwen-7B", "aime24", "deepseek-r1-readme").score()).isEqualTo(55.5);
        assertThat(score("DeepSeek-R1-Distill-Qwen-7B", "aime24", "deepseek-r1-readme").samples()).isEqualTo(64);
        assertThat(score("DeepSeek-R1-Distill-Qwen-32B", "math500", "deepseek-r1-readme").score()).isEqualTo(94.3);
        assertThat(score("DeepSeek-R1", "livecodebench", "deepseek-r1-readme").score()).isEqualTo(65.9);
        assertThat(score("Sky-T1-32B-Preview", "aime24", "skythought-readme").score()).isEqualTo(43.3);
        assertThat(score("T1 (Qwen2.5-32B)", "math500", "t1-readme").score()).isEqualTo(92.4);
        assertThat(data.of("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "aime24")).extracting(Published.Score::metric).containsExactly("pass@1", "cons@64");
        assertThat(data.of("Qwen/QwQ-32B-Preview", "math500")).extracting(Published.Score::source)
                .containsExactly("deepseek-r1-readme", "skythought-readme", "t1-readme");
    }

    private Published.Score score(String model, String benchmark, String source) {
        return data.of(model, benchmark).stream().filter(s -> s.source().equals(source) && s.metric().equals("pass@1")).findFirst().orElseThrow();
    }

    /** A summary of a run on aime24 (30 problems) at the given settings, with pass@1 {@code mean} in [low, high]. */
    private static RunSummary run(String model, double temperature, int maxTokens, int n, int problems, double mean, double low, double high) throws Exception {
        return run(model, temperature, maxTokens, n, problems, mean, low, high, true);
    }

    private static RunSummary run(String model, double temperature, int maxTokens, int n, int problems, double mean, double low, double high,
                                  boolean chat, String... stop) throws Exception {
        ObjectNode root = Json.mapper().createObjectNode().put("arbiter_version", "test");
        ObjectNode c = root.putObject("config").put("n", n).put("model", model).put("store", "s.db");
        var stops = c.putObject("generation").put("model", model).put("prompt_template", PromptTemplates.MATH).put("chat", chat)
                .put("temperature", temperature).put("top_p", 0.95).put("max_tokens", maxTokens).put("seed", 0).putArray("stop");
        for (String x : stop) {
            stops.add(x);
        }
        c.putArray("benchmarks").addObject().put("name", "aime24").put("problems", problems).put("generation_hash", "h").put("verifier", "arbiter-math/2");
        c.putObject("reproduce").put("endpoint", "chat").putArray("rerun").add("arbiter").add("eval").add("--n").add(Integer.toString(n));
        ObjectNode m = root.putArray("benchmarks").addObject().put("benchmark", "aime24").put("model", model).putObject("metrics")
                .put("problems", problems).put("samples_per_problem", n);
        m.putObject("pass_at1").put("mean", mean).put("standard_error", 0.05).put("ci_low", low).put("ci_high", high).put("problems", problems);
        return RunSummary.fromJson(Json.line(root));
    }

    private PublishedComparison.Line only(PublishedComparison.Result r) {
        List<PublishedComparison.Line> pass = r.lines().stream().filter(l -> l.published().metric().equals("pass@1")).toList();
        assertThat(pass).hasSize(1);
        return pass.getFirst();
    }

    @Test
    void aPublishedScoreInsideOrOutsideOurInterval() throws Exception {
        var inside = PublishedComparison.compare("run-a", run("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 0.6, 32768, 64, 30, 0.56, 0.40, 0.70), null, data);
        assertThat(only(inside).verdict()).isEqualTo(PublishedComparison.Verdict.INSIDE);
        var outside = PublishedComparison.compare("run-b", run("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 0.6, 32768, 64, 30, 0.20, 0.10, 0.30), null, data);
        assertThat(only(outside).verdict()).isEqualTo(PublishedComparison.Verdict.OUTSIDE);
        // 55.5 was rounded from [55.45, 55.55): an interval ending at 55.46 still holds it
        var edge = PublishedComparison.compare("run-c", run("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 0.6, 32768, 64, 30, 0.50, 0.40, 0.5546), null, data);
        assertThat(only(edge).verdict()).isEqualTo(PublishedComparison.Verdict.INSIDE);
        var cons = inside.lines().stream().filter(l -> l.published().metric().equals("cons@64")).findFirst().orElseThrow();
        assertThat(cons.verdict()).isEqualTo(PublishedComparison.Verdict.NOT_COMPARED);
        String md = PublishedComparison.markdown(inside);
        assertThat(md).contains("| aime24 | DeepSeek-R1-Distill-Qwen-7B | 56.0 (40.0–70.0) | 64 | 55.5 | pass@1 over 64 samples | DeepSeek-R1 README | yes |")
                .contains("https://github.com/deepseek-ai/DeepSeek-R1/blob/00f3296a14392e787d4138b5a0d8ce0e55a25b23/README.md")
                .contains("row DeepSeek-R1-Distill-Qwen-7B, column AIME 2024 pass@1")
                .contains("Rerun with:\n  arbiter eval --n 64");
    }

    @Test
    void fewerSamplesAreNotedButOtherSamplingIsRefused() throws Exception {
        var fewer = PublishedComparison.compare("run", run("DeepSeek-R1-Distill-Qwen-7B", 0.6, 32768, 8, 30, 0.56, 0.40, 0.70), null, data);
        assertThat(only(fewer).verdict()).isEqualTo(PublishedComparison.Verdict.INSIDE);
        assertThat(only(fewer).notes()).anyMatch(n -> n.startsWith("n 8 vs 64"));

        assertThatThrownBy(() -> PublishedComparison.compare("run", run("DeepSeek-R1-Distill-Qwen-7B", 0.7, 4096, 64, 5, 0.56, 0.40, 0.70), null, data))
                .isInstanceOf(RunException.class)
                .hasMessage("run: not compared, the run's settings differ from the published evaluation's: aime24 vs DeepSeek-R1 README:"
                        + " problems 5 vs 30, temperature 0.7 vs 0.6, max-tokens 4096 vs 32768 (rerun with the source's settings: arbiter eval --preset NAME)");
    }

    @Test
    void rawPromptsAndStopStringsTheSourceDidNotUseAreRefused() throws Exception {
        assertThatThrownBy(() -> PublishedComparison.compare("run", run("DeepSeek-R1-Distill-Qwen-7B", 0.6, 32768, 64, 30, 0.56, 0.40, 0.70, false,
                "</think>"), null, data))
                .isInstanceOf(RunException.class)
                .hasMessageContaining("aime24 vs DeepSeek-R1 README: raw (/v1/completions) vs chat, stop </think> vs none");
    }

    @Test
    void aModelWithNoPublishedScoreIsNamedWithTheKnownOnes() throws Exception {
        RunSummary r = run("my-model", 0.6, 32768, 64, 30, 0.5, 0.4, 0.6);
        assertThatThrownBy(() -> PublishedComparison.compare("run", r, null, data)).isInstanceOf(RunException.class)
                .hasMessageStartingWith("run: no published score for my-model on aime24; pass --published-model NAME, one of: DeepSeek-R1, ");
        // naming the published model compares the run with it
        assertThat(only(PublishedComparison.compare("run", r, "DeepSeek-R1-Distill-Qwen-7B", data)).verdict())
                .isEqualTo(PublishedComparison.Verdict.INSIDE);
    }

    @Test
    void aSourceWithoutSettingsIsComparedWithThatSaid() throws Exception {
        var r = PublishedComparison.compare("run", run("T1 (Qwen2.5-32B)", 0.6, 32768, 64, 30, 0.5, 0.4, 0.6), null, data);
        assertThat(only(r).verdict()).isEqualTo(PublishedComparison.Verdict.INSIDE);
        assertThat(only(r).notes()).anyMatch(n -> n.startsWith("the source publishes no settings"));
    }
}
