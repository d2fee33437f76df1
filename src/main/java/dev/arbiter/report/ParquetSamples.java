package dev.arbiter.report;

import dev.arbiter.report.SampleExport.Field;
import dev.arbiter.report.SampleExport.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The export as one Parquet file, written by parquet-java without Hadoop: a plain configuration, a
 * local output file, and pages compressed with the JDK's gzip. parquet-java's own codec factory, and its
 * defaults for anything not given here, would load Hadoop classes, which the jar leaves out.
 */
final class ParquetSamples {
    private ParquetSamples() {}

    /** Strings are UTF-8 byte arrays, whole numbers 32-bit; a nullable field is optional. */
    static final MessageType SCHEMA = schema();

    private static MessageType schema() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Field f : SampleExport.FIELDS) {
            Type.Repetition r = f.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            if (f.number()) {
                b.primitive(PrimitiveTypeName.INT32, r).named(f.name());
            } else {
                b.primitive(PrimitiveTypeName.BINARY, r).as(LogicalTypeAnnotation.stringType()).named(f.name());
            }
        }
        return b.named("sample");
    }

    static void write(List<Sample> samples, Path file) throws IOException {
        try (ParquetWriter<Sample> w = new Builder(new LocalOutputFile(file)).withConf(new PlainParquetConfiguration())
                .withCodecFactory(Gzip.FACTORY).withCompressionCodec(CompressionCodecName.GZIP)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (Sample s : samples) {
                w.write(s);
            }
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Sample, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Sample> getWriteSupport(ParquetConfiguration conf) {
            return new Support();
        }

        /** The Hadoop-configured path, which this writer never takes. */
        @Override
        @SuppressWarnings("deprecation") // abstract in ParquetWriter.Builder
        protected WriteSupport<Sample> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            throw new UnsupportedOperationException("the export writes without Hadoop");
        }
    }

    private static final class Support extends WriteSupport<Sample> {
        private RecordConsumer out;

        @Override
        public WriteContext init(ParquetConfiguration conf) {
            return new WriteContext(SCHEMA, Map.of("dev.arbiter.export", "one record per stored sample of an arbiter eval run"));
        }

        @Override
        @SuppressWarnings("deprecation") // abstract in WriteSupport; the Hadoop path, never taken
        public WriteContext init(org.apache.hadoop.conf.Configuration conf) {
            throw new UnsupportedOperationException("the export writes without Hadoop");
        }

        @Override
        public void prepareForWrite(RecordConsumer consumer) {
            out = consumer;
        }

        @Override
        public void write(Sample s) {
            out.startMessage();
            for (int i = 0; i < SampleExport.FIELDS.size(); i++) {
                Field f = SampleExport.FIELDS.get(i);
                Object v = f.value().apply(s);
                if (v == null) {
                    continue; // an optional field left out is null
                }
                out.startField(f.name(), i);
                if (f.number()) {
                    out.addInteger((Integer) v);
                } else {
                    out.addBinary(Binary.fromString((String) v));
                }
                out.endField(f.name(), i);
            }
            out.endMessage();
        }
    }

    /** GZIP pages through java.util.zip: the writer only compresses, so nothing here decompresses. */
    private static final class Gzip implements CompressionCodecFactory.BytesInputCompressor {
        static final CompressionCodecFactory FACTORY = new CompressionCodecFactory() {
            @Override
            public BytesInputCompressor getCompressor(CompressionCodecName codec) {
                if (codec != CompressionCodecName.GZIP) {
                    throw new IllegalArgumentException("only GZIP is written, not " + codec);
                }
                return new Gzip();
            }

            @Override
            public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
                throw new UnsupportedOperationException("the export only writes");
            }

            @Override
            public void release() {}
        };

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
                bytes.writeAllTo(gz);
            }
            return BytesInput.from(buf.toByteArray());
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {}
    }
}
