package dev.arbiter.verify.code;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodeExtractorTest {
    @Test
    void takesTheLinesBetweenTheLastTwoFenceLines() {
        String out = "I think\n```python\nprint(1)\n```\nthen\n```python\nprint(2)\nprint(3)\n```\nbye";
        assertThat(CodeExtractor.extract(out)).isEqualTo("print(2)\nprint(3)");
    }

    @Test
    void aFenceAnywhereOnTheLineCountsAndTheLanguageTagIsIgnored() {
        assertThat(CodeExtractor.extract("text ```cpp\nx = 1\nend ``` text")).isEqualTo("x = 1");
    }

    @Test
    void fewerThanTwoFencesMeansNoCode() {
        assertThat(CodeExtractor.extract("print(1)")).isEmpty();
        assertThat(CodeExtractor.extract("```python\nprint(1)")).isEmpty();
    }

    @Test
    void anOddFenceCountTakesTheLastPairEvenIfItIsProse() {
        // LCB does not pair fences: with three fence lines the last two bound the code.
        String out = "```python\na = 1\n```\nprose\n```";
        assertThat(CodeExtractor.extract(out)).isEqualTo("prose");
    }
}
