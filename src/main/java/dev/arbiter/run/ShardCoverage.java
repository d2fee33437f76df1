package dev.arbiter.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How much of a sharded run the store holds: the run's slots, and those still without a completion
 * by the shard that owns them ({@link RunPart.Shard#owner}). A missing slot is never scored: whatever
 * reads the whole run waits for it.
 */
public record ShardCoverage(int count, long slots, SortedMap<Integer, Integer> missingByShard) {
    public ShardCoverage {
        missingByShard = new TreeMap<>(missingByShard);
    }

    /** The coverage of every benchmark's problems × [0, n) under {@code count} shards. */
    public static ShardCoverage of(CompletionStore store, List<RunSummary.Bench> benchmarks, int n, int count) {
        SortedMap<Integer, Integer> missing = new TreeMap<>();
        long slots = 0;
        for (RunSummary.Bench b : benchmarks) {
            Map<String, Integer> position = RunPart.positions(b.problemIds());
            slots += (long) b.problemIds().size() * n;
            for (SampleSlot s : store.missing(b.generationHash(), b.problemIds(), n)) {
                missing.merge(RunPart.Shard.owner(position.get(s.problemId()), s.sampleIndex(), count), 1, Integer::sum);
            }
        }
        return new ShardCoverage(count, slots, missing);
    }

    public int missing() {
        return missingByShard.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean complete() {
        return missingByShard.isEmpty();
    }

    /** One line: which shards have not finished, how many slots each lacks, and what to do. */
    public String line() {
        if (complete()) {
            return "all " + slots + " slots of the run's " + count + " shards are stored";
        }
        String tail = " slots are missing";
        if (missingByShard.size() == 1) {
            int i = missingByShard.firstKey();
            return "shard " + i + " of " + count + " has not finished: " + missing() + " of " + slots + tail + "; run it again (--shard " + i + "/"
                    + count + " resumes from the store); a missing slot is never scored as wrong";
        }
        List<String> each = missingByShard.entrySet().stream().map(e -> "shard " + e.getKey() + ": " + e.getValue()).toList();
        return "shards " + String.join(", ", missingByShard.keySet().stream().map(String::valueOf).toList()) + " of " + count + " have not finished: "
                + missing() + " of " + slots + tail + " (" + String.join(", ", each) + "); run them again (--shard I/" + count
                + " resumes each from the store); a missing slot is never scored as wrong";
    }

    /**
     * Refuses a shard's folder, read as a run ({@code arbiter report}, {@code arbiter scale}), while any
     * slot of the whole run is missing, naming the shards that lack them; a whole run passes.
     *
     * @throws RunException naming the missing shards and slots
     */
    public static void requireAllShards(Path dir, RunSummary run, CompletionStore store) {
        RunPart.Shard shard = run.config().shard();
        if (shard == null) {
            return;
        }
        ShardCoverage c = of(store, run.config().benchmarks(), run.n(), shard.count());
        if (!c.complete()) {
            throw new RunException(dir + " is " + shard.label() + "'s folder, and the whole run cannot be read yet: " + c.line());
        }
    }
}
