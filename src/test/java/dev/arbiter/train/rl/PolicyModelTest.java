package dev.arbiter.train.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.arbiter.inference.engine.DecoderModel;
import dev.arbiter.inference.engine.KvCache;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.inference.engine.Torch;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The trainable decoder computes what the inference engine computes, and its gradients are true derivatives. */
class PolicyModelTest {
    @TempDir
    Path tmp;

    private static final int[] SEQ = {5, 77, 3, 120, 42, 9, 200};

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void logitsMatchTheInferenceEngineBeforeAndAfterASaveRoundTrip(ModelConfig.Architecture arch) {
        Path dir = tmp.resolve("m");
        TinyModel.write(dir, TinyModel.Spec.small(arch));
        float[] engine = engineLogits(dir);
        try (PolicyModel p = PolicyModel.load(dir, Device.cpu(), true); NDManager step = p.newStep()) {
            float[] mine = p.forward(step, new int[][] {SEQ}, new int[] {0}, null).toFloatArray();
            assertClose(mine, engine);
            p.save(tmp.resolve("saved"), Safetensors.DType.F32);
        }
        assertClose(engineLogits(tmp.resolve("saved")), engine);
    }

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void aLeftPaddedRowAndTheCachedPathGiveTheSameLogitsAsTheBareSequence(ModelConfig.Architecture arch) {
        Path dir = tmp.resolve("m");
        TinyModel.write(dir, TinyModel.Spec.small(arch));
        try (PolicyModel p = PolicyModel.load(dir, Device.cpu(), false); NDManager step = p.newStep()) {
            int vocab = p.config().vocabSize();
            float[] bare = p.forward(step, new int[][] {SEQ}, new int[] {0}, null).toFloatArray();
            int[] padded = new int[SEQ.length + 3];
            System.arraycopy(SEQ, 0, padded, 3, SEQ.length);
            float[] withPad = p.forward(step, new int[][] {padded}, new int[] {3}, null).toFloatArray();
            float[] tail = java.util.Arrays.copyOfRange(withPad, 3 * vocab, withPad.length);
            assertClose(tail, bare);
            try (KvCache cache = p.newCache(1, 4)) {
                p.forward(step, new int[][] {java.util.Arrays.copyOf(SEQ, 4)}, new int[] {0}, cache);
                float[] last = null;
                for (int t = 4; t < SEQ.length; t++) {
                    last = p.forward(step, new int[][] {{SEQ[t]}}, new int[] {0}, cache).toFloatArray();
                }
                assertClose(last, java.util.Arrays.copyOfRange(bare, (SEQ.length - 1) * vocab, SEQ.length * vocab));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ModelConfig.Architecture.class)
    void autogradAgreesWithFiniteDifferencesOnSeveralWeights(ModelConfig.Architecture arch) {
        Path dir = tmp.resolve("m");
        TinyModel.write(dir, TinyModel.Spec.small(arch));
        String[] names = {"model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight", "model.norm.weight",
            "model.embed_tokens.weight"};
        try (PolicyModel p = PolicyModel.load(dir, Device.cpu(), true)) {
            try (NDManager step = p.newStep(); GradientCollector gc = Engine.getEngine(Torch.engine().getEngineName()).newGradientCollector()) {
                gc.backward(objective(p, step));
            }
            for (String n : names) {
                NDArray w = p.parameters().get(n);
                float[] grad = w.getGradient().toFloatArray();
                float[] values = w.toFloatArray();
                int idx = n.contains("embed") ? 77 * p.config().hiddenSize() + 3 : values.length / 3;
                double h = 1e-2;
                double up = perturbed(p, w, values, idx, h);
                double down = perturbed(p, w, values, idx, -h);
                double numeric = (up - down) / (2 * h);
                assertThat(grad[idx]).as(n).isCloseTo((float) numeric, within((float) (2e-3 + 2e-2 * Math.abs(numeric))));
                assertThat(Math.abs(numeric)).as(n + ": a derivative large enough to mean something").isGreaterThan(1e-4);
            }
        }
    }

    /** Sum over positions of log p(next token): the quantity policy gradients push. */
    private static NDArray objective(PolicyModel p, NDManager step) {
        int[] in = java.util.Arrays.copyOf(SEQ, SEQ.length - 1);
        long[] next = new long[in.length];
        for (int i = 0; i < in.length; i++) {
            next[i] = SEQ[i + 1];
        }
        NDArray logits = p.forward(step, new int[][] {in}, new int[] {0}, null);
        return logits.logSoftmax(-1).gather(step.create(next).reshape(1, in.length, 1), -1).sum();
    }

    private static double perturbed(PolicyModel p, NDArray w, float[] values, int idx, double h) {
        float[] v = values.clone();
        v[idx] += (float) h;
        try (NDManager step = p.newStep()) {
            w.set(step.create(v, w.getShape()).toByteBuffer());
            double out = objective(p, step).getFloat();
            w.set(step.create(values, w.getShape()).toByteBuffer());
            return out;
        }
    }

    private static float[] engineLogits(Path dir) {
        try (DecoderModel m = DecoderModel.load(dir, Device.cpu(), Torch.Precision.FP32); NDManager step = m.newStep();
                KvCache c = m.newCache(1, SEQ.length)) {
            return m.forward(step, new int[][] {SEQ}, new int[] {0}, c, true).toFloatArray();
        }
    }

    private static void assertClose(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertThat(worst).isLessThan(1e-3);
    }
}
