package dev.arbiter.verify.code;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TolerantCheckerTest {
    @Test
    void whitespaceAndCaseDoNotMatter() {
        assertThat(TolerantChecker.matches("YES\n  no \n", "yes no")).isTrue();
        assertThat(TolerantChecker.matches("1\t2\r\n3", "1 2 3\n")).isTrue();
    }

    @Test
    void numbersWithinOneHundredThousandthMatch() {
        assertThat(TolerantChecker.matches("0.333333", "0.3333333333")).isTrue();
        assertThat(TolerantChecker.matches("0.33332", "0.33334")).isFalse();
        assertThat(TolerantChecker.matches("1e3", "1000")).isTrue();
    }

    @Test
    void tokenCountsMustAgree() {
        assertThat(TolerantChecker.matches("1 2", "1 2 3")).isFalse();
        assertThat(TolerantChecker.matches("", "")).isTrue();
        assertThat(TolerantChecker.matches("abc", "abd")).isFalse();
    }
}
