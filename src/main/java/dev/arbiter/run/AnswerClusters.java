package dev.arbiter.run;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Groups extracted answers by equivalence (a verifier's verdict, not string equality), so that
 * "1/2", "0.5" and "\frac{1}{2}" vote together in maj@k.
 */
public final class AnswerClusters {
    private AnswerClusters() {}

    /**
     * The cluster of each answer, numbered by first appearance; null where the answer is null. Each
     * answer joins the first cluster whose first member it is equivalent to; identical strings are
     * joined without asking.
     */
    public static Integer[] group(List<String> answers, BiPredicate<String, String> equivalent) {
        Integer[] out = new Integer[answers.size()];
        List<String> heads = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            String a = answers.get(i);
            if (a == null) {
                continue;
            }
            int found = heads.indexOf(a);
            for (int h = 0; found < 0 && h < heads.size(); h++) {
                if (equivalent.test(heads.get(h), a)) {
                    found = h;
                }
            }
            if (found < 0) {
                heads.add(a);
                found = heads.size() - 1;
            }
            out[i] = found;
        }
        return out;
    }
}
