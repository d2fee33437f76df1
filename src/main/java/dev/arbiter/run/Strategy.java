package dev.arbiter.run;

/** How `arbiter eval` makes each answer. */
public enum Strategy {
    /** One completion per answer. */
    SAMPLE,
    /** n completions, and the majority vote among them (answers grouped by the verifier's equivalence). */
    SELF_CONSISTENCY,
    /** n completions, and the verifier as the oracle that picks one: the upper bound of any reranker. */
    BEST_OF_N,
    /** Each answer from SIFT's sticker stages. */
    SIFT;

    /** The name on the command line: sample, self-consistency, best-of-n, sift. */
    public String cliName() {
        return name().toLowerCase().replace('_', '-');
    }

    /** The strategy by its command-line name, in any case. */
    public static Strategy parse(String name) {
        for (Strategy s : values()) {
            if (s.cliName().equalsIgnoreCase(name.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a strategy; choose sample, self-consistency, best-of-n or sift");
    }

    /** Whether the strategy's figure is read at k = n. */
    public boolean needsAllN() {
        return this == SELF_CONSISTENCY || this == BEST_OF_N;
    }

    /** What the store's model field carries, so that a strategy's answers never mix with plain samples. */
    public String storeTag() {
        return "[strategy " + name().toLowerCase() + "/1]";
    }
}
