package dev.arbiter.run;

import dev.arbiter.verify.Outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionStoreTest {
    @TempDir
    Path dir;

    static GenerationSpec spec(double temperature) {
        return new GenerationSpec("qwen-7b", "{problem}\nPut the final answer in \\boxed{}.", true, temperature, 0.95, 32768, 1234, List.of("</answer>"));
    }

    private static Completion c(String problem, int i) {
        return new Completion(problem, i, "sample " + i + " of " + problem, "stop", 12, 300);
    }

    @Test
    void eachSlotIsStoredOnceAndOnlyTheRestIsMissing() {
        try (CompletionStore store = CompletionStore.open(dir.resolve("run.db"))) {
            String h = store.register(spec(0.6));
            assertThat(store.put(h, c("a", 0))).isTrue();
            assertThat(store.put(h, c("a", 2))).isTrue();
            assertThat(store.put(h, new Completion("a", 0, "a second answer", "stop", 1, 1))).isFalse();
            assertThat(store.completions(h, "a")).extracting(Completion::text).containsExactly("sample 0 of a", "sample 2 of a");
            assertThat(store.missing(h, List.of("a", "b"), 3)).containsExactly(
                    new SampleSlot("a", 1), new SampleSlot("b", 0), new SampleSlot("b", 1), new SampleSlot("b", 2));
        }
    }

    @Test
    void raisingNAsksOnlyForTheNewSamples() {
        try (CompletionStore store = CompletionStore.open(dir.resolve("run.db"))) {
            String h = store.register(spec(0.6));
            List<String> problems = List.of("a", "b", "c");
            store.missing(h, problems, 4).forEach(s -> store.put(h, c(s.problemId(), s.sampleIndex())));
            assertThat(store.missing(h, problems, 4)).isEmpty();
            List<SampleSlot> more = store.missing(h, problems, 8);
            assertThat(more).hasSize(12).allMatch(s -> s.sampleIndex() >= 4 && s.sampleIndex() < 8);
        }
    }

    @Test
    void anyChangeToSamplingIsANewKey() {
        GenerationSpec base = spec(0.6);
        assertThat(spec(0.6).hash()).isEqualTo(base.hash());
        List<GenerationSpec> changed = List.of(
                new GenerationSpec("qwen-14b", base.promptTemplate(), true, 0.6, 0.95, 32768, 1234, base.stop()),
                new GenerationSpec(base.model(), base.promptTemplate() + " ", true, 0.6, 0.95, 32768, 1234, base.stop()),
                new GenerationSpec(base.model(), base.promptTemplate(), false, 0.6, 0.95, 32768, 1234, base.stop()),
                spec(0.0),
                new GenerationSpec(base.model(), base.promptTemplate(), true, 0.6, 1.0, 32768, 1234, base.stop()),
                new GenerationSpec(base.model(), base.promptTemplate(), true, 0.6, 0.95, 16384, 1234, base.stop()),
                new GenerationSpec(base.model(), base.promptTemplate(), true, 0.6, 0.95, 32768, 7, base.stop()),
                new GenerationSpec(base.model(), base.promptTemplate(), true, 0.6, 0.95, 32768, 1234, List.of()));
        assertThat(changed.stream().map(GenerationSpec::hash).distinct()).hasSize(changed.size()).doesNotContain(base.hash());
        try (CompletionStore store = CompletionStore.open(dir.resolve("run.db"))) {
            String greedy = store.register(spec(0.0));
            String sampled = store.register(spec(0.6));
            store.put(greedy, c("a", 0));
            // A T=0 answer is never handed to a T=0.6 run.
            assertThat(store.missing(sampled, List.of("a"), 1)).containsExactly(new SampleSlot("a", 0));
        }
    }

    @Test
    void aCompletionNeedsItsRegisteredSpec() {
        try (CompletionStore store = CompletionStore.open(dir.resolve("run.db"))) {
            assertThatThrownBy(() -> store.put("0123", c("a", 0))).isInstanceOf(StoreException.class).hasMessageContaining("run.db");
        }
    }

    @Test
    void rowsAndVerdictsSurviveReopening() {
        Path db = dir.resolve("run.db");
        String h;
        try (CompletionStore store = CompletionStore.open(db)) {
            h = store.register(spec(0.6));
            store.put(h, new Completion("a", 0, "cut off", "length", 5, 32768));
            store.putVerdict(h, "a", 0, "math/v1", Outcome.NO_ANSWER, null, "nothing extracted");
        }
        try (CompletionStore store = CompletionStore.open(db)) {
            Completion got = store.completions(h, "a").getFirst();
            assertThat(got.truncated()).isTrue();
            assertThat(got.completionTokens()).isEqualTo(32768);
            assertThat(store.verdict(h, "a", 0, "math/v1")).contains(Outcome.NO_ANSWER);
            // Re-grading with a newer verifier adds a verdict beside the old one; the completion is untouched.
            store.putVerdict(h, "a", 0, "math/v2", Outcome.WRONG, "7", "different rationals");
            assertThat(store.verdict(h, "a", 0, "math/v1")).contains(Outcome.NO_ANSWER);
            assertThat(store.verdict(h, "a", 0, "math/v2")).contains(Outcome.WRONG);
            assertThat(store.verdict(h, "a", 0, "math/v3")).isEmpty();
            assertThat(store.count(h)).isEqualTo(1);
        }
    }

    @Test
    void aFileThatIsNotAStoreIsOneClearError() throws Exception {
        Path bad = dir.resolve("notes.db");
        Files.writeString(bad, "this is not a database, just text that is long enough to have a header".repeat(20));
        assertThatThrownBy(() -> CompletionStore.open(bad)).isInstanceOf(StoreException.class).hasMessageContaining("notes.db");
    }

    @Test
    void killMinus9LosesNothingThatWasCommitted() throws Exception {
        Path db = dir.resolve("crash.db");
        Process child = new ProcessBuilder(StoreCrashChild.command(db)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < 300 && (line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    acknowledged.add(line.substring("committed ".length()));
                }
            }
            // SIGKILL while it is still writing: no shutdown hook, no close, no checkpoint.
            new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).hasSize(300);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
        }
        try (CompletionStore store = CompletionStore.open(db)) {
            String h = spec(0.6).hash();
            long stored = store.count(h);
            assertThat(stored).isGreaterThanOrEqualTo(300);
            for (String slot : acknowledged) {
                String[] p = slot.split(" ");
                assertThat(store.completions(h, p[0])).extracting(Completion::sampleIndex).contains(Integer.parseInt(p[1]));
            }
            // A resume asks for exactly the slots that are not there.
            int problems = (int) (stored / 4) + 2;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < problems; i++) {
                ids.add("p" + i);
            }
            assertThat(store.missing(h, ids, 4)).hasSize((int) (problems * 4L - stored));
        }
    }
}
