package dev.arbiter.run;

import java.util.List;
import java.util.Map;

/**
 * Leaderboard metrics of one benchmark (or one slice of it) at n samples per problem.
 *
 * @param passAtK     unbiased pass@k per k, only for the k every problem has enough samples for
 * @param majAtK      maj@k per k, under the same rule
 * @param unavailable why a requested k is absent from the two maps above
 * @param noAnswerRate      share of samples with no extractable answer
 * @param truncationRate    share of samples cut off at the token budget
 * @param truncatedExcluded how many truncated samples the policy left out
 * @param missing     problems with fewer generated samples than n: counted with what they have,
 *                    never divided by n
 * @param outcomes    how many samples had each outcome, by its label
 * @param extraction  math only (else null): pass@1 under both extraction modes and the boxed rate,
 *                    as lm-eval reports strict-match beside flexible-extract
 */
public record MetricSummary(
        int problems,
        int samplesPerProblem,
        TruncationPolicy truncation,
        Estimate passAt1,
        Map<Integer, Double> passAtK,
        Map<Integer, Double> majAtK,
        Map<Integer, String> unavailable,
        double noAnswerRate,
        double truncationRate,
        int truncatedExcluded,
        List<MissingSamples> missing,
        Map<String, Long> outcomes,
        Extraction extraction) {

    public MetricSummary {
        outcomes = outcomes == null ? Map.of() : Map.copyOf(outcomes);
    }

    /**
     * Pass@1 read with each extraction mode. {@code primary} names the one the leaderboard's figures use;
     * {@code boxedRate} is the share of samples with an answer in a final box.
     */
    public record Extraction(String primary, Estimate flexiblePassAt1, Estimate boxedPassAt1, double boxedRate) {}

    /** The same figures with the extraction modes' pass@1 beside them. */
    public MetricSummary withExtraction(Extraction e) {
        return new MetricSummary(problems, samplesPerProblem, truncation, passAt1, passAtK, majAtK, unavailable, noAnswerRate,
                truncationRate, truncatedExcluded, missing, outcomes, e);
    }
}
