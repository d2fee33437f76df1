package org.apache.parquet;

import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * Read options built without Hadoop, for {@code dev.arbiter.benchmark.ParquetRows}. parquet-java's
 * public builder makes a Hadoop codec factory in its constructor, before a caller can give its own,
 * and that factory's class cannot load without Hadoop, which the jar leaves out. The options' own
 * constructor is package-private, hence this class in parquet-java's package; the values are the
 * builder's defaults, with no record filter, so a parquet-java upgrade that changes the constructor
 * fails to compile here rather than at run time.
 */
public final class PlainReadOptions {
    private PlainReadOptions() {}

    public static ParquetReadOptions of(CompressionCodecFactory codecs) {
        return new ParquetReadOptions(
                false, // useSignedStringMinMax
                true, // useStatsFilter
                true, // useDictionaryFilter
                true, // useRecordFilter
                true, // useColumnIndexFilter
                false, // usePageChecksumVerification
                true, // useBloomFilter
                false, // useOffHeapDecryptBuffer
                false, // useHadoopVectoredIo: a local file reads sequentially
                FilterCompat.NOOP,
                ParquetMetadataConverter.NO_FILTER,
                codecs,
                new HeapByteBufferAllocator(),
                8 * 1024 * 1024, // the builder's default largest single allocation
                Map.of(),
                null, // no decryption
                null, // no metrics callback
                new PlainParquetConfiguration());
    }
}
