package dev.arbiter.run;

import java.util.List;
import java.util.Map;

/**
 * Which part of a run's (problem, sample) slots one `arbiter eval` process takes: all of them, one
 * shard's slice, or none (gathering the whole run that N shards wrote into one store).
 */
public sealed interface RunPart permits RunPart.Whole, RunPart.Shard, RunPart.Gather {
    /** The environment variable Kubernetes sets to a pod's index in an Indexed Job, counting from 0. */
    String INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** The environment variable that gives the number of shards when --shard-count does not. */
    String COUNT_ENV = "ARBITER_SHARD_COUNT";

    /** The whole run, on one machine. */
    RunPart WHOLE = new Whole();

    /** Every slot, sampled and scored here: a run on one machine. */
    record Whole() implements RunPart {}

    /**
     * Slice {@code index} of {@code count} (counting from 0): slot (problem at position p in the
     * benchmark's problem list, sample i) belongs to shard (p + i) mod count. It depends on neither n
     * nor the other benchmarks, so a raised --n keeps every earlier slot with its shard, and each
     * problem's samples are spread over the shards (a hard problem's long generations do not all land
     * on one machine). N processes that see the same problem list cover every slot exactly once.
     */
    record Shard(int index, int count) implements RunPart {
        public Shard {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("a shard is I/N with 0 <= I < N (I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX does), got "
                        + index + "/" + count);
            }
        }

        /** The shard that owns a slot among {@code count} shards. */
        public static int owner(int problemPosition, int sampleIndex, int count) {
            return Math.floorMod(problemPosition + sampleIndex, count);
        }

        public boolean owns(int problemPosition, int sampleIndex) {
            return owner(problemPosition, sampleIndex, count) == index;
        }

        /** How many of {@code problems} × {@code n} slots this shard owns. */
        public int size(int problems, int n) {
            int mine = 0;
            for (int p = 0; p < problems; p++) {
                for (int i = 0; i < n; i++) {
                    mine += owns(p, i) ? 1 : 0;
                }
            }
            return mine;
        }

        /** This shard's slots among {@code slots}, each problem placed by its position in {@code problemIds}. */
        public List<SampleSlot> slice(List<String> problemIds, List<SampleSlot> slots) {
            Map<String, Integer> position = positions(problemIds);
            return slots.stream().filter(s -> owns(position.get(s.problemId()), s.sampleIndex())).toList();
        }

        /** "shard 1 of 3". */
        public String label() {
            return "shard " + index + " of " + count;
        }

        /**
         * Parses --shard's I/N.
         *
         * @throws IllegalArgumentException with one line for the user
         */
        public static Shard parse(String text) {
            String[] parts = text.strip().split("/", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--shard wants I/N (shard I of N, I counting from 0), got '" + text + "'");
            }
            int i = whole(parts[0], "--shard's I in '" + text + "'");
            int n = whole(parts[1], "--shard's N in '" + text + "'");
            if (n < 1) {
                throw new IllegalArgumentException("--shard " + text + ": N, the number of shards, must be at least 1");
            }
            if (i >= n) {
                throw new IllegalArgumentException("--shard " + text + ": I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX does, so it must be"
                        + " below N: 0/" + n + " to " + (n - 1) + "/" + n);
            }
            return new Shard(i, n);
        }

        /**
         * The shard a pod of a Kubernetes Indexed Job takes: its index from {@value #INDEX_ENV}, the number of
         * shards from {@code count} (--shard-count) or else {@value #COUNT_ENV}.
         *
         * @throws IllegalArgumentException with one line for the user when either is missing or not a valid number
         */
        public static Shard fromEnv(Map<String, String> env, Integer count) {
            String index = env.get(INDEX_ENV);
            if (index == null || index.isBlank()) {
                throw new IllegalArgumentException("--shard-from-env reads the shard's index from " + INDEX_ENV
                        + ", which is not set (Kubernetes sets it in each pod of an Indexed Job); outside one, pass --shard I/N");
            }
            int i = whole(index, INDEX_ENV + " '" + index + "'");
            int n = countOf(env, count, "--shard-from-env");
            if (i >= n) {
                throw new IllegalArgumentException(INDEX_ENV + " is " + i + ", not below the number of shards " + n
                        + "; give the Job as many completions as shards (completions: " + n + ", completionMode: Indexed)");
            }
            return new Shard(i, n);
        }
    }

    /**
     * No slot is sampled: the whole run that {@code count} shards wrote into the store is read back and
     * scored as one run, once no slot is missing.
     */
    record Gather(int count) implements RunPart {
        public Gather {
            if (count < 1) {
                throw new IllegalArgumentException("the number of shards must be at least 1, got " + count);
            }
        }

        /**
         * The number of shards from {@code count} (--shard-count) or else {@value #COUNT_ENV}.
         *
         * @throws IllegalArgumentException with one line for the user when neither gives a valid number
         */
        public static Gather fromEnv(Map<String, String> env, Integer count) {
            return new Gather(countOf(env, count, "--gather"));
        }
    }

    /** Each problem id's position in its benchmark's list. */
    static Map<String, Integer> positions(List<String> problemIds) {
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int p = 0; p < problemIds.size(); p++) {
            position.put(problemIds.get(p), p);
        }
        return position;
    }

    private static int countOf(Map<String, String> env, Integer count, String flag) {
        if (count != null) {
            if (count < 1) {
                throw new IllegalArgumentException("--shard-count must be at least 1, got " + count);
            }
            return count;
        }
        String n = env.get(COUNT_ENV);
        if (n == null || n.isBlank()) {
            throw new IllegalArgumentException(flag + " needs the number of shards: pass --shard-count N or set " + COUNT_ENV);
        }
        int c = whole(n, COUNT_ENV + " '" + n + "'");
        if (c < 1) {
            throw new IllegalArgumentException(COUNT_ENV + " must be at least 1, got " + c);
        }
        return c;
    }

    private static int whole(String text, String what) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(what + " is not a whole number of 0 or more");
    }
}
