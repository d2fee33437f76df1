package dev.arbiter.train.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arbiter.inference.engine.Safetensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay over a model's named weights, with global-norm gradient clipping.
 * Its moments are plain tensors under the weights' names, so they go into a checkpoint and come
 * back bit for bit when a run resumes.
 */
public final class AdamW implements AutoCloseable {
    /** Hyperparameters; {@code maxGradNorm} 0 turns clipping off. */
    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
        public Settings {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam's betas must be in [0, 1)");
            }
            if (!(eps > 0) || !(weightDecay >= 0) || !(maxGradNorm >= 0)) {
                throw new IllegalArgumentException("eps must be positive, weight decay and the gradient norm limit >= 0");
            }
        }

        public static Settings of(double lr) {
            return new Settings(lr, 0.9, 0.999, 1e-8, 0.0, 1.0);
        }
    }

    private final Settings s;
    private final Map<String, NDArray> weights;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long steps;

    public AdamW(Map<String, NDArray> weights, Settings s, NDManager parent) {
        this.s = s;
        this.weights = weights;
        this.manager = parent.newSubManager();
        weights.forEach((n, w) -> {
            m.put(n, manager.zeros(w.getShape()));
            v.put(n, manager.zeros(w.getShape()));
        });
    }

    public long steps() {
        return steps;
    }

    /**
     * Applies one update from the gradients autograd left on the weights, then zeroes them.
     *
     * @return the global gradient norm before clipping
     */
    public double step(double lr) {
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            double sq = 0;
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(tmp);
                grads.put(e.getKey(), g);
                sq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            double scale = s.maxGradNorm() > 0 && norm > s.maxGradNorm() ? s.maxGradNorm() / norm : 1.0;
            steps++;
            double c1 = 1 - StrictMath.pow(s.beta1(), steps); // StrictMath: the same bits whether interpreted or JIT-compiled
            double c2 = 1 - StrictMath.pow(s.beta2(), steps);
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                String n = e.getKey();
                NDArray w = e.getValue();
                NDArray g = grads.get(n).mul(scale);
                m.get(n).muli(s.beta1()).addi(g.mul(1 - s.beta1()));
                v.get(n).muli(s.beta2()).addi(g.square().mul(1 - s.beta2()));
                NDArray update = m.get(n).div(c1).div(v.get(n).div(c2).sqrt().add(s.eps()));
                if (s.weightDecay() > 0) {
                    w.subi(w.mul(lr * s.weightDecay()));
                }
                w.subi(update.mul(lr));
                grads.get(n).muli(0);
            }
            return norm;
        }
    }

    /** The moments as host tensors, named {@code m.<weight>} and {@code v.<weight>}. */
    public Map<String, Safetensors.Tensor> state() {
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        m.forEach((n, a) -> out.put("m." + n, new Safetensors.Tensor(a.getShape().getShape(), a.toFloatArray())));
        v.forEach((n, a) -> out.put("v." + n, new Safetensors.Tensor(a.getShape().getShape(), a.toFloatArray())));
        return out;
    }

    public void restore(Map<String, Safetensors.Tensor> state, long steps) {
        for (var side : Map.of("m.", m, "v.", v).entrySet()) {
            side.getValue().forEach((n, a) -> {
                Safetensors.Tensor t = state.get(side.getKey() + n);
                if (t == null) {
                    throw new IllegalStateException("the optimizer state has no " + side.getKey() + n);
                }
                try (NDManager tmp = manager.newSubManager()) {
                    a.set(tmp.create(t.values(), a.getShape()).toByteBuffer());
                }
            });
        }
        this.steps = steps;
    }

    @Override
    public void close() {
        manager.close();
    }
}
