package dev.arbiter.verify.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Past its deadline a verdict gives up, and nothing keeps burning CPU afterwards. */
@Tag("slow")
class MathDeadlineTest {

    /** CPU seconds used by this JVM and every process it started. */
    private static double cpuSeconds() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double s = os.getProcessCpuTime() / 1e9;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            s += p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        }
        return s;
    }

    /**
     * A class-data archive recorded for an earlier test's Symja child is not this verdict's work:
     * let it finish before the clock starts.
     */
    @org.junit.jupiter.api.BeforeEach
    void noArchiveBeingRecorded() throws InterruptedException {
        assertThat(SymjaPool.awaitTraining(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Waits up to 10 s for a 0.5 s window in which less than a tenth of a core is busy; returns that share.
     * Work that never stops fails it; the start of the Symja child that replaces one killed at its deadline
     * (a JVM starting, a core or two for a second or more on a loaded machine) does not.
     */
    private static double idleShare() throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        double share = 1;
        while (System.nanoTime() < end) {
            double c0 = cpuSeconds();
            long t0 = System.nanoTime();
            Thread.sleep(500);
            share = (cpuSeconds() - c0) / ((System.nanoTime() - t0) / 1e9);
            if (share < 0.1) {
                return share;
            }
        }
        return share;
    }

    @Test
    void aVerdictPastItsDeadlineSaysSoAndLeavesTheCpuIdle() throws Exception {
        try (MathVerifier v = new MathVerifier(MathConfig.defaults().withDeadline(Duration.ofMillis(20)))) {
            String longOutput = "We work it out step by step. ".repeat(40_000) + "\\boxed{42}";
            long t0 = System.nanoTime();
            MathVerdict r = v.verify("42", longOutput);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("deadline 20 ms on a 1.2 MB output: %d ms, equal=%s timed_out=%s (%s)%n", ms, r.equal(),
                    r.timedOut(), r.reason());
            assertThat(r.timedOut()).isTrue();
            assertThat(r.equal()).isFalse();
            assertThat(ms).isLessThan(520);
            double share = idleShare();
            System.out.printf("cpu share afterwards: %.3f of a core%n", share);
            assertThat(share).isLessThan(0.1);
        }
    }

    @Test
    void symjaWorkPastTheDeadlineIsStoppedAndTheCpuIsIdleAgain() throws Exception {
        try (MathVerifier v = new MathVerifier(MathConfig.defaults().withDeadline(Duration.ofSeconds(1)))) {
            // start a Symja child first, so that only the slow simplification is left to stop
            // (a generous deadline: on a fresh machine the first child also records its class-data archive)
            MathVerdict warm = v.verify("x^2-1", "$(x-1)(x+1)$", MathConfig.defaults().withDeadline(Duration.ofSeconds(60)));
            assertThat(warm.reason()).isEqualTo("symja");
            long t0 = System.nanoTime();
            MathVerdict r = v.verify("\\sin(x)^{200}", "$(1-\\cos(x)^2)^{100}$");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("sin^200 vs (1-cos^2)^100 with a 1 s deadline: %d ms, equal=%s (%s)%n", ms, r.equal(), r.reason());
            assertThat(ms).isLessThanOrEqualTo(1500);
            // Symja gave up at its budget (it reports a timeout, or "unknown" when it stopped itself);
            // the numeric check at the sample points decided
            assertThat(r.reason()).matches("numeric \\(symja (timeout|unknown)\\)");
            assertThat(r.equal()).isTrue();
            double share = idleShare();
            System.out.printf("cpu share afterwards (this JVM and its Symja children): %.3f of a core%n", share);
            assertThat(share).isLessThan(0.1);
        }
    }
}
