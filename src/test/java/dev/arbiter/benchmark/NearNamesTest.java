package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearNamesTest {
    private static final List<String> KNOWN = List.of("aime24", "aime25", "amc23", "math500", "omni_math", "omni_math_500", "livecodebench");

    @Test
    void typosAndSpellingsFindTheirBenchmark() {
        assertThat(NearNames.near("math5000", KNOWN)).containsExactly("math500");
        assertThat(NearNames.near("MATH500", KNOWN)).first().isEqualTo("math500");
        assertThat(NearNames.near("omni-math", KNOWN)).first().isEqualTo("omni_math");
        assertThat(NearNames.near("aime2024", KNOWN)).first().isEqualTo("aime24");
        assertThat(NearNames.near("aime", KNOWN)).contains("aime24", "aime25").doesNotContain("amc23");
        assertThat(NearNames.near("livecode", KNOWN)).containsExactly("livecodebench");
    }

    @Test
    void farNamesGetNoSuggestion() {
        assertThat(NearNames.near("gsm8k", KNOWN)).isEmpty();
        assertThat(NearNames.didYouMean("gsm8k", KNOWN)).isEmpty();
        assertThat(NearNames.didYouMean("amc22", KNOWN)).isEqualTo(" (did you mean 'amc23'?)");
    }

    @Test
    void aSwapOfNeighboursIsOneEdit() {
        assertThat(NearNames.distance("mtah500", "math500")).isEqualTo(1);
        assertThat(NearNames.distance("", "abc")).isEqualTo(3);
        assertThat(NearNames.distance("kitten", "sitting")).isEqualTo(3);
    }
}
