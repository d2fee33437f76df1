package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HfSpecTest {
    @Test
    void everyPartIsOptionalButTheRepo() {
        assertThat(HfSpec.parse("hf:openai/gsm8k")).isEqualTo(new HfSpec("openai/gsm8k", null, null, null, Map.of(), null));
        assertThat(HfSpec.parse("hf:openai/gsm8k:main/test"))
                .isEqualTo(new HfSpec("openai/gsm8k", null, "main", "test", Map.of(), null));
        assertThat(HfSpec.parse("hf:MathArena/hmmt_feb_2025@v1.2/train"))
                .isEqualTo(new HfSpec("MathArena/hmmt_feb_2025", "v1.2", null, "train", Map.of(), null));
        HfSpec full = HfSpec.parse("hf:org/name.v2@refs/convert/parquet:socratic/test?prompt=question&kind=code&id=meta.uid");
        assertThat(full).isEqualTo(new HfSpec("org/name.v2", "refs/convert/parquet", "socratic", "test",
                Map.of("prompt", "question", "id", "meta.uid"), UserKind.CODE));
        assertThat(full.revisionOrMain()).isEqualTo("refs/convert/parquet");
        assertThat(HfSpec.parse("hf:a/b").revisionOrMain()).isEqualTo("main");
        // Multiple choice rides in the name like the other kinds, so a run records it.
        HfSpec choice = HfSpec.parse("hf:Idavidrein/gpqa:gpqa_diamond/train?kind=choice&prompt=Question");
        assertThat(choice.kind()).isEqualTo(UserKind.CHOICE);
        assertThat(HfSpec.parse(choice.name()).kind()).isEqualTo(UserKind.CHOICE);
    }

    @Test
    void theNameRoundTripsWithTheMappingSortedAndMathLeftOut() {
        String sha = "0123456789abcdef0123456789abcdef01234567";
        HfSpec s = HfSpec.parse("hf:org/ds@" + sha + ":cfg/test?prompt=my%20question&answer=a.b&kind=math");
        assertThat(s.pinned()).isTrue();
        assertThat(s.name()).isEqualTo("hf:org/ds@" + sha + ":cfg/test?answer=a.b&prompt=my+question");
        assertThat(HfSpec.parse(s.name())).isEqualTo(s.resolved(sha, "cfg", "test", Map.of("answer", "a.b", "prompt", "my question"), null));
        assertThat(HfSpec.parse("hf:org/ds@main").pinned()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hf:gsm8k | got no ORG/",
            "hf:org/ds@ | got an empty revision",
            "hf:org/ds@:cfg | got an empty revision",
            "hf:org/ds: | got an empty config",
            "hf:org/ds:cfg/ | got an empty split",
            "hf:org/ds/test/extra | expected hf:ORG/NAME[@REVISION][:CONFIG][/SPLIT]",
            "hf:/ds | expected hf:ORG/NAME",
            "hf:org/ds?prompt | 'prompt' after '?' should look like ours=theirs",
            "hf:org/ds?kind=essay | unknown kind 'essay'",
            "jsonl:x | is not a Hugging Face dataset name"})
    void aBadNameSaysWhatIsExpectedInOneLine(String name, String message) {
        assertThatThrownBy(() -> HfSpec.parse(name)).isInstanceOf(BenchmarkException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
