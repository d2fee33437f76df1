package dev.arbiter.perf;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.inference.engine.Torch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU check's parity step, run on the CPU: the same comparison, with fp16 as the precision that really differs. */
class DeviceParityTest {
    @TempDir
    Path dir;

    @Test
    void fp16OnTheCpuDiffersFromFp32ButStaysWithinItsLimit() {
        TinyModel.write(dir, DeviceParity.spec(ModelConfig.Architecture.LLAMA));
        DeviceParity.Result r = DeviceParity.compare(dir, dir, Device.cpu(), Torch.Precision.FP16);
        // 2 rows x (24 prompt positions + 8 decode steps)
        assertThat(r.positions()).isEqualTo(64);
        assertThat(r.scale()).as("random weights give logits far from zero").isGreaterThan(0.5);
        assertThat(r.maxDiff()).as("half precision really ran").isGreaterThan(1e-5);
        assertThat(r.relative()).isLessThanOrEqualTo(DeviceParity.limit(Torch.Precision.FP16));
        assertThat(r.passed()).isTrue();
        assertThat(r.top1()).isGreaterThan(0.9);
    }

    @Test
    void otherWeightsAreCaught() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        TinyModel.Spec s = DeviceParity.spec(ModelConfig.Architecture.QWEN2);
        TinyModel.write(a, s);
        TinyModel.write(b, new TinyModel.Spec(s.arch(), s.hidden(), s.intermediate(), s.layers(), s.heads(), s.kvHeads(), s.vocab(), s.merges(),
                s.tied(), s.initStd(), s.seed() + 1, s.dtype(), s.maxPositions()));
        DeviceParity.Result same = DeviceParity.compare(a, a, Device.cpu(), Torch.Precision.FP32);
        assertThat(same.maxDiff()).isLessThanOrEqualTo(1e-4 * same.scale());
        assertThat(same.passed()).isTrue();
        DeviceParity.Result other = DeviceParity.compare(a, b, Device.cpu(), Torch.Precision.FP32);
        assertThat(other.passed()).isFalse();
        assertThat(other.relative()).isGreaterThan(0.1);
    }

    @Test
    void theCommandLinePrintsALinePerArchitectureAndSaysOk() {
        StringWriter text = new StringWriter();
        boolean ok = DeviceParity.run("cpu", Torch.Precision.FP32, new PrintWriter(text));
        assertThat(ok).isTrue();
        assertThat(text.toString().lines()).hasSize(2)
                .allMatch(l -> l.startsWith("parity ") && l.contains("cpu() FP32") && l.endsWith(": ok"));
    }
}
