package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.testing.Postgres;
import dev.arbiter.verify.Outcome;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge's rulings in the store, SQLite and PostgreSQL: kept once per (judge, problem, response), the first standing. */
class JudgementStoreTest {
    @TempDir
    Path dir;

    private static void keepsRulings(String location) {
        String judge = "referee-" + UUID.randomUUID();
        try (CompletionStore st = CompletionStore.open(location)) {
            assertThat(st.judgement(judge, "p", "r1")).isEmpty();
            st.putJudgement(judge, "p", "r1", "q1", new CompletionStore.StoredJudgement(Outcome.CORRECT, "CORRECT", "same value"));
            st.putJudgement(judge, "p", "r1", "q1", new CompletionStore.StoredJudgement(Outcome.WRONG, "INCORRECT", "a second reply"));
            st.putJudgement(judge, "p", "r2", "q1", new CompletionStore.StoredJudgement(null, "maybe", "unparseable judge reply: 'maybe'"));
            assertThatThrownBy(() -> st.putJudgement(judge, "p", "r3", "q1", new CompletionStore.StoredJudgement(Outcome.NO_ANSWER, "x", "y")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (CompletionStore st = CompletionStore.open(location)) {
            assertThat(st.judgement(judge, "p", "r1")).contains(new CompletionStore.StoredJudgement(Outcome.CORRECT, "CORRECT", "same value"));
            assertThat(st.judgement(judge, "p", "r2")).contains(new CompletionStore.StoredJudgement(null, "maybe", "unparseable judge reply: 'maybe'"));
            assertThat(st.judgement(judge + " other", "p", "r1")).isEmpty();
            assertThat(st.judgement(judge, "other problem", "r1")).isEmpty();
        }
    }

    @Test
    void sqliteKeepsTheFirstRulingPerJudgeProblemAndResponse() {
        keepsRulings(dir.resolve("store.db").toString());
    }

    @Test
    void postgresKeepsTheFirstRulingPerJudgeProblemAndResponse() {
        keepsRulings(Postgres.url());
    }
}
