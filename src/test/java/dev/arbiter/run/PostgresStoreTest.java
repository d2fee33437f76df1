package dev.arbiter.run;

import dev.arbiter.verify.Outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.testing.Postgres;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The completion store on a real PostgreSQL server, for teams sharing one leaderboard and for a run's
 * shards. Runs when ARBITER_TEST_POSTGRES holds a JDBC URL (`.ci/run` starts a server and sets it);
 * skipped otherwise, except in CI.
 * Each test uses a model name of its own, so runs against the same database never collide.
 */
class PostgresStoreTest {
    static String url;

    @BeforeAll
    static void server() {
        url = Postgres.url();
    }

    private static GenerationSpec spec() {
        return new GenerationSpec("pg-" + UUID.randomUUID(), "{problem}", true, 0.6, 0.95, 1024, 0, List.of());
    }

    private static Completion c(String problem, int i) {
        return new Completion(problem, i, "sample " + i, i % 2 == 0 ? "stop" : "length", 3, 4);
    }

    @Test
    void eachSlotOnceMissingSlotsAndARunThatGrows() {
        try (CompletionStore store = CompletionStore.open(url)) {
            String h = store.register(spec());
            assertThat(store.put(h, c("a", 0))).isTrue();
            assertThat(store.put(h, c("a", 0))).isFalse();
            assertThat(store.missing(h, List.of("a", "b"), 2)).containsExactly(new SampleSlot("a", 1), new SampleSlot("b", 0), new SampleSlot("b", 1));
            store.missing(h, List.of("a", "b"), 2).forEach(s -> store.put(h, c(s.problemId(), s.sampleIndex())));
            assertThat(store.missing(h, List.of("a", "b"), 4)).hasSize(4).allMatch(s -> s.sampleIndex() >= 2);
            assertThat(store.completions(h, "a")).extracting(Completion::truncated).containsExactly(false, true);
            assertThat(store.count(h)).isEqualTo(4);
        }
    }

    @Test
    void verdictsAreReplacedPerVerifierAndSurviveReconnecting() {
        String h;
        try (CompletionStore store = CompletionStore.open(url)) {
            h = store.register(spec());
            store.put(h, c("a", 0));
            store.putVerdict(h, "a", 0, "v1", Outcome.WRONG, "3", "first");
            store.putVerdicts(h, "a", "v1", List.of(new CompletionStore.VerdictRow(0, Outcome.CORRECT, "4", "again")));
            store.putVerdict(h, "a", 0, "v2", Outcome.NO_ANSWER, null, null);
        }
        try (CompletionStore store = CompletionStore.open(url)) {
            assertThat(store.verdictsWithAnswers(h, "a", "v1").get(0)).isEqualTo(new StoredVerdict(Outcome.CORRECT, "4", "again"));
            assertThat(store.verdict(h, "a", 0, "v2")).contains(Outcome.NO_ANSWER);
        }
    }

    @Test
    void storesOpenedAtOnceOnAnEmptyDatabaseAllGetTheirTables() throws Exception {
        // CREATE TABLE IF NOT EXISTS is not safe against itself in PostgreSQL: N shards starting together on a new database raced
        for (int round = 0; round < 10; round++) {
            String schema = Postgres.newSchema("race");
            String at = Postgres.inSchema(url, schema);
            try {
                int opens = 8;
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(opens);
                List<java.util.concurrent.Future<Boolean>> all = new java.util.ArrayList<>();
                try (var ex = java.util.concurrent.Executors.newFixedThreadPool(opens)) {
                    for (int i = 0; i < opens; i++) {
                        int shard = i;
                        all.add(ex.submit(() -> {
                            together.await();
                            try (CompletionStore store = CompletionStore.open(at)) {
                                String h = store.register(new GenerationSpec("one-run", "{problem}", true, 0.6, 0.95, 1024, 0, List.of()));
                                return store.put(h, c("p", shard));
                            }
                        }));
                    }
                }
                for (var f : all) {
                    assertThat(f.get()).isTrue();
                }
                try (CompletionStore store = CompletionStore.open(at)) {
                    String h = new GenerationSpec("one-run", "{problem}", true, 0.6, 0.95, 1024, 0, List.of()).hash();
                    assertThat(store.count(h)).isEqualTo(opens);
                }
            } finally {
                Postgres.drop(url, schema);
            }
        }
    }

    @Test
    void anUnregisteredSpecIsRefused() {
        try (CompletionStore store = CompletionStore.open(url)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put("not-a-hash", c("a", 0)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("jdbc:postgresql:");
        }
    }
}
