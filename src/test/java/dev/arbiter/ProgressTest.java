package dev.arbiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Progress where stderr is not a terminal: whole lines, no more often than asked, and always a last one. */
class ProgressTest {
    @Test
    void plainLinesAreThrottledAndTheLastIsNeverLost() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress.PlainLines lines = new Progress.PlainLines(new PrintStream(bytes, true, StandardCharsets.UTF_8), Duration.ofHours(1));
        lines.accept("math500   0% [   ] 0/10");
        lines.accept("math500  50% [=> ] 5/10");
        lines.accept("math500 100% [===] 10/10\r");
        lines.close();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("math500   0% [   ] 0/10", "math500 100% [===] 10/10");
    }

    @Test
    void controlCharactersAndEscapesAreDropped() {
        assertThat(Progress.PlainLines.clean("\rtask \u001B[33m 40%\u001B[0m [==  ]\n")).isEqualTo("task  40% [==  ]");
    }

    @Test
    void underTheTestRunnerStderrIsNotATerminal() {
        // surefire hands the forked JVM a pipe, never a terminal: the place where bars must not be drawn
        assertThat(Progress.stderrIsTerminal()).isFalse();
    }
}
