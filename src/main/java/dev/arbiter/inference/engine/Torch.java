package dev.arbiter.inference.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * DJL's PyTorch engine, started offline: the CPU natives travel in the jar, and nothing may be
 * fetched at run time. GPU when libtorch sees one (fp16 there), else CPU (fp32).
 */
public final class Torch {
    private Torch() {}

    public enum Precision {
        FP32(DataType.FLOAT32), FP16(DataType.FLOAT16);

        final DataType type;

        Precision(DataType type) {
            this.type = type;
        }

        public DataType type() {
            return type;
        }
    }

    private static volatile Engine engine;

    public static synchronized Engine engine() {
        if (engine == null) {
            if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            // DJL's JIT graph optimizer only matters for TorchScript models, which we never load.
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
            try {
                engine = Engine.getEngine("PyTorch");
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new ModelException("the PyTorch engine did not start: " + e.getMessage()
                        + " (on a GPU machine, point PYTORCH_LIBRARY_PATH at a libtorch 2.7.1 and its libdjl_torch.so)", e);
            }
        }
        return engine;
    }

    /** "auto" picks the first GPU when there is one. */
    public static Device device(String name) {
        Engine e = engine();
        return switch (name) {
            case "auto" -> e.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            default -> {
                if (!name.startsWith("gpu") && !name.startsWith("cuda")) {
                    throw new ModelException("unknown device '" + name + "'; use auto, cpu, gpu or gpu:N");
                }
                int id = name.contains(":") ? Integer.parseInt(name.substring(name.indexOf(':') + 1)) : 0;
                if (id >= e.getGpuCount()) {
                    throw new ModelException("no GPU " + id + " (libtorch sees " + e.getGpuCount() + ")");
                }
                yield Device.gpu(id);
            }
        };
    }

    /** {@code requested}, or when null the device's default: fp16 on a GPU, fp32 on the CPU. */
    public static Precision precision(Device d, Precision requested) {
        return requested != null ? requested : d.isGpu() ? Precision.FP16 : Precision.FP32;
    }

    /**
     * Sets libtorch's intra-op threads. Several threads split float sums differently from run to run;
     * training uses one on the CPU so that runs, and resumed runs, repeat as often as libtorch allows.
     */
    public static void threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        engine();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
    }

    public static NDManager manager(Device d) {
        return NDManager.newBaseManager(d, engine().getEngineName());
    }
}
