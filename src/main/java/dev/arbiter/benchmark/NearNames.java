package dev.arbiter.benchmark;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Known names close to a mistyped one, for "did you mean" in error messages. */
final class NearNames {
    private NearNames() {}

    /**
     * At most three of {@code known}, closest first: those within a few edits of {@code typed}
     * (case, '-' and '_' ignored), or holding it whole. Empty when nothing is close.
     */
    static List<String> near(String typed, Collection<String> known) {
        String t = fold(typed);
        int limit = Math.max(2, Math.min(3, t.length() / 3));
        record Hit(String name, int distance) {}
        List<Hit> hits = new ArrayList<>();
        for (String k : known) {
            String f = fold(k);
            int d = distance(t, f);
            if (d <= limit || (t.length() >= 3 && f.contains(t))) {
                hits.add(new Hit(k, d));
            }
        }
        return hits.stream().sorted(Comparator.comparingInt(Hit::distance)).limit(3).map(Hit::name).toList();
    }

    /** " (did you mean 'a' or 'b'?)" when something is close, else "". */
    static String didYouMean(String typed, Collection<String> known) {
        List<String> near = near(typed, known);
        return near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near.stream().map(n -> "'" + n + "'").toList()) + "?)";
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Edits (insert, delete, replace, swap of neighbours) from a to b. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
