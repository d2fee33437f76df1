package dev.arbiter.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which drawing failures are a machine without fonts (said in one line, with the cure) and which are
 * faults to be reported as they are. The font failures are the JDK's own messages, as seen on a bare
 * GPU host and in slim containers; a whole JVM without fonts cannot be made inside this one.
 */
class CurvePlotTest {
    @Test
    void theFontSystemsFailuresAreToldApartFromOtherFaults() {
        assertThat(CurvePlot.fontless(new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration"))).isTrue();
        assertThat(CurvePlot.fontless(new Error("Probable fatal error:No fonts found."))).isTrue();
        assertThat(CurvePlot.fontless(new IllegalStateException("drawing", new UnsatisfiedLinkError("libfontmanager.so: cannot open")))).isTrue();
        RuntimeException inside = new NullPointerException();
        inside.setStackTrace(new StackTraceElement[] {new StackTraceElement("sun.font.FontDesignMetrics", "getMetrics", null, 1)});
        assertThat(CurvePlot.fontless(inside)).isTrue();

        assertThat(CurvePlot.fontless(new IllegalArgumentException("A positive range is required"))).isFalse();
        assertThat(CurvePlot.fontless(new NoClassDefFoundError("org/jfree/chart/axis/ValueAxis"))).isFalse();
        assertThat(CurvePlot.fontless(new OutOfMemoryError("Java heap space"))).isFalse();
    }
}
