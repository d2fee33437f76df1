package dev.arbiter.inference.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws tokens from logits in Java, in vLLM's order: the penalties on the logits (over the prompt's
 * tokens and those this sampler was told were generated), then temperature, min-p (drops tokens less
 * likely than min_p times the most likely one), top-k, top-p (the smallest set of most likely tokens
 * whose mass reaches p), then one uniform draw from the sequence's own stream. Greedy takes the
 * argmax of the penalized logits.
 */
public final class Sampler {
    private final Sampling params;
    private final SplittableRandom random;
    private final BitSet prompt = new BitSet();
    // generated token -> how many times: sparse, since a row sees few distinct tokens of a large vocabulary
    private final Map<Integer, Integer> generated = new HashMap<>();

    public Sampler(Sampling params) {
        this(params, new int[0]);
    }

    /** A sampler for one sequence continuing {@code prompt}, which the repetition penalty counts as already seen. */
    public Sampler(Sampling params, int[] prompt) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
        if (params.repetitionPenalty() != 1) {
            for (int id : prompt) {
                this.prompt.set(id);
            }
        }
    }

    /** Records a token the sequence generated (sampled or forced), for the penalties. */
    public void accept(int token) {
        if (params.penalized()) {
            generated.merge(token, 1, Integer::sum);
        }
    }

    /** Picks a token among the first {@code vocab} entries of {@code logits[offset ..]}. */
    public int next(float[] logits, int offset, int vocab) {
        if (params.penalized()) {
            logits = penalized(logits, offset, vocab);
            offset = 0;
        }
        if (params.temperature() == 0) {
            return argmax(logits, offset, vocab);
        }
        double[] probs = probabilities(logits, offset, vocab, params);
        double u = random.nextDouble();
        double acc = 0;
        int lastNonZero = -1;
        for (int i = 0; i < vocab; i++) {
            if (probs[i] > 0) {
                acc += probs[i];
                lastNonZero = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        // rounding left u just above the total mass; or no finite mass at all (NaN logits): the argmax, never -1
        return lastNonZero >= 0 ? lastNonZero : argmax(logits, offset, vocab);
    }

    /**
     * A copy of the first {@code vocab} logits with the penalties applied, in float arithmetic as vLLM
     * does: repetition (prompt and output tokens), then frequency and presence (output tokens).
     */
    public float[] penalized(float[] logits, int offset, int vocab) {
        float[] l = Arrays.copyOfRange(logits, offset, offset + vocab);
        float rep = (float) params.repetitionPenalty();
        if (rep != 1) {
            BitSet seen = (BitSet) prompt.clone();
            generated.keySet().forEach(seen::set);
            for (int id = seen.nextSetBit(0); id >= 0 && id < vocab; id = seen.nextSetBit(id + 1)) {
                l[id] = l[id] > 0 ? l[id] / rep : l[id] * rep;
            }
        }
        float freq = (float) params.frequencyPenalty();
        float presence = (float) params.presencePenalty();
        for (Map.Entry<Integer, Integer> e : generated.entrySet()) {
            int id = e.getKey();
            if (id < vocab) {
                l[id] -= freq * e.getValue();
                l[id] -= presence;
            }
        }
        return l;
    }

    public static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        float bestV = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float v = logits[offset + i];
            if (v > bestV) {
                bestV = v;
                best = i;
            }
        }
        return best;
    }

    /** The filtered distribution the sampler draws from, penalties aside (sums to 1; zero outside the kept set). */
    public static double[] probabilities(float[] logits, int offset, int vocab, Sampling s) {
        double[] p = new double[vocab];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double t = s.temperature();
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            // a penalty can push a logit to +Infinity (repetition_penalty under float's range): those tokens share the mass
            double e = max == Double.POSITIVE_INFINITY ? (logits[offset + i] == max ? 1 : 0) : Math.exp((logits[offset + i] - max) / t);
            p[i] = e;
            sum += e;
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= sum;
        }
        if (s.minP() > 0) {
            minP(p, s.minP());
        }
        if (s.topK() > 0 && s.topK() < vocab) {
            keepTop(p, s.topK());
        }
        if (s.topP() < 1) {
            nucleus(p, s.topP());
        }
        return p;
    }

    /** Zeroes the tokens less likely than {@code minP} times the most likely one, and renormalizes. */
    static void minP(double[] p, double minP) {
        double max = 0;
        for (double v : p) {
            max = Math.max(max, v);
        }
        double threshold = minP * max;
        boolean[] keep = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            keep[i] = p[i] >= threshold;
        }
        keepOnly(p, keep);
    }

    /** Zeroes all but the k largest (ties at the boundary broken by lower index) and renormalizes. */
    static void keepTop(double[] p, int k) {
        long[] keyed = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            keyed[i] = key(p[i], i);
        }
        Arrays.sort(keyed);
        boolean[] keep = new boolean[p.length];
        for (int j = 0; j < k; j++) {
            keep[index(keyed[keyed.length - 1 - j])] = true;
        }
        keepOnly(p, keep);
    }

    /**
     * Keeps the most likely tokens, in order, until their mass reaches {@code topP}; always at least
     * one. Only tokens above a threshold are sorted: a set of all tokens above some threshold whose
     * mass already reaches p contains the nucleus, so the answer is exact and a 150k vocabulary is
     * rarely sorted whole.
     */
    static void nucleus(double[] p, double topP) {
        double threshold = 1e-3;
        long[] cand;
        while (true) {
            int n = 0;
            double mass = 0;
            for (double v : p) {
                if (v >= threshold) {
                    n++;
                    mass += v;
                }
            }
            if (mass >= topP || threshold == 0) {
                cand = new long[n];
                int j = 0;
                for (int i = 0; i < p.length; i++) {
                    if (p[i] >= threshold) {
                        cand[j++] = key(p[i], i);
                    }
                }
                break;
            }
            threshold = threshold < 1e-12 ? 0 : threshold / 16;
        }
        Arrays.sort(cand);
        boolean[] keep = new boolean[p.length];
        double acc = 0;
        for (int j = cand.length - 1; j >= 0; j--) {
            int i = index(cand[j]);
            keep[i] = true;
            acc += p[i];
            if (acc >= topP) {
                break;
            }
        }
        keepOnly(p, keep);
    }

    /** Zeroes the tokens not kept and renormalizes the rest. */
    private static void keepOnly(double[] p, boolean[] keep) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (!keep[i]) {
                p[i] = 0;
            }
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
    }

    // Sort keys: the probability's float bits (order-preserving for non-negatives) above the
    // complemented index, so equal probabilities put the lower index last, i.e. first taken.
    private static long key(double prob, int index) {
        return ((long) Float.floatToIntBits((float) prob) << 32) | (0xffffffffL & ~index);
    }

    private static int index(long key) {
        return ~(int) key;
    }
}
