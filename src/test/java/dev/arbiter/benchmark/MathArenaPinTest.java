package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MathArena entry from a local hub: the parquet file is written by DuckDB (a writer that shares no
 * code with our reader) with MathArena's columns, served at the hub's resolve URL, and pinned by
 * its first fetch.
 */
class MathArenaPinTest {
    static final String URL = "/datasets/MathArena/hmmt_feb_2025/resolve/main/data/train-00000-of-00001.parquet";

    @TempDir
    Path dir;

    StaticHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new StaticHub(null, null);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    /** MathArena's layout: problem_idx int64, problem string, answer string, problem_type list of strings. */
    byte[] parquet(int n, String answerOfFirst) throws IOException {
        Path f = dir.resolve("built-" + n + "-" + answerOfFirst.hashCode() + ".parquet");
        String sql = "COPY (SELECT i::BIGINT AS problem_idx, 'Compute the sum of the first ' || i || ' odd numbers, $\\sum_{k=1}^{' || i || '} (2k-1)$.' AS problem,"
                + " CASE WHEN i = 1 THEN '" + answerOfFirst + "' ELSE '\\frac{' || i || '}{2}' END AS answer,"
                + " CASE WHEN i % 2 = 0 THEN ['Algebra', 'Number Theory'] ELSE ['Combinatorics'] END AS problem_type"
                + " FROM range(1, " + (n + 1) + ") r(i) ORDER BY i) TO '" + f + "' (FORMAT parquet, COMPRESSION snappy)";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IOException(e);
        }
        return Files.readAllBytes(f);
    }

    private Benchmarks open(boolean offline) {
        return new Benchmarks(new DataConfig(null, dir.resolve("cache"), offline, hub.endpoint(), null));
    }

    private Path cached() {
        return dir.resolve("cache/hub/MathArena/hmmt_feb_2025/main/data/train-00000-of-00001.parquet");
    }

    @Test
    void fetchedOncePinnedThenVerifiedAndAChangedFileIsRefused() throws IOException {
        hub.put(URL, parquet(30, "1"));
        assertThat(open(false).status().stream().filter(s -> s.name().equals("hmmt_feb25")).findFirst().orElseThrow().note())
                .startsWith("unpinned until fetched once");

        Benchmarks.Loaded first = open(false).load("hmmt_feb25", Selection.DEFAULT);
        assertThat(first.origin()).isEqualTo(Benchmarks.Origin.HUB);
        assertThat(first.problems()).hasSize(30);
        Problem p2 = first.problems().get(1);
        assertThat(p2.id()).isEqualTo("2");
        assertThat(p2.prompt()).isEqualTo("Compute the sum of the first 2 odd numbers, $\\sum_{k=1}^{2} (2k-1)$.");
        assertThat(p2.gold()).isEqualTo(new MathAnswer("\\frac{2}{2}", null));
        assertThat(p2.metadata().subject()).isEqualTo("Algebra");
        assertThat(p2.metadata().extra()).containsEntry("problem_types", "Algebra | Number Theory");
        assertThat(p2.metadata().source()).isEqualTo("HMMT February 2025 (MathArena)");
        assertThat(Pin.read(cached()).orElseThrow().records()).isEqualTo(30);
        assertThat(Pin.read(cached()).orElseThrow().sha256()).isEqualTo(Sha256.of(cached()));
        int afterFirst = hub.hits();

        Benchmarks.Loaded again = open(true).load("hmmt_feb25", Selection.DEFAULT);
        assertThat(again.origin()).isEqualTo(Benchmarks.Origin.CACHE);
        assertThat(again.problems()).isEqualTo(first.problems());
        assertThat(hub.hits()).isEqualTo(afterFirst);

        // a file with the same 30 rows but one answer changed: only the pin can tell
        byte[] changed = parquet(30, "2");
        Files.write(cached(), changed);
        assertThatThrownBy(() -> open(true).load("hmmt_feb25", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("its pin")
                .hasMessageContaining(cached().toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        // and upstream serving the changed file after the cache was cleared
        Files.delete(cached());
        hub.put(URL, changed);
        assertThatThrownBy(() -> open(false).load("hmmt_feb25", Selection.DEFAULT))
                .hasMessageContaining("the hub's file changed")
                .hasMessageContaining(URL);
        assertThat(cached()).doesNotExist();
    }

    @Test
    void theWrongNumberOfProblemsIsNotPinned() throws IOException {
        hub.put(URL, parquet(29, "1"));
        assertThatThrownBy(() -> open(false).load("hmmt_feb25", Selection.DEFAULT))
                .hasMessageContaining("holds 29 records but benchmarks/hmmt_feb25.json expects 30");
        assertThat(Pin.read(cached())).isEmpty();
    }

    @Test
    void aMathArenaFileInTheDataFolderIsReadToo() throws IOException {
        Path data = dir.resolve("data/matharena/aime_2026/data/train-00000-of-00001.parquet");
        Files.createDirectories(data.getParent());
        Files.write(data, parquet(30, "70"));
        List<Problem> ps = new Benchmarks(new DataConfig(dir.resolve("data"), dir.resolve("cache"), true, null, null))
                .load("aime26", Selection.DEFAULT).problems();
        assertThat(ps).hasSize(30);
        assertThat(ps.get(0).gold()).isEqualTo(new MathAnswer("70", null));
        assertThat(ps.get(0).metadata().subject()).isEqualTo("Combinatorics");
    }
}
