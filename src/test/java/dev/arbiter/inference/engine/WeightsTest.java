package dev.arbiter.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
    @TempDir
    Path dir;

    /** bf16 by hand: the top 16 bits of the float after round-to-nearest-even, written without the project's writer. */
    private static short bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int lsb = (bits >> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    private static void handWritten(Path file, String name, float[] values, boolean asBf16) throws IOException {
        String dtype = asBf16 ? "BF16" : "F32";
        int bytes = values.length * (asBf16 ? 2 : 4);
        String header = "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + values.length + "],\"data_offsets\":[0," + bytes + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (float v : values) {
            if (asBf16) {
                b.putShort(bf16(v));
            } else {
                b.putFloat(v);
            }
        }
        Files.write(file, b.array());
    }

    private static float[] read(Path file, String name, Safetensors.DType to) {
        Safetensors.Header h = Safetensors.header(file);
        Safetensors.Entry e = h.entries().get(name);
        ByteBuffer out = ByteBuffer.allocateDirect((int) e.elements() * 4);
        Safetensors.read(h, e, to, out);
        float[] f = new float[(int) e.elements()];
        for (int i = 0; i < f.length; i++) {
            f[i] = to == Safetensors.DType.F32 ? out.getFloat() : Float.float16ToFloat(out.getShort());
        }
        return f;
    }

    @Test
    void bf16LoadsToTheFp32ValuesAtBf16Precision() throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
        }
        v[0] = 1.0f;
        v[1] = -0.0f;
        v[2] = 3.0e38f;
        handWritten(dir.resolve("f32.safetensors"), "w", v, false);
        handWritten(dir.resolve("bf16.safetensors"), "w", v, true);
        float[] a = read(dir.resolve("f32.safetensors"), "w", Safetensors.DType.F32);
        float[] b = read(dir.resolve("bf16.safetensors"), "w", Safetensors.DType.F32);
        assertThat(a).containsExactly(v);
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            worst = Math.max(worst, Math.abs(b[i] - v[i]) / Math.abs(v[i] == 0 ? 1 : v[i]));
            // exactly the bf16 neighbour of the fp32 value
            assertThat(Float.floatToRawIntBits(b[i])).isEqualTo(bf16(v[i]) << 16);
        }
        assertThat(worst).isLessThanOrEqualTo(Math.pow(2, -8)).isGreaterThan(0);
        assertThat(b[0]).isEqualTo(1.0f);
        // and to fp16 (what the GPU path loads) through the same reader
        float[] h = read(dir.resolve("bf16.safetensors"), "w", Safetensors.DType.F16);
        assertThat(h[0]).isEqualTo(1.0f);
        assertThat((double) Math.abs(h[5] - v[5])).isLessThanOrEqualTo(Math.abs(v[5]) * 0.01 + 1e-4);
    }

    @Test
    void aBf16ModelComputesTheSameLogitsAsItsValuesInFp32() throws IOException {
        TinyModel.Spec spec = TinyModel.Spec.small(ModelConfig.Architecture.QWEN2);
        Path bf = dir.resolve("bf16");
        Path fp = dir.resolve("fp32");
        ModelConfig cfg = TinyModel.write(bf, spec.with(Safetensors.DType.BF16));
        // the same folder, but its weights re-written as fp32 holding the bf16 values, split into two shards
        TinyModel.write(fp, spec);
        Files.delete(fp.resolve("model.safetensors"));
        Checkpoint ck = Checkpoint.open(bf);
        Map<String, Safetensors.Tensor> one = new LinkedHashMap<>();
        Map<String, Safetensors.Tensor> two = new LinkedHashMap<>();
        var index = Json.mapper().createObjectNode();
        var map = index.putObject("weight_map");
        int i = 0;
        for (String name : ck.names()) {
            Safetensors.Entry e = ck.entry(name);
            ByteBuffer buf = ByteBuffer.allocateDirect((int) e.elements() * 4).order(ByteOrder.nativeOrder());
            Safetensors.read(ck.header(name), e, Safetensors.DType.F32, buf);
            float[] f = new float[(int) e.elements()];
            buf.asFloatBuffer().get(f);
            boolean first = i++ % 2 == 0;
            (first ? one : two).put(name, new Safetensors.Tensor(e.shape(), f));
            map.put(name, first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        Safetensors.write(fp.resolve("model-00001-of-00002.safetensors"), one, Safetensors.DType.F32);
        Safetensors.write(fp.resolve("model-00002-of-00002.safetensors"), two, Safetensors.DType.F32);
        Files.writeString(fp.resolve("model.safetensors.index.json"), Json.pretty(index));
        assertThat(Files.size(bf.resolve("model.safetensors")) * 2)
                .isCloseTo(Files.size(fp.resolve("model-00001-of-00002.safetensors")) + Files.size(fp.resolve("model-00002-of-00002.safetensors")),
                        org.assertj.core.data.Offset.offset(4096L));
        int[] seq = DecoderParityTest.randomTokens(cfg.vocabSize(), 7, 5);
        float[] a = logits(bf, seq);
        float[] b = logits(fp, seq);
        assertThat(a).containsExactly(b);
    }

    private static float[] logits(Path model, int[] seq) {
        try (DecoderModel m = DecoderModel.load(model, Device.cpu(), Torch.Precision.FP32);
             NDManager step = m.newStep(); KvCache c = m.newCache(1, 8)) {
            return m.forward(step, new int[][] {seq}, new int[] {0}, c, true).toFloatArray();
        }
    }

    @Test
    void brokenCheckpointsGiveOneLineReasons() throws IOException {
        TinyModel.write(dir, TinyModel.Spec.small(ModelConfig.Architecture.LLAMA));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"hidden_size\" : 64", "\"hidden_size\" : 32"));
        assertThatThrownBy(() -> DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32))
                .isInstanceOf(ModelException.class).hasMessageContaining("has shape").hasMessageContaining("config.json implies");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        assertThatThrownBy(() -> DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32)).hasMessageContaining("qwen2 and llama");
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.header(dir.resolve("model.safetensors"))).isInstanceOf(ModelException.class);
        assertThatThrownBy(() -> ModelConfig.read(dir.resolve("nowhere"))).hasMessageContaining("no config.json");
    }
}
