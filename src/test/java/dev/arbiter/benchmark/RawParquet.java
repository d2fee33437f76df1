package dev.arbiter.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet written record by record with parquet-java's low-level writer, for layouts DuckDB does not write (legacy lists,
 * pages that lie about their size), without Hadoop: its default codec factory and configuration would load it.
 */
final class RawParquet {
    private RawParquet() {}

    /** Writes {@code records}, each writing itself, over {@code schema}, its pages made by {@code codecs}. */
    static void write(Path file, MessageType schema, CompressionCodecFactory codecs, List<Consumer<RecordConsumer>> records) throws IOException {
        try (ParquetWriter<Consumer<RecordConsumer>> w = new Builder(new LocalOutputFile(file), schema)
                .withConf(new PlainParquetConfiguration()).withCodecFactory(codecs).build()) {
            for (Consumer<RecordConsumer> r : records) {
                w.write(r);
            }
        }
    }

    /** Pages as they are: parquet-java's default factory would load Hadoop. */
    static final CompressionCodecFactory UNCOMPRESSED = new CompressionCodecFactory() {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) {
                    return bytes;
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return CompressionCodecName.UNCOMPRESSED;
                }

                @Override
                public void release() {}
            };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void release() {}
    };

    /** A writer of records that write themselves, over the given schema. */
    private static final class Builder extends ParquetWriter.Builder<Consumer<RecordConsumer>, Builder> {
        private final MessageType schema;

        Builder(OutputFile file, MessageType schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Consumer<RecordConsumer>> getWriteSupport(ParquetConfiguration conf) {
            return new WriteSupport<>() {
                private RecordConsumer out;

                @Override
                public WriteContext init(ParquetConfiguration c) {
                    return new WriteContext(schema, Map.of());
                }

                @Override
                @SuppressWarnings("deprecation")
                public WriteContext init(org.apache.hadoop.conf.Configuration c) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void prepareForWrite(RecordConsumer consumer) {
                    out = consumer;
                }

                @Override
                public void write(Consumer<RecordConsumer> record) {
                    record.accept(out);
                }
            };
        }

        @Override
        @SuppressWarnings("deprecation")
        protected WriteSupport<Consumer<RecordConsumer>> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            throw new UnsupportedOperationException();
        }
    }
}
