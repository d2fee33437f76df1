package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped presets: each setting sourced, per-benchmark values resolved, and values quoted so a shell reads them back. */
class PresetTest {
    private static Map<String, String> values(List<Preset.Setting> settings) {
        return settings.stream().collect(Collectors.toMap(Preset.Setting::option, Preset.Setting::shown));
    }

    @Test
    void everySettingNamesASourceWithAnAddressAndSaysWhere() {
        assertThat(Preset.names()).containsExactly("deepseek-r1", "skythought", "qwen2.5-math");
        for (Preset p : Preset.all()) {
            assertThat(p.title()).as(p.name()).isNotBlank();
            assertThat(p.settings()).as(p.name()).isNotEmpty();
            assertThat(p.sources().values()).as(p.name()).allMatch(u -> u.startsWith("https://github.com/") || u.startsWith("https://arxiv.org/"));
            for (Preset.Setting s : p.settings()) {
                assertThat(p.sources()).as(p.name() + " " + s.flag()).containsKey(s.source());
                assertThat(s.where()).as(p.name() + " " + s.flag()).isNotBlank();
                assertThat(s.value()).as(p.name() + " " + s.flag()).isNotNull();
            }
        }
    }

    @Test
    void deepSeekR1IsTheReadmesSettingsWithTheWindowOnlyForLiveCodeBench() {
        Preset r1 = Preset.named("deepseek-r1");
        Map<String, String> aime = values(r1.resolve(List.of("aime24")));
        assertThat(aime).containsExactlyInAnyOrderEntriesOf(Map.of("temperature", "0.6", "top-p", "0.95", "n", "64", "max-tokens", "32768",
                "template", "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{}."));
        assertThat(aime.get("template")).isEqualTo(PromptTemplates.MATH); // the default prompt, so runs with and without the preset share samples
        assertThat(values(r1.resolve(List.of("livecodebench")))).containsEntry("from", "2024-08-01").containsEntry("to", "2025-01-31");
        assertThat(r1.sourceOf(r1.settings().getFirst())).contains("deepseek-ai/DeepSeek-R1/blob/00f3296a14392e787d4138b5a0d8ce0e55a25b23");
    }

    @Test
    void skyThoughtSamplesAimeAtSevenTenthsAndRefusesToMixItWithAGreedyBenchmark() {
        Preset sky = Preset.named("skythought");
        assertThat(values(sky.resolve(List.of("aime24")))).containsEntry("temperature", "0.7").containsEntry("n", "1").containsEntry("top-p", "1.0");
        assertThat(values(sky.resolve(List.of("math500")))).containsEntry("temperature", "0.0");
        assertThat(values(sky.resolve(List.of()))).containsEntry("temperature", "0.0"); // the user's own files: the general value
        assertThatThrownBy(() -> sky.resolve(List.of("aime24", "math500")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preset skythought sets --temperature 0.7 for aime24, --temperature 0.0 for math500; run those benchmarks separately");
    }

    @Test
    void qwenSendsItsOwnChatMarkupRawWithItsStopWords() {
        Map<String, String> q = values(Preset.named("qwen2.5-math").resolve(List.of("math500")));
        assertThat(q).containsEntry("raw", "true").containsEntry("stop", "</s>,<|im_end|>,<|endoftext|>").containsEntry("max-tokens", "2048")
                .containsEntry("temperature", "0.0");
        assertThat(q.get("template")).startsWith("<|im_start|>system\nPlease reason step by step").contains("<|im_start|>user\n{problem}<|im_end|>");
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Preset.named("deepseek"))
                .hasMessage("unknown preset 'deepseek'; known: deepseek-r1, skythought, qwen2.5-math (`arbiter eval --preset list` shows them)");
    }

    @Test
    void quotedWordsReadBackExactlyThroughBash() throws Exception {
        List<String> words = List.of("plain-1.5", "with space", "it's", "{problem}\n\nPlease reason, and put it within \\boxed{}.", "tab\there",
                "<|im_end|>", "$HOME `x` \"q\"");
        for (String w : words) {
            Process p = new ProcessBuilder("bash", "-c", "printf %s " + Preset.quoted(w)).redirectErrorStream(true).start();
            String back = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            assertThat(back).as(Preset.quoted(w)).isEqualTo(w);
        }
        assertThat(Preset.quoted("0.95")).isEqualTo("0.95");
    }
}
