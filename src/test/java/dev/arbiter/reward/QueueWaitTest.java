package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.math.MathVerifier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Time an item lost in the queue is the service's, not the response's: a timeout it caused earns no reward, not 0. */
class QueueWaitTest {
    static MathVerifier verifier;
    static RewardScorer scorer;
    /** Slow to compare: long enough to outlast a few milliseconds, however fast the machine. */
    static final String SLOW = "\\boxed{" + "(x+1)*".repeat(4000) + "1}";

    @BeforeAll
    static void start() {
        verifier = new MathVerifier();
        scorer = new RewardScorer(verifier, null, null);
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    @Test
    void aTimeoutUnderALimitTheQueueShortenedIsNoVerdict() {
        long now = System.nanoTime();
        // It arrived 30 s ago with a 30 s deadline: the queue left the verifier 3 ms of its own 5 s.
        RewardItem waited = new RewardItem("w", SLOW, new RewardItem.MathTarget("x^2+1"), Shaping.DEFAULT, now + ms(3), now - ms(29_997));
        RewardResult r = scorer.score(waited);
        assertThat(r.verdict()).as(r.reason()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
        assertThat(r.scored()).isFalse();
        assertThat(r.reason()).startsWith("verifier_timeout under a limit cut short by ").contains("ms in the queue");
    }

    @Test
    void aTimeoutUnderTheItemsOwnLimitIsTheResponses() {
        long now = System.nanoTime();
        // Asked for 3 ms and given all of it: running out of time is the response's verdict, paid as wrong.
        RewardItem own = new RewardItem("o", SLOW, new RewardItem.MathTarget("x^2+1"), Shaping.DEFAULT, now + ms(3), now);
        RewardResult r = scorer.score(own);
        assertThat(r.verdict()).as(r.reason()).isEqualTo(Outcome.VERIFIER_TIMEOUT);
        assertThat(r.reward()).isEqualTo(0.0);
        assertThat(r.timedOut()).isTrue();
    }

    @Test
    void anItemWhoseDeadlinePassedInTheQueueIsNoVerdict() {
        long now = System.nanoTime();
        RewardResult r = scorer.score(new RewardItem("late", "\\boxed{1}", new RewardItem.MathTarget("1"), Shaping.DEFAULT, now - 1, now - ms(50)));
        assertThat(r.verdict()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
        assertThat(r.reward()).isNull();
        assertThat(r.reason()).isEqualTo("the item's deadline passed while it waited in the queue");
    }

    private static long ms(long m) {
        return TimeUnit.MILLISECONDS.toNanos(m);
    }
}
