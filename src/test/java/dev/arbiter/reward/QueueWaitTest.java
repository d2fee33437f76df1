package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.Verdict;
import dev.arbiter.verify.math.MathVerifier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Time an item lost in the queue is the service's, not the response's: a timeout it caused earns no reward, not 0. */
class QueueWaitTest {
    static MathVerifier verifier;
    static RewardScorer scorer;
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

    static Verdict timedOut(Outcome o) {
        return new Verdict(o, null, "deadline of 5000 ms passed", null, 0);
    }

    @Test
    void aTimeoutUnderALimitTheQueueShortenedIsNoVerdict() {
        for (Outcome o : new Outcome[] {Outcome.VERIFIER_TIMEOUT, Outcome.PROGRAM_TIMEOUT}) {
            Verdict v = RewardScorer.queueCut(timedOut(o), o, true, ms(29_997));
            assertThat(v.outcome()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
            assertThat(v.reason()).isEqualTo(o.label() + " under a limit cut short by 29997 ms in the queue (deadline of 5000 ms passed)");
        }
    }

    @Test
    void aTimeoutUnderTheItemsOwnLimitIsTheResponses() {
        // Given all of its limit, running out of time is the response's verdict, paid as wrong.
        assertThat(RewardScorer.queueCut(timedOut(Outcome.VERIFIER_TIMEOUT), Outcome.VERIFIER_TIMEOUT, false, ms(29_997)).outcome())
                .isEqualTo(Outcome.VERIFIER_TIMEOUT);
        // Reading the request and handing it on take a moment: that alone does not make the timeout the queue's.
        assertThat(RewardScorer.queueCut(timedOut(Outcome.PROGRAM_TIMEOUT), Outcome.PROGRAM_TIMEOUT, true, ms(20)).outcome())
                .isEqualTo(Outcome.PROGRAM_TIMEOUT);
        // Only a timeout is read this way; another verdict under a short limit stands.
        assertThat(RewardScorer.queueCut(new Verdict(Outcome.WRONG, "4", "not equal", null, 0), Outcome.VERIFIER_TIMEOUT, true, ms(29_997))
                .outcome()).isEqualTo(Outcome.WRONG);
    }

    @Test
    void anItemThatWaitedMostOfItsDeadlineGetsNoRewardWhateverItsResponse() {
        long now = System.nanoTime();
        // It arrived 30 s ago with a 30 s deadline: the queue left the verifier 3 ms of its own 5 s, or none by the time it starts.
        RewardResult r = scorer.score(new RewardItem("w", SLOW, new RewardItem.MathTarget("x^2+1"), Shaping.DEFAULT, now + ms(3), now - ms(29_997)));
        assertThat(r.verdict()).as(r.reason()).isEqualTo(Outcome.INFRASTRUCTURE_ERROR);
        assertThat(r.scored()).isFalse();
        assertThat(r.reason()).contains("queue");
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
