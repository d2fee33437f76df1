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
        List<MissingSamples> missing) {}
