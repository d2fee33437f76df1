package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Small Parquet files that would inflate past the heap are refused in one line, before they are inflated. */
class ParquetBombTest {
    private static final long MIB = 1 << 20;
    private static final long UNLIMITED = Long.MAX_VALUE;

    @TempDir
    Path dir;

    private static void duck(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void aDecompressionBombIsRefusedNotAnOutOfMemoryError() throws Exception {
        // DuckDB writes the 200 MB string once, as a dictionary page that all six rows reference: 1.2 GB of
        // rows from a few KB. Surefire runs with -Xmx1g, where a page may inflate to 64 MiB.
        Path f = dir.resolve("bomb.parquet");
        duck("COPY (SELECT repeat('a', 200000000) AS problem, '1' AS answer FROM range(6)) TO '" + f
                + "' (FORMAT parquet, COMPRESSION zstd)");
        assertThat(Files.size(f)).isLessThan(1_000_000L);

        assertThatThrownBy(() -> ParquetRows.read(f))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ": a page would decompress to 190.7 MiB, more than the ")
                .hasMessageContaining(" MiB allowed with a ")
                .hasMessageEndingWith(" max heap (-Xmx); not read")
                .message().doesNotContain("\n");
    }

    @Test
    void aPageOverTheCapIsRefusedBeforeItIsInflated() throws Exception {
        Path f = dir.resolve("page.parquet");
        duck("COPY (SELECT repeat('a', 3000000) AS problem) TO '" + f + "' (FORMAT parquet, COMPRESSION zstd)");

        assertThatThrownBy(() -> ParquetRows.read(f, new ParquetRows.Limits(MIB, UNLIMITED, UNLIMITED)))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ": a page would decompress to 2.9 MiB, more than the 1 MiB allowed")
                .hasMessageEndingWith("; not read");
        // the same file under the heap's own limits reads
        assertThat(ParquetRows.read(f)).singleElement().satisfies(r -> assertThat(r.get("problem").asText()).hasSize(3_000_000));
    }

    @Test
    void pagesOverTheFileCapInAllAreRefusedFromTheFooter() throws Exception {
        Path f = dir.resolve("total.parquet");
        duck("COPY (SELECT repeat(i::VARCHAR, 100000) AS problem FROM range(10) t(i)) TO '" + f
                + "' (FORMAT parquet, COMPRESSION zstd)");

        assertThatThrownBy(() -> ParquetRows.read(f, new ParquetRows.Limits(UNLIMITED, 512 * 1024, UNLIMITED)))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ": its pages would decompress to ")
                .hasMessageContaining("more than the 512 KiB allowed");
        assertThat(ParquetRows.read(f, new ParquetRows.Limits(UNLIMITED, 2 * MIB, UNLIMITED))).hasSize(10);
    }

    @Test
    void oneDictionaryStringInEveryRowIsCountedAsItIsMaterialized() throws Exception {
        // the pages hold one 1 MB string once, but every one of the 50 rows would become its own copy
        Path f = dir.resolve("dictionary.parquet");
        duck("COPY (SELECT repeat('a', 1000000) AS problem FROM range(50)) TO '" + f + "' (FORMAT parquet, COMPRESSION zstd)");

        assertThatThrownBy(() -> ParquetRows.read(f, new ParquetRows.Limits(UNLIMITED, 10 * MIB, UNLIMITED)))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ": its text values come to more than the 10 MiB allowed");
    }

    @Test
    void tooManyValuesAreRefusedFromTheFooter() throws Exception {
        Path f = dir.resolve("values.parquet");
        duck("COPY (SELECT i AS id, NULL::VARCHAR AS note FROM range(1000) t(i)) TO '" + f + "' (FORMAT parquet)");

        assertThatThrownBy(() -> ParquetRows.read(f, new ParquetRows.Limits(UNLIMITED, UNLIMITED, 2500)))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ": it would hold 3,000 values, more than the 2,500 allowed");
        assertThat(ParquetRows.read(f, new ParquetRows.Limits(UNLIMITED, UNLIMITED, 10_000))).hasSize(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GZIP", "ZSTD"})
    void aPageThatInflatesPastItsDeclaredSizeIsRefused(String codec) throws Exception {
        Path f = dir.resolve("overrun-" + codec + ".parquet");
        MessageType schema = MessageTypeParser.parseMessageType("message m { required int32 id; }");
        List<Consumer<RecordConsumer>> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int id = i;
            rows.add(out -> {
                out.startMessage();
                out.startField("id", 0);
                out.addInteger(id);
                out.endField("id", 0);
                out.endMessage();
            });
        }
        RawParquet.write(f, schema, padding(CompressionCodecName.valueOf(codec)), rows);

        assertThatThrownBy(() -> ParquetRows.read(f))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(f + ": not a readable Parquet file (")
                .hasMessageContaining(codec + " page d")
                .hasMessageContaining("bytes its header declares");
    }

    /** A compressor whose pages hold 4 KiB more than the page header (the uncompressed size) says. */
    private static CompressionCodecFactory padding(CompressionCodecName codec) {
        return new CompressionCodecFactory() {
            @Override
            public BytesInputCompressor getCompressor(CompressionCodecName ignored) {
                return new BytesInputCompressor() {
                    @Override
                    public BytesInput compress(BytesInput bytes) throws IOException {
                        byte[] raw = bytes.toByteArray();
                        byte[] padded = Arrays.copyOf(raw, raw.length + 4096);
                        if (codec == CompressionCodecName.GZIP) {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                                gz.write(padded);
                            }
                            return BytesInput.from(out.toByteArray());
                        }
                        var zstd = new io.airlift.compress.zstd.ZstdCompressor();
                        byte[] out = new byte[zstd.maxCompressedLength(padded.length)];
                        int n = zstd.compress(padded, 0, padded.length, out, 0, out.length);
                        return BytesInput.from(Arrays.copyOf(out, n));
                    }

                    @Override
                    public CompressionCodecName getCodecName() {
                        return codec;
                    }

                    @Override
                    public void release() {}
                };
            }

            @Override
            public BytesInputDecompressor getDecompressor(CompressionCodecName ignored) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void release() {}
        };
    }
}
