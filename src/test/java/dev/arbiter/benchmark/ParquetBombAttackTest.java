package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review attack: a small zstd Parquet file that decompresses to more than the heap (issue #26). */
class ParquetBombAttackTest {
    @TempDir
    Path dir;

    @Test
    void aDecompressionBombIsRefusedNotAnOutOfMemoryError() throws Exception {
        Path f = dir.resolve("bomb.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT repeat('a', 200000000) AS problem, '1' AS answer FROM range(6)) TO '" + f
                    + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        System.out.println("BOMB FILE SIZE " + Files.size(f));
        assertThat(Files.size(f)).isLessThan(50_000_000L);
        assertThatThrownBy(() -> ParquetRows.read(f)).isInstanceOf(BenchmarkException.class);
    }
}
