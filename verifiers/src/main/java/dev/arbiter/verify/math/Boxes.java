package dev.arbiter.verify.math;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Every {@code \boxed} and {@code \fbox} of a text, found in one pass with a stack of open braces
 * (a backslash escapes the next character), in the order they start. Scanning each box on its own
 * from its brace would cost the length of the text per box: nested or unclosed boxes repeated
 * make that quadratic.
 */
final class Boxes {
    /** A box whose closing brace is further than this from its opening one counts as unclosed. */
    static final int MAX_CONTENT = 50_000;
    private static final int UNCLOSED = -1;

    private final String text;
    private int count;
    private int[] starts = new int[8];
    private int[] contentStarts = new int[8];
    private int[] contentEnds = new int[8];
    private int[] ends = new int[8];

    private Boxes(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    /** A box: where its command starts, and its content (brace-matched, or "\boxed 5" up to a space or dollar). */
    record Box(int start, int end, String content) {}

    static Boxes scan(String text) {
        Boxes b = new Boxes(text);
        b.scan();
        return b;
    }

    private void scan() {
        String t = text;
        int n = t.length();
        ArrayDeque<Integer> open = new ArrayDeque<>(); // the box index of each open brace, or -1
        int i = 0;
        int steps = 0;
        // where the last "\boxed 5" content ends (a space or dollar): shared, so such boxes in a row stay linear
        int stop = -1;
        while (i < n) {
            if ((++steps & 0xFFF) == 0) {
                Deadline.checkCurrent();
            }
            char c = t.charAt(i);
            if (c == '\\') {
                int at = nameLength(t, i) > 0 ? i : i + 1 < n && t.charAt(i + 1) == '\\' && nameLength(t, i + 1) > 0 ? i + 1 : -1;
                if (at < 0) {
                    i += 2; // an escaped character
                    continue;
                }
                int k = at + nameLength(t, at);
                while (k < n && t.charAt(k) == ' ') {
                    k++;
                }
                if (k < n && t.charAt(k) == '{') {
                    open.push(add(at, k + 1, UNCLOSED, UNCLOSED));
                    i = k + 1;
                    continue;
                }
                if (k < n && k > at + 5) {
                    if (stop < k) {
                        stop = k;
                        while (stop < n && t.charAt(stop) != '$' && !Character.isWhitespace(t.charAt(stop))) {
                            stop++;
                        }
                    }
                    if (stop > k) {
                        add(at, k, stop, stop);
                    }
                } else if (k >= n) {
                    add(at, n, UNCLOSED, UNCLOSED); // the text ends at the command
                }
                i = at + 2; // the rest of the name and what follows are plain text to the braces around
                continue;
            }
            if (c == '{') {
                open.push(-1);
            } else if (c == '}' && !open.isEmpty()) {
                int box = open.pop();
                if (box >= 0 && i - contentStarts[box] < MAX_CONTENT) {
                    contentEnds[box] = i;
                    ends[box] = i + 1;
                }
            }
            i++;
        }
    }

    private static int nameLength(String t, int i) {
        return t.startsWith("\\boxed", i) ? 6 : t.startsWith("\\fbox", i) ? 5 : 0;
    }

    private int add(int start, int contentStart, int contentEnd, int end) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            contentStarts = Arrays.copyOf(contentStarts, count * 2);
            contentEnds = Arrays.copyOf(contentEnds, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = start;
        contentStarts[count] = contentStart;
        contentEnds[count] = contentEnd;
        ends[count] = end;
        return count++;
    }

    private Box box(int k) {
        return new Box(starts[k], ends[k], text.substring(contentStarts[k], contentEnds[k]));
    }

    /**
     * The closed box starting last before {@code before} and ending by then (anywhere when
     * {@code before} is past the text), or null.
     */
    Box closedBefore(int before) {
        for (int k = count - 1; k >= 0; k--) {
            if (starts[k] < before && ends[k] != UNCLOSED && (ends[k] <= before || before >= text.length())) {
                return box(k);
            }
        }
        return null;
    }

    /** The closed boxes whose content is at most {@code max} characters, in the order they start. */
    java.util.List<Box> closedUpTo(int max) {
        java.util.List<Box> out = new java.util.ArrayList<>();
        for (int k = 0; k < count; k++) {
            if (ends[k] != UNCLOSED && contentEnds[k] - contentStarts[k] <= max) {
                out.add(box(k));
            }
        }
        return out;
    }

    /** The box starting last, or null; null too when that box is never closed. */
    Box lastIfClosed() {
        return count == 0 || ends[count - 1] == UNCLOSED ? null : box(count - 1);
    }
}
