package dev.arbiter.benchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pinned sample: rank the parent's problems by sha256(seed + "\n" + prompt) and keep the first
 * {@code size}, in the parent's order. Ranking by content rather than position keeps the pick stable
 * if the parent file is reordered, and anyone can recompute it without our code.
 */
final class SeededSubset {
    private SeededSubset() {}

    static List<Problem> pick(Manifest m, List<Problem> parent) {
        Manifest.Subset spec = m.subset();
        if (spec == null || !"sha256-rank".equals(spec.method())) {
            throw new IllegalStateException("manifest " + m.name() + " needs subset.method sha256-rank");
        }
        if (parent.size() < spec.size()) {
            throw new BenchmarkException(m.name() + ": parent " + m.subsetOf() + " has " + parent.size() + " problems, fewer than " + spec.size());
        }
        record Ranked(String key, int position, Problem problem) {}
        List<Ranked> ranked = new ArrayList<>(parent.size());
        for (int i = 0; i < parent.size(); i++) {
            Problem p = parent.get(i);
            ranked.add(new Ranked(Sha256.of(spec.seed() + "\n" + p.prompt()), i, p));
        }
        ranked.sort(Comparator.comparing(Ranked::key).thenComparingInt(Ranked::position));
        Set<Integer> keep = new HashSet<>();
        ranked.subList(0, spec.size()).forEach(r -> keep.add(r.position()));
        List<Problem> out = new ArrayList<>(spec.size());
        for (int i = 0; i < parent.size(); i++) {
            if (keep.contains(i)) {
                Problem p = parent.get(i);
                out.add(new Problem(p.id(), m.name(), p.prompt(), p.gold(), p.metadata()));
            }
        }
        String idsSha = idsSha256(out);
        if (spec.idsSha256() != null && !spec.idsSha256().equals(idsSha)) {
            throw new BenchmarkException(m.name() + ": the seeded pick hashes to " + idsSha + " but benchmarks/" + m.name()
                    + ".json pins " + spec.idsSha256() + " (the parent data changed)");
        }
        return out;
    }

    static String idsSha256(List<Problem> problems) {
        return Sha256.of(String.join("\n", problems.stream().map(Problem::id).toList()));
    }
}
