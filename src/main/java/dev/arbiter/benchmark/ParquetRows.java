package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.PlainReadOptions;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file's rows as JSON objects, read by parquet-java without Hadoop: a local input file,
 * options built without its builder ({@link PlainReadOptions}) and our own codec factory (snappy, zstd
 * and lz4 through aircompressor, gzip through the JDK), since parquet-java's own factory loads Hadoop
 * classes.
 *
 * <p>Strings, numbers and booleans map to their JSON kinds; lists (the standard three-level layout and
 * the legacy two-level ones) and unannotated repeated fields to arrays; structs and maps to objects;
 * dates, times and timestamps to ISO-8601 text; decimals to exact numbers; binary without a string
 * annotation to base64 text. A null value is JSON null.
 *
 * <p>A small file can declare pages that inflate to gigabytes, or reference one huge dictionary string
 * from every row, so a read is held to {@link Limits} that scale with the JVM's max heap: the sizes the
 * footer and each page header declare are checked before anything is inflated, and the bytes and
 * values actually produced are counted as they come, since a declared size can lie.
 */
public final class ParquetRows {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private ParquetRows() {}

    public static List<ObjectNode> read(Path file) {
        return read(file, Limits.forHeap(Runtime.getRuntime().maxMemory()));
    }

    /**
     * What one file may ask of the heap: the most one page may inflate to, the most its pages and its
     * text values may come to in all, and the most values (leaf entries, rows and struct fields) it may
     * hold. The defaults sit near where its rows as JSON would fill the heap anyway, far above a real
     * dataset's pages (a few MiB at most); rows of JSON nodes take more heap than their Parquet bytes.
     */
    record Limits(long pageBytes, long fileBytes, long values) {
        static Limits forHeap(long maxMemory) {
            return new Limits(maxMemory / 16, maxMemory / 4, maxMemory / 64);
        }
    }

    static List<ObjectNode> read(Path file, Limits limits) {
        if (!Files.isRegularFile(file)) {
            throw new BenchmarkException(file + ": file not found");
        }
        Budget budget = new Budget(file, limits);
        ParquetReadOptions options = PlainReadOptions.of(new Codecs(budget));
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            budget.checkFooter(reader.getFooter().getBlocks());
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
            Materializer materializer = new Materializer(schema, budget);
            List<ObjectNode> rows = new ArrayList<>();
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<ObjectNode> records = io.getRecordReader(pages, materializer);
                for (long i = 0, n = pages.getRowCount(); i < n; i++) {
                    budget.values(1);
                    rows.add(records.read());
                }
            }
            return rows;
        } catch (NoSuchFileException e) {
            throw new BenchmarkException(file + ": file not found");
        } catch (BenchmarkException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // a refusal from inside a page read may come wrapped by parquet-java
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c instanceof BenchmarkException b) {
                    throw b;
                }
            }
            throw new BenchmarkException(file + ": not a readable Parquet file (" + oneLine(e) + ")", e);
        }
    }

    /** One read's account against its {@link Limits}; every refusal names the file and the limit. */
    private static final class Budget {
        private final Path file;
        private final Limits limits;
        private final String heap;
        private long inflated;
        private long text;
        private long values;

        Budget(Path file, Limits limits) {
            this.file = file;
            this.limits = limits;
            long max = Runtime.getRuntime().maxMemory();
            this.heap = max == Long.MAX_VALUE ? "" : " with a " + size(max) + " max heap (-Xmx)";
        }

        /** The sizes and counts the footer declares, before any page is read. */
        void checkFooter(List<BlockMetaData> blocks) {
            long bytes = 0;
            long count = 0;
            for (BlockMetaData block : blocks) {
                count = sat(count, block.getRowCount());
                for (ColumnChunkMetaData column : block.getColumns()) {
                    bytes = sat(bytes, column.getTotalUncompressedSize());
                    count = sat(count, column.getValueCount());
                }
            }
            if (bytes > limits.fileBytes()) {
                throw refuse("its pages would decompress to " + size(bytes) + ", more than the " + size(limits.fileBytes()) + " allowed");
            }
            if (count > limits.values()) {
                throw refuse(String.format(Locale.ROOT, "it would hold %,d values, more than the %,d allowed", count, limits.values()));
            }
        }

        /** A page about to be inflated to the size its header declares. */
        void page(CompressionCodecName codec, int uncompressedSize) {
            if (uncompressedSize < 0) {
                throw new BenchmarkException(file + ": not a readable Parquet file (a " + codec + " page declares "
                        + uncompressedSize + " bytes)");
            }
            if (uncompressedSize > limits.pageBytes()) {
                throw refuse("a page would decompress to " + size(uncompressedSize) + ", more than the " + size(limits.pageBytes()) + " allowed");
            }
            inflated += uncompressedSize;
            if (inflated > limits.fileBytes()) {
                throw refuse("its pages decompress to more than the " + size(limits.fileBytes()) + " allowed");
            }
        }

        /** Text or binary about to become a value: a dictionary can hand one long string to every row. */
        void text(int bytes) {
            text += bytes;
            if (text > limits.fileBytes()) {
                throw refuse("its text values come to more than the " + size(limits.fileBytes()) + " allowed");
            }
        }

        void values(int n) {
            values += n;
            if (values > limits.values()) {
                throw refuse(String.format(Locale.ROOT, "it holds more than the %,d values allowed", limits.values()));
            }
        }

        private BenchmarkException refuse(String why) {
            return new BenchmarkException(file + ": " + why + heap + "; not read");
        }

        private static long sat(long a, long b) {
            long r = a + Math.max(0, b);
            return r < a ? Long.MAX_VALUE : r;
        }
    }

    private static String size(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (30 - 10 * i);
            if (bytes >= unit) {
                return bytes % unit == 0 ? bytes / unit + " " + units[i]
                        : String.format(Locale.ROOT, "%.1f %s", (double) bytes / unit, units[i]);
            }
        }
        return bytes + " bytes";
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root != e && e.getMessage() != null && !e.getMessage().equals(m)) {
            m = e.getMessage() + ": " + m;
        }
        return m.lines().findFirst().orElse(m).strip();
    }

    /** Where a converted value goes: its parent's slot for that field. */
    private interface Sink {
        void add(JsonNode value);
    }

    private static final class Materializer extends RecordMaterializer<ObjectNode> {
        private final GroupNode root;
        private ObjectNode current;

        Materializer(MessageType schema, Budget budget) {
            root = new GroupNode(schema, Shape.STRUCT, v -> current = (ObjectNode) v, budget);
        }

        @Override
        public ObjectNode getCurrentRecord() {
            return current;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }

    /** What a group becomes once its fields are read. */
    private enum Shape {
        /** an object of its fields */
        STRUCT,
        /** the array its one repeated field collected */
        LIST,
        /** the three-level list's middle group: its one field is the element */
        ELEMENT,
        /** an object from its repeated key/value groups */
        MAP,
        /** one entry of a map: [key, value] */
        KEY_VALUE
    }

    private static final class GroupNode extends GroupConverter {
        private final GroupType type;
        private final Shape shape;
        private final Sink out;
        private final Converter[] children;
        private final boolean[] repeated;
        private final JsonNode[] values;
        private final Budget budget;

        GroupNode(GroupType type, Shape shape, Sink out, Budget budget) {
            this.type = type;
            this.shape = shape;
            this.out = out;
            this.budget = budget;
            int n = type.getFieldCount();
            children = new Converter[n];
            repeated = new boolean[n];
            values = new JsonNode[n];
            for (int i = 0; i < n; i++) {
                Type field = type.getType(i);
                int index = i;
                repeated[i] = field.isRepetition(Type.Repetition.REPEATED);
                Sink sink = repeated[i] ? v -> ((ArrayNode) values[index]).add(v) : v -> values[index] = v;
                children[i] = converter(field, childShape(field), sink, budget);
            }
        }

        /** The shape a field's converter takes, by its annotation and, for a list's repeated field, the legacy rules. */
        private Shape childShape(Type field) {
            if (field.isPrimitive()) {
                return null;
            }
            GroupType g = field.asGroupType();
            LogicalTypeAnnotation a = g.getLogicalTypeAnnotation();
            if (shape == Shape.LIST && field.isRepetition(Type.Repetition.REPEATED)) {
                // The list's repeated group is the element itself when it has several fields or one of the
                // legacy names; otherwise (the standard layout) it wraps the element.
                boolean legacy = g.getFieldCount() != 1 || g.getName().equals("array")
                        || g.getName().equals(type.getName() + "_tuple");
                return legacy ? Shape.STRUCT : Shape.ELEMENT;
            }
            if (shape == Shape.MAP && field.isRepetition(Type.Repetition.REPEATED)) {
                return Shape.KEY_VALUE;
            }
            if (a instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && g.getFieldCount() == 1
                    && g.getType(0).isRepetition(Type.Repetition.REPEATED)) {
                return Shape.LIST;
            }
            if ((a instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                    || a instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
                    && g.getFieldCount() == 1 && g.getType(0).isRepetition(Type.Repetition.REPEATED)
                    && !g.getType(0).isPrimitive()) {
                return Shape.MAP;
            }
            return Shape.STRUCT;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {
            // each field is a slot in the object, null or not
            budget.values(values.length);
            for (int i = 0; i < values.length; i++) {
                values[i] = repeated[i] ? NODES.arrayNode() : null;
            }
        }

        @Override
        public void end() {
            out.add(switch (shape) {
                case LIST -> values[0];
                case ELEMENT -> orNull(values[0]);
                case KEY_VALUE -> NODES.arrayNode().add(orNull(values[0])).add(values.length > 1 ? orNull(values[1]) : NullNode.getInstance());
                case MAP -> {
                    ObjectNode map = NODES.objectNode();
                    for (JsonNode entry : values[0]) {
                        JsonNode key = entry.get(0);
                        map.set(key.isNull() ? "null" : key.asText(), entry.get(1));
                    }
                    yield map;
                }
                case STRUCT -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < values.length; i++) {
                        o.set(type.getFieldName(i), orNull(values[i]));
                    }
                    yield o;
                }
            });
        }
    }

    private static JsonNode orNull(JsonNode v) {
        return v == null ? NullNode.getInstance() : v;
    }

    private static Converter converter(Type field, Shape shape, Sink sink, Budget budget) {
        return field.isPrimitive()
                ? new Primitive(field.asPrimitiveType(), sink, budget)
                : new GroupNode(field.asGroupType(), shape, sink, budget);
    }

    /** One column's values, converted by physical type and annotation. */
    private static final class Primitive extends PrimitiveConverter {
        private final PrimitiveType type;
        private final LogicalTypeAnnotation annotation;
        private final Sink sink;
        private final Budget budget;
        private final boolean repeated;

        Primitive(PrimitiveType type, Sink sink, Budget budget) {
            this.type = type;
            this.annotation = type.getLogicalTypeAnnotation();
            this.sink = sink;
            this.budget = budget;
            this.repeated = type.isRepetition(Type.Repetition.REPEATED);
        }

        private void out(JsonNode value) {
            if (repeated) {
                // an array element; a field's own slot was counted when its group started
                budget.values(1);
            }
            sink.add(value);
        }

        @Override
        public void addBoolean(boolean value) {
            out(NODES.booleanNode(value));
        }

        @Override
        public void addFloat(float value) {
            out(NODES.numberNode(value));
        }

        @Override
        public void addDouble(double value) {
            out(NODES.numberNode(value));
        }

        @Override
        public void addInt(int value) {
            out(switch (annotation) {
                case LogicalTypeAnnotation.DateLogicalTypeAnnotation d -> NODES.textNode(LocalDate.ofEpochDay(value).toString());
                case LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d -> NODES.numberNode(BigDecimal.valueOf(value, d.getScale()));
                case LogicalTypeAnnotation.TimeLogicalTypeAnnotation t -> NODES.textNode(LocalTime.ofNanoOfDay(value * 1_000_000L).toString());
                case LogicalTypeAnnotation.IntLogicalTypeAnnotation i when !i.isSigned() -> NODES.numberNode(Integer.toUnsignedLong(value));
                case null, default -> NODES.numberNode(value);
            });
        }

        @Override
        public void addLong(long value) {
            out(switch (annotation) {
                case LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t -> NODES.textNode(timestamp(value, t.getUnit(), t.isAdjustedToUTC()));
                case LogicalTypeAnnotation.TimeLogicalTypeAnnotation t -> NODES.textNode(LocalTime.ofNanoOfDay(nanos(value, t.getUnit())).toString());
                case LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d -> NODES.numberNode(BigDecimal.valueOf(value, d.getScale()));
                case LogicalTypeAnnotation.IntLogicalTypeAnnotation i when !i.isSigned() -> NODES.numberNode(new BigInteger(Long.toUnsignedString(value)));
                case null, default -> NODES.numberNode(value);
            });
        }

        @Override
        public void addBinary(Binary value) {
            if (type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
                out(NODES.textNode(int96(value)));
                return;
            }
            budget.text(value.length());
            out(switch (annotation) {
                case LogicalTypeAnnotation.StringLogicalTypeAnnotation s -> NODES.textNode(value.toStringUsingUTF8());
                case LogicalTypeAnnotation.EnumLogicalTypeAnnotation e -> NODES.textNode(value.toStringUsingUTF8());
                case LogicalTypeAnnotation.JsonLogicalTypeAnnotation j -> NODES.textNode(value.toStringUsingUTF8());
                case LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d ->
                        NODES.numberNode(new BigDecimal(new BigInteger(value.getBytes()), d.getScale()));
                case LogicalTypeAnnotation.UUIDLogicalTypeAnnotation u -> {
                    ByteBuffer b = ByteBuffer.wrap(value.getBytes());
                    yield NODES.textNode(new UUID(b.getLong(), b.getLong()).toString());
                }
                case LogicalTypeAnnotation.Float16LogicalTypeAnnotation f -> {
                    ByteBuffer b = ByteBuffer.wrap(value.getBytes()).order(ByteOrder.LITTLE_ENDIAN);
                    yield NODES.numberNode(Float.float16ToFloat(b.getShort()));
                }
                case null, default -> NODES.textNode(Base64.getEncoder().encodeToString(value.getBytes()));
            });
        }
    }

    private static long nanos(long value, LogicalTypeAnnotation.TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> value * 1_000_000L;
            case MICROS -> value * 1_000L;
            case NANOS -> value;
        };
    }

    private static String timestamp(long value, LogicalTypeAnnotation.TimeUnit unit, boolean utc) {
        Instant instant = switch (unit) {
            case MILLIS -> Instant.ofEpochMilli(value);
            case MICROS -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
            case NANOS -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        };
        // a timestamp not adjusted to UTC is a local date-time, so it is shown without a zone
        return utc ? instant.toString() : LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    /** The legacy 12-byte timestamp: nanoseconds of the day, then the Julian day, both little-endian. */
    private static String int96(Binary value) {
        ByteBuffer b = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = b.getLong();
        int julianDay = b.getInt();
        long epochDay = julianDay - 2_440_588L; // the Julian day of 1970-01-01
        return Instant.ofEpochSecond(epochDay * 86_400L, 0).plusNanos(nanosOfDay).toString();
    }

    /**
     * Decompression for the codecs Hugging Face's files use, in pure Java: snappy, zstd and lz4 through
     * aircompressor (parquet-java's own choice for lz4), gzip through java.util.zip.
     */
    private record Codecs(Budget budget) implements CompressionCodecFactory {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            throw new UnsupportedOperationException("the reader only reads");
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
            return switch (codec) {
                case UNCOMPRESSED -> new Decompressor(codec, budget, (in, size) -> in);
                case SNAPPY -> raw(codec, new io.airlift.compress.snappy.SnappyDecompressor());
                case ZSTD -> raw(codec, new io.airlift.compress.zstd.ZstdDecompressor());
                case LZ4_RAW -> raw(codec, new io.airlift.compress.lz4.Lz4Decompressor());
                case GZIP -> new Decompressor(codec, budget, Codecs::gunzip);
                default -> throw new UnsupportedOperationException(
                        "pages compressed with " + codec + " are not supported (snappy, zstd, gzip, lz4_raw and uncompressed are)");
            };
        }

        /** Inflates into exactly the declared size, so a page that holds more fails rather than grows. */
        private Decompressor raw(CompressionCodecName codec, io.airlift.compress.Decompressor d) {
            return new Decompressor(codec, budget, (in, size) -> {
                byte[] src = in.toByteArray();
                byte[] dst = new byte[size];
                int n;
                try {
                    n = d.decompress(src, 0, src.length, dst, 0, size);
                } catch (io.airlift.compress.MalformedInputException e) {
                    // not chained: the one-line message reports the root cause, which would hide this line
                    throw new IOException(codec + " page does not decompress to the " + size + " bytes its header declares ("
                            + e.getMessage() + ")");
                }
                if (n != size) {
                    throw new IOException(codec + " page decompressed to " + n + " bytes, expected " + size);
                }
                return BytesInput.from(dst);
            });
        }

        private static BytesInput gunzip(BytesInput in, int size) throws IOException {
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(in.toByteArray()))) {
                byte[] dst = gz.readNBytes(size);
                if (dst.length != size) {
                    throw new IOException("GZIP page decompressed to " + dst.length + " bytes, expected " + size);
                }
                if (gz.read() != -1) {
                    throw new IOException("GZIP page decompresses to more than the " + size + " bytes its header declares");
                }
                return BytesInput.from(dst);
            }
        }

        @Override
        public void release() {}
    }

    private interface Inflate {
        BytesInput apply(BytesInput in, int uncompressedSize) throws IOException;
    }

    /** Checks each page's declared size against the budget before inflating it. */
    private record Decompressor(CompressionCodecName codec, Budget budget, Inflate inflate)
            implements CompressionCodecFactory.BytesInputDecompressor {
        @Override
        public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
            budget.page(codec, uncompressedSize);
            return inflate.apply(bytes, uncompressedSize);
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
            budget.page(codec, uncompressedSize);
            byte[] src = new byte[compressedSize];
            input.get(src);
            output.put(inflate.apply(BytesInput.from(src), uncompressedSize).toByteArray());
        }

        @Override
        public void release() {}
    }
}
