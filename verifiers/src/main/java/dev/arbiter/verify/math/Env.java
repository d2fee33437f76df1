package dev.arbiter.verify.math;

import java.util.ArrayList;
import java.util.List;

/**
 * A LaTeX math environment in running text: $$...$$ and \[...\] (may span lines), $...$ and
 * \(...\) (one line; a $ after a digit or backslash is money or an escape, not math).
 */
record Env(int start, int end, String content) {

    /** How far past its start an environment read at an anchor may close: longer ones cannot be parsed anyway. */
    static final int MAX_AT_ANCHOR = 2 * LatexNormalizer.MAX_LENGTH;

    /** Every environment starting at or after {@code from}, in one linear pass. */
    static List<Env> scan(String text, int from) {
        return new Scanner(text, text.length()).scan(from, Integer.MAX_VALUE);
    }

    /** The environment beginning at {@code at}, allowing a few leading spaces. */
    static Env startingAt(String text, int at) {
        List<Env> first = new Scanner(text, (int) Math.min(text.length(), (long) at + MAX_AT_ANCHOR)).scan(at, at + 3);
        return first.isEmpty() ? null : first.get(0);
    }

    /**
     * Reads environments in {@code text} up to {@code limit}. Positions only grow during a scan, so a
     * search for a closing delimiter is remembered while its answer still lies ahead: an unclosed
     * delimiter repeated costs one search, not one per repetition.
     */
    private static final class Scanner {
        private final String text;
        private final int limit;
        private final Finder dollars;
        private final Finder brackets;
        private final Finder parens;
        private final Finder newlines;

        Scanner(String text, int limit) {
            this.text = text;
            this.limit = limit;
            this.dollars = new Finder("$$");
            this.brackets = new Finder("\\]");
            this.parens = new Finder("\\)");
            this.newlines = new Finder("\n");
        }

        /** Environments starting at or after {@code from}; with a {@code maxStart}, only the first one starting by then. */
        List<Env> scan(int from, int maxStart) {
            List<Env> out = new ArrayList<>();
            int n = limit;
            int i = from;
            int steps = 0;
            while (i < n && i <= maxStart && (maxStart == Integer.MAX_VALUE || out.isEmpty())) {
                if ((++steps & 0xFFF) == 0) {
                    Deadline.checkCurrent();
                }
                char c = text.charAt(i);
                if (c == '$' && i + 1 < n && text.charAt(i + 1) == '$') {
                    int close = dollars.next(i + 2);
                    if (close < 0) {
                        break;
                    }
                    out.add(new Env(i, close + 2, text.substring(i + 2, close)));
                    i = close + 2;
                    continue;
                }
                if (c == '\\' && i + 1 < n) {
                    char d = text.charAt(i + 1);
                    if (d == '[') {
                        int close = brackets.next(i + 2);
                        if (close >= 0) {
                            out.add(new Env(i, close + 2, text.substring(i + 2, close)));
                            i = close + 2;
                            continue;
                        }
                    } else if (d == '(') {
                        int close = parens.next(i + 2);
                        int nl = newlines.next(i + 2);
                        if (close >= 0 && (nl < 0 || close < nl)) {
                            out.add(new Env(i, close + 2, text.substring(i + 2, close)));
                            i = close + 2;
                            continue;
                        }
                    }
                    i += 2; // an escaped character, e.g. \$
                    continue;
                }
                if (c == '$' && !(i > 0 && Character.isDigit(text.charAt(i - 1)))) {
                    int j = i + 1;
                    int close = -1;
                    while (j < n) {
                        char e = text.charAt(j);
                        if (e == '\n') {
                            break;
                        }
                        if (e == '\\') {
                            j += 2;
                            continue;
                        }
                        if (e == '$') {
                            close = j;
                            break;
                        }
                        j++;
                    }
                    if (close > i + 1) {
                        out.add(new Env(i, close + 1, text.substring(i + 1, close)));
                        i = close + 1;
                        continue;
                    }
                    i = close == i + 1 ? close + 1 : i + 1;
                    continue;
                }
                i++;
            }
            return out;
        }

        /** {@code indexOf} within the limit, remembering its last answer. */
        private final class Finder {
            private final String what;
            private int searchedFrom = Integer.MAX_VALUE;
            private int found;

            Finder(String what) {
                this.what = what;
            }

            int next(int from) {
                if (from >= searchedFrom && (found < 0 || found >= from)) {
                    return found;
                }
                searchedFrom = from;
                int k;
                if (limit == text.length()) {
                    k = text.indexOf(what, from);
                } else {
                    k = from >= limit ? -1 : text.substring(from, limit).indexOf(what); // never past the limit
                    k = k < 0 ? -1 : from + k;
                }
                found = k >= 0 && k + what.length() <= limit ? k : -1;
                return found;
            }
        }
    }
}
