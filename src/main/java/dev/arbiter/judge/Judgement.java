package dev.arbiter.judge;

import dev.arbiter.verify.Outcome;

/**
 * What the judge made of one response. {@code outcome} is {@link Outcome#CORRECT} (accepted) or {@link Outcome#WRONG}
 * (rejected), or null when there is no judge verdict: the reply could not be read ({@code failed} false; the reply is kept,
 * since the same prompt at temperature 0 gets the same reply) or the request failed past its retries ({@code failed} true;
 * asked again next run). No verdict is never wrong and never correct. {@code verdictLine} is the reply's last line as written
 * (null when no reply came); {@code reason} is the judge's own reasoning, or why there is no verdict.
 */
public record Judgement(Outcome outcome, String verdictLine, String reason, boolean failed) {
    public Judgement {
        if (outcome != null && outcome != Outcome.CORRECT && outcome != Outcome.WRONG) {
            throw new IllegalArgumentException("a judge accepts or rejects; got " + outcome);
        }
        if (outcome != null && failed) {
            throw new IllegalArgumentException("a failed request has no verdict");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a judgement says why");
        }
    }

    public static Judgement failed(String cause) {
        return new Judgement(null, null, cause, true);
    }

    /** Whether the judge ruled (accepted or rejected). */
    public boolean ruled() {
        return outcome != null;
    }

    public boolean accepted() {
        return outcome == Outcome.CORRECT;
    }
}
