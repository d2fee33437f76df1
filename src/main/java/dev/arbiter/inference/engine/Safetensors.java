package dev.arbiter.inference.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data. Tensors are mapped one at a time, so
 * files of any size load, and BF16 and F16 are widened in Java (DJL's own BF16 path aborts the JVM).
 */
public final class Safetensors {
    public enum DType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** f32, f16 or bf16 (also fp32, float32, fp16, float16, bfloat16), in any case. */
        public static DType parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "f32", "fp32", "float32" -> F32;
                case "f16", "fp16", "float16" -> F16;
                case "bf16", "bfloat16" -> BF16;
                default -> throw new IllegalArgumentException("--dtype must be f32, f16 or bf16, got " + name);
            };
        }
    }

    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** One file's header, with the absolute offset where its data section starts. */
    public record Header(Path file, long dataStart, Map<String, Entry> entries) {}

    private Safetensors() {}

    public static Header header(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long n = len.flip().getLong();
            if (n <= 0 || n > 100_000_000 || 8 + n > ch.size()) {
                throw new ModelException(file + ": not a safetensors file (header length " + n + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            readFully(ch, hb, 8);
            JsonNode root = Json.mapper().readTree(new String(hb.array(), StandardCharsets.UTF_8));
            Map<String, Entry> entries = new LinkedHashMap<>();
            long dataSize = ch.size() - 8 - n;
            var fields = root.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode t = f.getValue();
                DType dt;
                try {
                    dt = DType.valueOf(t.path("dtype").asText());
                } catch (IllegalArgumentException e) {
                    throw new ModelException(file + ": tensor " + f.getKey() + " has dtype " + t.path("dtype").asText()
                            + "; only F32, F16 and BF16 weights are supported");
                }
                long[] shape = new long[t.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.path("shape").get(i).asLong();
                }
                long b = t.path("data_offsets").path(0).asLong(-1);
                long e = t.path("data_offsets").path(1).asLong(-1);
                Entry entry = new Entry(f.getKey(), dt, shape, b, e);
                if (b < 0 || e < b || e > dataSize || (e - b) != entry.elements() * dt.bytes) {
                    throw new ModelException(file + ": tensor " + f.getKey() + " has a byte range that does not fit its shape or the file");
                }
                entries.put(f.getKey(), entry);
            }
            return new Header(file, 8 + n, entries);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read safetensors header: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one tensor, converted to {@code target} (F32 or F16), into {@code out} (little-endian,
     * positioned at 0 on return, limit at the tensor's size).
     */
    public static void read(Header h, Entry e, DType target, ByteBuffer out) {
        if (target == DType.BF16) {
            throw new IllegalArgumentException("BF16 is never handed to the engine");
        }
        long n = e.elements();
        out.clear().order(ByteOrder.nativeOrder());
        if (n * target.bytes > out.capacity()) {
            throw new IllegalArgumentException("staging buffer too small for " + e.name());
        }
        try (FileChannel ch = FileChannel.open(h.file(), StandardOpenOption.READ)) {
            long off = h.dataStart() + e.begin();
            long len = e.end() - e.begin();
            // map in chunks below 2 GiB; every chunk holds whole elements
            long chunk = (Integer.MAX_VALUE / 8) * 8L;
            for (long done = 0; done < len; done += chunk) {
                long size = Math.min(chunk, len - done);
                ByteBuffer src = ch.map(FileChannel.MapMode.READ_ONLY, off + done, size).order(ByteOrder.LITTLE_ENDIAN);
                convert(src, e.dtype(), out, target);
            }
        } catch (IOException ex) {
            throw new ModelException(h.file() + ": cannot read tensor " + e.name() + ": " + ex.getMessage(), ex);
        }
        out.flip();
    }

    private static void convert(ByteBuffer src, DType from, ByteBuffer out, DType to) {
        if (from == to) {
            out.put(src);
            return;
        }
        while (src.hasRemaining()) {
            float v = switch (from) {
                case F32 -> src.getFloat();
                case F16 -> Float.float16ToFloat(src.getShort());
                case BF16 -> Float.intBitsToFloat((src.getShort() & 0xffff) << 16);
            };
            if (to == DType.F32) {
                out.putFloat(v);
            } else {
                out.putShort(Float.floatToFloat16(v));
            }
        }
    }

    /** Rounds to the nearest bfloat16 (ties to even), as torch does when casting. */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) 0x7fc0;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** A tensor to write: float values stored as {@code dtype}. */
    public record Tensor(long[] shape, float[] values) {}

    /** Writes tensors in the given order as one safetensors file. */
    public static void write(Path file, Map<String, Tensor> tensors, DType dtype) {
        ObjectNode header = Json.mapper().createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long bytes = (long) e.getValue().values().length * dtype.bytes;
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype.name());
            var shape = t.putArray("shape");
            long n = 1;
            for (long d : e.getValue().shape()) {
                shape.add(d);
                n *= d;
            }
            if (n != e.getValue().values().length) {
                throw new IllegalArgumentException(e.getKey() + ": shape does not match value count");
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = Json.line(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
            os.write(len.array());
            os.write(json);
            os.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(t.values().length * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : t.values()) {
                    switch (dtype) {
                        case F32 -> b.putFloat(v);
                        case F16 -> b.putShort(Float.floatToFloat16(v));
                        case BF16 -> b.putShort(toBf16(v));
                    }
                }
                os.write(b.array());
            }
        } catch (IOException ex) {
            throw new ModelException(file + ": cannot write: " + ex.getMessage(), ex);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }
}
