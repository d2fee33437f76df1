package dev.arbiter.verify.math;

import java.util.ArrayList;
import java.util.List;

/**
 * A LaTeX math environment in running text: $$...$$ and \[...\] (may span lines), $...$ and
 * \(...\) (one line; a $ after a digit or backslash is money or an escape, not math).
 */
record Env(int start, int end, String content) {

    static List<Env> scan(String text, int from) {
        return scan(text, from, Integer.MAX_VALUE);
    }

    /** Environments starting at or after {@code from}; with a {@code maxStart}, only the first one starting by then. */
    private static List<Env> scan(String text, int from, int maxStart) {
        List<Env> out = new ArrayList<>();
        int n = text.length();
        int i = from;
        while (i < n && i <= maxStart && (maxStart == Integer.MAX_VALUE || out.isEmpty())) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < n && text.charAt(i + 1) == '$') {
                int close = text.indexOf("$$", i + 2);
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
                    int close = text.indexOf("\\]", i + 2);
                    if (close >= 0) {
                        out.add(new Env(i, close + 2, text.substring(i + 2, close)));
                        i = close + 2;
                        continue;
                    }
                } else if (d == '(') {
                    int close = text.indexOf("\\)", i + 2);
                    int nl = text.indexOf('\n', i + 2);
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

    /** The environment beginning at {@code at}, allowing a few leading spaces. */
    static Env startingAt(String text, int at) {
        List<Env> first = scan(text, at, at + 3);
        return first.isEmpty() ? null : first.get(0);
    }
}
