package dev.arbiter.train.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arbiter.inference.engine.KvCache;
import dev.arbiter.inference.engine.Sampler;
import dev.arbiter.inference.engine.Sampling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Samples responses from the current policy, all rows of a batch at once with a KV cache and
 * autograd off. Every draw comes from one stream that the caller seeds per step, consumed in row
 * order, so a step's samples depend only on the weights and that seed.
 */
public final class Rollouts {
    private Rollouts() {}

    /** One sampled response: its tokens without the stop token, and the stop token it drew (-1: it ran out of budget). */
    public record Rollout(int promptIndex, int[] prompt, int[] response, int stopToken) {
        public boolean stopped() {
            return stopToken >= 0;
        }
    }

    /**
     * @param prompts token ids per prompt
     * @param group samples per prompt
     * @param sampling temperature and top-p (its seed is ignored: draws come from {@code random})
     * @param stop token ids that end a response
     */
    public static List<Rollout> sample(PolicyModel model, List<int[]> prompts, int group, Sampling sampling, int maxNewTokens, Set<Integer> stop,
            int padId, SplittableRandom random) {
        int rows = prompts.size() * group;
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        int[][] first = new int[rows][longest];
        int[] pads = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] p = prompts.get(r / group);
            pads[r] = longest - p.length;
            Arrays.fill(first[r], 0, pads[r], padId);
            System.arraycopy(p, 0, first[r], pads[r], p.length);
        }
        int vocab = model.config().vocabSize();
        int[][] out = new int[rows][maxNewTokens];
        int[] len = new int[rows];
        boolean[] done = new boolean[rows];
        int[] stopped = new int[rows];
        Arrays.fill(stopped, -1);
        try (NDManager scope = model.newStep(); KvCache cache = model.newCache(rows, longest + maxNewTokens)) {
            int[][] feed = first;
            for (int t = 0; t < maxNewTokens; t++) {
                float[] logits;
                try (NDManager step = scope.newSubManager()) {
                    NDArray all = model.forward(step, feed, pads, cache);
                    long width = all.getShape().get(1);
                    logits = all.get(new ai.djl.ndarray.index.NDIndex().addAllDim().addIndices(width - 1)).toFloatArray();
                }
                int[][] next = new int[rows][1];
                boolean any = false;
                for (int r = 0; r < rows; r++) {
                    if (done[r]) {
                        next[r][0] = padId;
                        continue;
                    }
                    int tok = draw(logits, r * vocab, vocab, sampling, random);
                    if (stop.contains(tok)) {
                        done[r] = true;
                        stopped[r] = tok;
                        next[r][0] = padId;
                        continue;
                    }
                    out[r][len[r]++] = tok;
                    next[r][0] = tok;
                    any = true;
                }
                if (!any) {
                    break;
                }
                feed = next;
            }
        }
        List<Rollout> result = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            result.add(new Rollout(r / group, prompts.get(r / group), Arrays.copyOf(out[r], len[r]), stopped[r]));
        }
        return result;
    }

    private static int draw(float[] logits, int offset, int vocab, Sampling s, SplittableRandom random) {
        if (s.temperature() == 0) {
            return Sampler.argmax(logits, offset, vocab);
        }
        double[] p = Sampler.probabilities(logits, offset, vocab, s);
        double u = random.nextDouble();
        double acc = 0;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (p[i] > 0) {
                acc += p[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }
}
