package dev.arbiter.benchmark;

import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LiveCodeBench's release tags, as slices of its six published files: {@code release_vN} is slices
 * 1..N, {@code vN} is slice N alone, {@code vI_vJ} is slices I..J, {@code release_latest} is all.
 */
record LcbRelease(String tag, BitSet slices) {
    static final int LATEST = 6;
    private static final Pattern RELEASE = Pattern.compile("release_v(\\d+)");
    private static final Pattern SLICE = Pattern.compile("v(\\d+)");
    private static final Pattern RANGE = Pattern.compile("v(\\d+)_v(\\d+)");

    static LcbRelease parse(String tag) {
        if (tag.equals("release_latest")) {
            return new LcbRelease(tag, range(1, LATEST, tag));
        }
        Matcher m;
        if ((m = RELEASE.matcher(tag)).matches()) {
            return new LcbRelease(tag, range(1, Integer.parseInt(m.group(1)), tag));
        }
        if ((m = SLICE.matcher(tag)).matches()) {
            int n = Integer.parseInt(m.group(1));
            return new LcbRelease(tag, range(n, n, tag));
        }
        if ((m = RANGE.matcher(tag)).matches()) {
            return new LcbRelease(tag, range(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), tag));
        }
        throw new BenchmarkException("unknown LiveCodeBench release '" + tag
                + "'; use release_v1..release_v" + LATEST + ", release_latest, v1..v" + LATEST + " or a range such as v4_v5");
    }

    boolean includes(int slice) {
        return slices.get(slice);
    }

    /** Whether every slice 1..n is included. */
    boolean includesAllUpTo(int n) {
        return slices.nextClearBit(1) > n;
    }

    private static BitSet range(int from, int to, String tag) {
        if (from < 1 || to > LATEST || from > to) {
            throw new BenchmarkException("LiveCodeBench release '" + tag + "' is outside v1..v" + LATEST);
        }
        BitSet b = new BitSet();
        b.set(from, to + 1);
        return b;
    }
}
