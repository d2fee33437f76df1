package dev.arbiter.inference.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The MLP's activation for {@link DecoderModel}'s Java path, with the Vector API's exp. */
final class VectorMlp {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorMlp() {}

    /** out[v, i] = silu(gu[v, i]) · gu[v, inter + i] for the gate and up halves of each of n vectors [n, 2·inter]. */
    static void swiglu(float[] gu, int inter, int from, int to, float[] out) {
        int l = S.length();
        int main = inter - inter % l;
        for (int v = from; v < to; v++) {
            int g = v * 2 * inter;
            int o = v * inter;
            for (int i = 0; i < main; i += l) {
                FloatVector gate = FloatVector.fromArray(S, gu, g + i);
                FloatVector up = FloatVector.fromArray(S, gu, g + inter + i);
                FloatVector sig = gate.neg().lanewise(VectorOperators.EXP).add(1f);
                gate.div(sig).mul(up).intoArray(out, o + i);
            }
            for (int i = main; i < inter; i++) {
                float gate = gu[g + i];
                out[o + i] = gate / (1f + (float) Math.exp(-gate)) * gu[g + inter + i];
            }
        }
    }

}
