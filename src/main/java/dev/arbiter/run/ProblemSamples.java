package dev.arbiter.run;

import dev.arbiter.verify.Outcome;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graded samples of one problem, with the labels a report may break down by (subject, level,
 * difficulty). Samples of one answer cluster must agree on correctness: they hold equivalent answers.
 */
public record ProblemSamples(String problemId, Map<String, String> labels, List<Sample> samples) {
    public ProblemSamples {
        labels = Map.copyOf(labels);
        samples = List.copyOf(samples);
        Set<Integer> seen = new HashSet<>();
        Map<Integer, Outcome> clusterOutcome = new java.util.HashMap<>();
        for (Sample s : samples) {
            if (!seen.add(s.index())) {
                throw new IllegalArgumentException(problemId + ": sample index " + s.index() + " appears twice");
            }
            if (s.cluster() != null) {
                Outcome before = clusterOutcome.putIfAbsent(s.cluster(), s.outcome());
                if (before != null && before != s.outcome()) {
                    throw new IllegalArgumentException(problemId + ": answer cluster " + s.cluster() + " holds both correct and wrong samples");
                }
            }
        }
    }
}
