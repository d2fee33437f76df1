package dev.arbiter.train.data;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Gold;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.verify.code.CodeGrader;

/**
 * One generation offered for SFT data: the prompt it answers, the response, and what the response is
 * checked against. {@code unreadable} is non-null (and the rest may be missing) for an input line that
 * could not be read; it is rejected as unparseable with that reason rather than stopping the run.
 *
 * @param source the benchmark or the line's own "source"; stats.json counts per source
 * @param truncated the generation hit max_tokens (known only for eval runs); never kept
 */
public record Candidate(String id, String source, String prompt, String response, Gold gold, CodeGrader.Kind grader, boolean truncated,
                        String unreadable) {

    public static Candidate math(String id, String source, String prompt, String response, String answer) {
        return new Candidate(id, source, prompt, response, new MathAnswer(answer, null), null, false, null);
    }

    public static Candidate of(String id, String source, String prompt, String response, Gold gold, CodeGrader.Kind grader, boolean truncated) {
        return new Candidate(id, source, prompt, response, gold, gold instanceof CodeTests && grader == null ? CodeGrader.Kind.LIVECODEBENCH : grader,
                truncated, null);
    }

    public static Candidate unreadable(String id, String source, String reason) {
        return new Candidate(id, source, null, null, null, null, false, reason);
    }
}
