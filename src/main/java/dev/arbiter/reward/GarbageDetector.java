package dev.arbiter.reward;

import java.util.HashSet;
import java.util.Set;

/**
 * T1's "no garbage" check, as rules (T1 published no code; these thresholds are ours). An output
 * is garbage when it
 * <ul>
 *   <li>ends in a loop: one piece of 1 to {@value #MAX_PERIOD} characters repeated back to back over
 *       at least the last {@value #MIN_LOOP_CHARS} characters, at least 3 times;</li>
 *   <li>is repetitive: at least {@value #MIN_WORDS} words of which fewer than 20% of the 4-word
 *       sequences are distinct;</li>
 *   <li>is garbled: over 0.5% of its characters are replacement characters, stray control characters
 *       or unassigned code points, or three or more writing systems each make up at least 5% of its
 *       letters.</li>
 * </ul>
 * Reasoning that restates a line a few times passes; a model stuck repeating itself until its token
 * budget runs out does not.
 */
public final class GarbageDetector {
    static final int MAX_PERIOD = 512;
    static final int MIN_LOOP_CHARS = 256;
    static final int MIN_WORDS = 200;

    private GarbageDetector() {}

    /** Why {@code text} is garbage, or null when it is not. */
    public static String check(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String loop = loop(text);
        if (loop != null) {
            return loop;
        }
        String rep = repetitive(text);
        if (rep != null) {
            return rep;
        }
        return garbled(text);
    }

    private static String loop(String s) {
        int n = s.length();
        // Trailing whitespace is where a stream often stopped mid-loop; it says nothing.
        while (n > 0 && Character.isWhitespace(s.charAt(n - 1))) {
            n--;
        }
        for (int p = 1; p <= MAX_PERIOD && 2 * p <= n; p++) {
            int need = Math.max(MIN_LOOP_CHARS, 3 * p) - p;
            if (need + p > n) {
                break;
            }
            int run = 0;
            while (run < need && s.charAt(n - 1 - run) == s.charAt(n - 1 - run - p)) {
                run++;
            }
            if (run >= need) {
                String unit = s.substring(n - p, n).strip();
                return "ends in a loop of \"" + (unit.length() > 40 ? unit.substring(0, 40) + "…" : unit) + "\"";
            }
        }
        return null;
    }

    private static String repetitive(String s) {
        String[] words = s.split("\\s+");
        if (words.length < MIN_WORDS) {
            return null;
        }
        Set<String> grams = new HashSet<>();
        int total = 0;
        for (int i = 0; i + 4 <= words.length; i++) {
            grams.add(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2] + ' ' + words[i + 3]);
            total++;
        }
        double distinct = grams.size() / (double) total;
        return distinct < 0.2 ? String.format("repetitive: %.0f%% of its 4-word sequences are distinct", distinct * 100) : null;
    }

    private static String garbled(String s) {
        int bad = 0;
        int chars = 0;
        int letters = 0;
        java.util.Map<Character.UnicodeScript, Integer> scripts = new java.util.EnumMap<>(Character.UnicodeScript.class);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            chars++;
            int type = Character.getType(cp);
            if (cp == 0xFFFD || type == Character.UNASSIGNED || type == Character.SURROGATE
                    || (type == Character.CONTROL && cp != '\n' && cp != '\r' && cp != '\t')) {
                bad++;
            } else if (Character.isLetter(cp)) {
                letters++;
                Character.UnicodeScript sc = Character.UnicodeScript.of(cp);
                // Han, kana and hangul are one writing system for this purpose: Japanese mixes the first two.
                if (sc == Character.UnicodeScript.HIRAGANA || sc == Character.UnicodeScript.KATAKANA) {
                    sc = Character.UnicodeScript.HAN;
                }
                scripts.merge(sc, 1, Integer::sum);
            }
        }
        if (bad * 200 > chars) {
            return "garbled: " + bad + " of " + chars + " characters are invalid or control characters";
        }
        if (letters >= 40) {
            int finalLetters = letters;
            long big = scripts.values().stream().filter(c -> c * 20 >= finalLetters).count();
            if (big >= 3) {
                return "garbled: " + big + " writing systems mixed";
            }
        }
        return null;
    }
}
