package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ParquetRows against files DuckDB writes (a writer that shares no code with parquet-java): every
 * codec Hugging Face uses, nested lists of structs, nulls at each level, maps, several row groups.
 */
class ParquetRowsTest {
    @TempDir
    Path dir;

    private static void duck(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static final String ROWS = """
            SELECT * FROM (VALUES
              (1, 'What is 1+1?', 2::BIGINT, 0.5::DOUBLE, 1.5::FLOAT, true,
               [{'input': '1 1', 'output': '2'}, {'input': '2 3', 'output': '5'}],
               [1, NULL, 3], {'subject': 'algebra', 'level': 3}, MAP {'a': 1, 'b': 2},
               '\\x00\\xFFab'::BLOB, DATE '2024-08-01', TIMESTAMP '2024-08-01 12:34:56.789',
               TIMESTAMPTZ '2024-08-01 12:34:56+00', 12.34::DECIMAL(6,2), [['x', 'y'], [], NULL]),
              (2, 'Ünïcode ∑ prompt', NULL, NULL, NULL, NULL,
               [], NULL, {'subject': NULL, 'level': NULL}, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL),
              (3, NULL, -7::BIGINT, -1e300::DOUBLE, 0::FLOAT, false,
               NULL, [], NULL, MAP {},
               ''::BLOB, DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.5',
               NULL, -0.01::DECIMAL(6,2), [[NULL]])
            ) t(id, question, answer, score, weight, ok, tests, nums, meta, tags, raw, day, stamp, stamp_utc, price, nested)
            """;

    @ParameterizedTest
    @ValueSource(strings = {"snappy", "zstd", "gzip", "lz4", "uncompressed"})
    void readsEveryCodecWithNestedValuesAndNulls(String codec) throws Exception {
        Path file = dir.resolve("rows-" + codec + ".parquet");
        duck("COPY (" + ROWS + " ORDER BY id) TO '" + file + "' (FORMAT parquet, COMPRESSION " + codec + ")");

        List<ObjectNode> rows = ParquetRows.read(file);

        assertThat(rows).hasSize(3);
        ObjectNode a = rows.get(0);
        assertThat(a.get("id").asInt()).isEqualTo(1);
        assertThat(a.get("question").asText()).isEqualTo("What is 1+1?");
        assertThat(a.get("answer").isIntegralNumber()).isTrue();
        assertThat(a.get("answer").asLong()).isEqualTo(2);
        assertThat(a.get("score").asDouble()).isEqualTo(0.5);
        assertThat(a.get("weight").asDouble()).isEqualTo(1.5);
        assertThat(a.get("ok").asBoolean()).isTrue();
        assertThat(a.get("tests").toString()).isEqualTo("[{\"input\":\"1 1\",\"output\":\"2\"},{\"input\":\"2 3\",\"output\":\"5\"}]");
        assertThat(a.get("nums").toString()).isEqualTo("[1,null,3]");
        assertThat(a.get("meta").toString()).isEqualTo("{\"subject\":\"algebra\",\"level\":3}");
        assertThat(a.get("tags").toString()).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(Base64.getDecoder().decode(a.get("raw").asText())).containsExactly(0x00, 0xFF, 'a', 'b');
        assertThat(a.get("day").asText()).isEqualTo("2024-08-01");
        assertThat(a.get("stamp").asText()).isEqualTo("2024-08-01T12:34:56.789");
        assertThat(a.get("stamp_utc").asText()).isEqualTo("2024-08-01T12:34:56Z");
        assertThat(a.get("price").decimalValue()).isEqualByComparingTo("12.34");
        assertThat(a.get("nested").toString()).isEqualTo("[[\"x\",\"y\"],[],null]");

        ObjectNode b = rows.get(1);
        assertThat(b.get("question").asText()).isEqualTo("Ünïcode ∑ prompt");
        for (String f : List.of("answer", "score", "weight", "ok", "nums", "tags", "raw", "day", "stamp", "stamp_utc", "price", "nested")) {
            assertThat(b.get(f)).as(f).isNotNull();
            assertThat(b.get(f).isNull()).as(f).isTrue();
        }
        assertThat(b.get("tests").toString()).isEqualTo("[]");
        assertThat(b.get("meta").toString()).isEqualTo("{\"subject\":null,\"level\":null}");

        ObjectNode c = rows.get(2);
        assertThat(c.get("question").isNull()).isTrue();
        assertThat(c.get("answer").asLong()).isEqualTo(-7);
        assertThat(c.get("score").asDouble()).isEqualTo(-1e300);
        assertThat(c.get("ok").asBoolean()).isFalse();
        assertThat(c.get("tests").isNull()).isTrue();
        assertThat(c.get("nums").toString()).isEqualTo("[]");
        assertThat(c.get("meta").isNull()).isTrue();
        assertThat(c.get("tags").toString()).isEqualTo("{}");
        assertThat(c.get("raw").asText()).isEmpty();
        assertThat(c.get("day").asText()).isEqualTo("1969-12-31");
        assertThat(c.get("stamp").asText()).isEqualTo("1969-12-31T23:59:59.500");
        assertThat(c.get("price").decimalValue()).isEqualByComparingTo("-0.01");
        assertThat(c.get("nested").toString()).isEqualTo("[[null]]");
        // field order is the file's column order
        assertThat(a.fieldNames()).toIterable().containsExactly("id", "question", "answer", "score", "weight", "ok", "tests", "nums",
                "meta", "tags", "raw", "day", "stamp", "stamp_utc", "price", "nested");
    }

    @Test
    void readsEveryRowOfSeveralRowGroupsInOrder() throws Exception {
        Path file = dir.resolve("many.parquet");
        duck("COPY (SELECT i AS id, 'problem ' || i AS prompt, [i, i * 2] AS pair, repeat('x', i % 50) AS pad"
                + " FROM range(10000) r(i) ORDER BY i) TO '" + file + "' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048)");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + file + "')")) {
            rs.next();
            assertThat(rs.getInt(1)).as("row groups DuckDB wrote").isGreaterThan(1);
        }

        List<ObjectNode> rows = ParquetRows.read(file);

        assertThat(rows).hasSize(10000);
        for (int i = 0; i < rows.size(); i++) {
            ObjectNode r = rows.get(i);
            assertThat(r.get("id").asLong()).isEqualTo(i);
            assertThat(r.get("prompt").asText()).isEqualTo("problem " + i);
            assertThat(r.get("pair").toString()).isEqualTo("[" + i + "," + (2 * i) + "]");
            assertThat(r.get("pad").asText()).hasSize(i % 50);
        }
    }

    @Test
    void dictionaryEncodedStringsDecode() throws Exception {
        Path file = dir.resolve("dict.parquet");
        // few distinct values over many rows: DuckDB writes them dictionary-encoded
        duck("COPY (SELECT i AS id, ['easy', 'medium', 'hard'][i % 3 + 1] AS difficulty FROM range(3000) r(i) ORDER BY i)"
                + " TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
        List<ObjectNode> rows = ParquetRows.read(file);
        assertThat(rows).hasSize(3000);
        assertThat(rows.get(0).get("difficulty").asText()).isEqualTo("easy");
        assertThat(rows.get(2999).get("difficulty").asText()).isEqualTo("hard");
    }

    @Test
    void legacyTwoLevelListsAndStructElementsAreArrays() throws Exception {
        // DuckDB writes only the standard three-level layout; parquet-java's low-level writer writes the
        // legacy ones older Hive/Avro/Thrift writers produced.
        MessageType schema = MessageTypeParser.parseMessageType("""
                message legacy {
                  required binary name (STRING);
                  optional group nums (LIST) { repeated int32 element; }
                  optional group pairs (LIST) { repeated group array { required binary k (STRING); } }
                  optional group tuples (LIST) { repeated group tuples_tuple { required int64 v; } }
                  optional group points (LIST) { repeated group point { required int32 x; required int32 y; } }
                  repeated binary tags (STRING);
                }
                """);
        Path file = dir.resolve("legacy.parquet");
        write(file, schema, List.of(out -> {
            out.startMessage();
            field(out, "name", 0, () -> out.addBinary(org.apache.parquet.io.api.Binary.fromString("a")));
            field(out, "nums", 1, () -> {
                out.startGroup();
                field(out, "element", 0, () -> {
                    out.addInteger(4);
                    out.addInteger(5);
                });
                out.endGroup();
            });
            field(out, "pairs", 2, () -> {
                out.startGroup();
                field(out, "array", 0, () -> {
                    out.startGroup();
                    field(out, "k", 0, () -> out.addBinary(org.apache.parquet.io.api.Binary.fromString("p")));
                    out.endGroup();
                });
                out.endGroup();
            });
            field(out, "tuples", 3, () -> {
                out.startGroup();
                field(out, "tuples_tuple", 0, () -> {
                    out.startGroup();
                    field(out, "v", 0, () -> out.addLong(9));
                    out.endGroup();
                });
                out.endGroup();
            });
            field(out, "points", 4, () -> {
                out.startGroup();
                field(out, "point", 0, () -> {
                    out.startGroup();
                    field(out, "x", 0, () -> out.addInteger(1));
                    field(out, "y", 1, () -> out.addInteger(2));
                    out.endGroup();
                });
                out.endGroup();
            });
            field(out, "tags", 5, () -> {
                out.addBinary(org.apache.parquet.io.api.Binary.fromString("t1"));
                out.addBinary(org.apache.parquet.io.api.Binary.fromString("t2"));
            });
            out.endMessage();
        }));

        ObjectNode row = ParquetRows.read(file).get(0);

        assertThat(row.toString()).isEqualTo("{\"name\":\"a\",\"nums\":[4,5],\"pairs\":[{\"k\":\"p\"}],\"tuples\":[{\"v\":9}],"
                + "\"points\":[{\"x\":1,\"y\":2}],\"tags\":[\"t1\",\"t2\"]}");
    }

    @Test
    void aFileThatIsNotParquetIsRefusedInOneLine() throws IOException {
        Path notParquet = Files.writeString(dir.resolve("data.parquet"), "{\"prompt\": \"this is JSON\"}\n".repeat(20));
        assertThatThrownBy(() -> ParquetRows.read(notParquet))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(notParquet + ": not a readable Parquet file (")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path missing = dir.resolve("missing.parquet");
        assertThatThrownBy(() -> ParquetRows.read(missing)).isInstanceOf(BenchmarkException.class)
                .hasMessage(missing + ": file not found");
    }

    @Test
    void aTruncatedFileIsRefused() throws Exception {
        Path file = dir.resolve("whole.parquet");
        duck("COPY (SELECT i AS id FROM range(100) r(i)) TO '" + file + "' (FORMAT parquet)");
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ParquetRows.read(cut)).isInstanceOf(BenchmarkException.class)
                .hasMessageStartingWith(cut + ": not a readable Parquet file (");
    }

    private static void field(RecordConsumer out, String name, int index, Runnable body) {
        out.startField(name, index);
        body.run();
        out.endField(name, index);
    }

    private static void write(Path file, MessageType schema, List<Consumer<RecordConsumer>> records) throws IOException {
        RawParquet.write(file, schema, RawParquet.UNCOMPRESSED, records);
    }
}
