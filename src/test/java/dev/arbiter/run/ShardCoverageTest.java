package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reading a sharded run says while shards have not finished: which shards, and how many slots each lacks. */
class ShardCoverageTest {
    @TempDir
    Path dir;

    @Test
    void missingSlotsAreNamedByTheShardThatOwnsThem() {
        GenerationSpec spec = CompletionStoreTest.spec(0.6);
        List<String> ids = List.of("a", "b", "c", "d", "e");
        int n = 4;
        List<RunSummary.Bench> run = List.of(new RunSummary.Bench("five", ids.size(), spec.hash(), "arbiter-math/2", ids));
        try (CompletionStore store = CompletionStore.open(dir.resolve("store.db"))) {
            String hash = store.register(spec);
            ShardCoverage empty = ShardCoverage.of(store, run, n, 3);
            assertThat(empty.missing()).isEqualTo(20);
            assertThat(empty.missingByShard()).containsOnlyKeys(0, 1, 2);

            List<SampleSlot> all = store.missing(hash, ids, n);
            RunPart.Shard one = new RunPart.Shard(1, 3);
            List<SampleSlot> ofOne = one.slice(ids, all);
            for (SampleSlot s : all) {
                if (!ofOne.contains(s) || s.problemId().compareTo("c") < 0) { // shard 1 stopped after problem b
                    store.put(hash, new Completion(s.problemId(), s.sampleIndex(), "x", "stop", 1, 1));
                }
            }
            ShardCoverage c = ShardCoverage.of(store, run, n, 3);
            long lacking = ofOne.stream().filter(s -> s.problemId().compareTo("c") >= 0).count();
            assertThat(lacking).isPositive();
            assertThat(c.missingByShard()).isEqualTo(Map.of(1, (int) lacking));
            assertThat(c.complete()).isFalse();
            assertThat(c.line()).isEqualTo("shard 1 of 3 has not finished: " + lacking + " of 20 slots are missing; run it again (--shard 1/3 resumes"
                    + " from the store); a missing slot is never scored as wrong");
            // the same store read as 2 shards names the shards of that slicing
            assertThat(ShardCoverage.of(store, run, n, 2).missing()).isEqualTo((int) lacking);

            ofOne.forEach(s -> store.put(hash, new Completion(s.problemId(), s.sampleIndex(), "x", "stop", 1, 1)));
            ShardCoverage done = ShardCoverage.of(store, run, n, 3);
            assertThat(done.complete()).isTrue();
            assertThat(done.line()).isEqualTo("all 20 slots of the run's 3 shards are stored");
        }
    }

    @Test
    void twoShardsMissingAreBothNamed() {
        GenerationSpec spec = CompletionStoreTest.spec(0.7);
        List<String> ids = List.of("a", "b");
        try (CompletionStore store = CompletionStore.open(dir.resolve("store.db"))) {
            String hash = store.register(spec);
            store.put(hash, new Completion("a", 0, "x", "stop", 1, 1)); // shard 0 of 3 owns a#0 and b#2
            store.put(hash, new Completion("b", 2, "x", "stop", 1, 1));
            ShardCoverage c = ShardCoverage.of(store, List.of(new RunSummary.Bench("two", 2, hash, "arbiter-math/2", ids)), 3, 3);
            assertThat(c.missingByShard()).isEqualTo(Map.of(1, 2, 2, 2));
            assertThat(c.line()).isEqualTo("shards 1, 2 of 3 have not finished: 4 of 6 slots are missing (shard 1: 2, shard 2: 2); run them again"
                    + " (--shard I/3 resumes each from the store); a missing slot is never scored as wrong");
        }
    }
}
