package dev.arbiter.reward;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.verify.Outcome;

/**
 * The reward for one item and how it was made. {@code reward} is the sum of the four {@link Terms};
 * {@code pred} is the extracted answer (math only); {@code garbage} says why the output counted as
 * garbage, when it did. Tests counts are set for code only.
 *
 * <p>An item without a verdict (the sandbox could not grade it or this server has none, the
 * verifier broke, the item's gold is unknown) has no reward at all: {@code reward} and {@code terms}
 * are null, the verdict is {@link Outcome#INFRASTRUCTURE_ERROR} and the reason says what broke. Such
 * an item is never a reward of 0; on the wire {@code reward} is written as {@code null}.
 * {@code timed_out} is set when the program or the verifier ran out of time. On a server with an LLM judge a math result
 * names its {@code grader} and, when the judge was asked, its ruling ({@code judge}); {@code verdict} stays the rules'.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RewardResult(
        String id,
        Kind kind,
        @JsonInclude(JsonInclude.Include.ALWAYS) Double reward,
        Outcome verdict,
        String pred,
        String reason,
        Terms terms,
        @JsonProperty("format_ok") boolean formatOk,
        String garbage,
        @JsonProperty("tests_passed") Integer testsPassed,
        @JsonProperty("tests_total") Integer testsTotal,
        long micros,
        @JsonIgnore boolean lasting,
        String grader,
        Judged judge) {

    public RewardResult {
        if ((reward == null) != (terms == null)) {
            throw new IllegalArgumentException("a reward comes with its terms, and only with them");
        }
        if ((reward == null) == verdict.graded() || reason == null || (lasting && reward != null)) {
            throw new IllegalArgumentException("a verdict has a reward and an infrastructure error none; each says why");
        }
    }

    /**
     * What an LLM judge made of a math answer the rules rejected (on a server started with --judge): who judged, its outcome
     * (correct, wrong, or null: no ruling, the reason says why), its reply's last line and its reason.
     */
    public record Judged(String by, @JsonInclude(JsonInclude.Include.ALWAYS) Outcome outcome,
                         @JsonProperty("verdict_line") String verdictLine, String reason) {}

    /** A reward made of these terms. */
    static RewardResult scored(String id, Kind kind, Outcome verdict, String pred, String reason, Terms terms,
            boolean formatOk, String garbage, Integer testsPassed, Integer testsTotal, long micros) {
        return new RewardResult(id, kind, terms.sum(), verdict, pred, reason, terms, formatOk,
                garbage, testsPassed, testsTotal, micros, false, null, null);
    }

    /** This result as graded by {@code grader} ("rule" or "rule+judge"), with the judge's ruling (or null). */
    RewardResult graded(String grader, Judged judge) {
        return new RewardResult(id, kind, reward, verdict, pred, reason, terms, formatOk, garbage, testsPassed, testsTotal, micros, lasting,
                grader, judge);
    }

    /**
     * No reward: the item could not be judged; {@code reason} says why, in its own words. {@code lasting}
     * when asking again cannot help (the gold has no answer, the verifier breaks on this input), as
     * opposed to a sandbox or a queue that failed this once.
     */
    static RewardResult unscored(String id, Kind kind, String reason, boolean formatOk, String garbage, Integer testsTotal, long micros,
            boolean lasting) {
        return new RewardResult(id, kind, null, Outcome.INFRASTRUCTURE_ERROR, null, reason, null, formatOk, garbage, null,
                testsTotal, micros, lasting, null, null);
    }

    /** Whether the verifier called the response correct, or (with a judge) the judge accepted what the rules rejected. */
    @JsonProperty("acc")
    public boolean acc() {
        return verdict.correct() || (judge != null && judge.outcome() == Outcome.CORRECT);
    }

    /** Whether the program or the verifier ran out of time. */
    @JsonProperty("timed_out")
    public boolean timedOut() {
        return verdict == Outcome.PROGRAM_TIMEOUT || verdict == Outcome.VERIFIER_TIMEOUT;
    }

    /** Whether the item has a reward; false when the infrastructure could not judge it. */
    @JsonIgnore
    public boolean scored() {
        return reward != null;
    }

    /** The reward's parts, reported separately so that a trainer can log each. */
    public record Terms(double correctness, double format, double exploration, double garbage) {
        public double sum() {
            return correctness + format + exploration + garbage;
        }
    }
}
