package dev.arbiter.verify.math;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a multiple-choice letter, for benchmarks that declare their choices. */
final class ChoiceExtractor {
    private ChoiceExtractor() {}

    /**
     * The compiled patterns for one set of letters: the whole text, a box, then three anchors; and
     * what makes an answer name several letters: a box listing them, or a statement going on with
     * "or B", "and B", ", B" or "/B".
     */
    private record Patterns(Pattern whole, Pattern boxed, List<Pattern> anchors, Pattern boxedList, Pattern another) {
        static Patterns of(String letters) {
            String cls = "[" + letters + letters.toLowerCase(Locale.ROOT) + "]";
            String joiner = "\\s*(?:,|/|&|;|\\bor\\b|\\band\\b)\\s*";
            return new Patterns(
                    Pattern.compile("^\\(?\\$?(?:\\\\text\\{)?\\(?(" + cls + ")\\)?\\}?\\$?\\)?\\.?$"),
                    Pattern.compile("^\\s*(?:\\\\text(?:bf)?\\{)?\\s*\\(?(" + cls + ")\\)?\\s*\\}?\\s*$"),
                    List.of(Pattern.compile("(?:final answer|answer)\\s*(?:is|:)\\s*\\**\\s*\\(?(" + cls + ")\\)?(?![A-Za-z])",
                                    Pattern.CASE_INSENSITIVE),
                            Pattern.compile("(?m)^\\s*\\**\\(?(" + cls + ")[).:]", Pattern.CASE_INSENSITIVE),
                            Pattern.compile("\\((" + cls + ")\\)", Pattern.CASE_INSENSITIVE)),
                    Pattern.compile("^\\s*(?:\\\\text(?:bf)?\\{)?\\s*\\(?" + cls + "\\)?(?:" + joiner + "\\(?" + cls + "\\)?)+\\s*\\}?\\s*$"),
                    Pattern.compile("^\\**(?i:" + joiner + ")\\**\\(?([" + letters + "])\\)?(?![A-Za-z])"));
        }
    }

    private static final java.util.Map<String, Patterns> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The chosen letter: the whole text as a letter, the letter in {@code box} (the text's last box,
     * or null), then with {@code anchors} "answer is X", a line starting "X)" and "(X)". An answer
     * that names several letters ("A or B", a box listing two, or lines or brackets naming more than
     * one option) is no choice: it comes back as the letters joined by ", ", which equals no gold letter.
     */
    static String letter(String text, List<String> choices, Boxes.Box box, boolean anchors) {
        String letters = String.join("", choices).toUpperCase(Locale.ROOT);
        if (letters.isEmpty() || !letters.matches("[A-Z]+")) {
            return null;
        }
        Patterns ps = PATTERNS.computeIfAbsent(letters, Patterns::of);
        Matcher whole = ps.whole().matcher(text.strip());
        if (whole.find()) {
            return whole.group(1).toUpperCase(Locale.ROOT);
        }
        if (box != null) {
            Matcher m = ps.boxed().matcher(box.content());
            if (m.find()) {
                return m.group(1).toUpperCase(Locale.ROOT);
            }
            if (ps.boxedList().matcher(box.content()).find()) {
                return several(box.content(), letters);
            }
        }
        if (!anchors) {
            return null;
        }
        String tail = text.substring(Math.max(0, text.length() - 5000));
        List<Pattern> anchorList = ps.anchors();
        for (int i = 0; i < anchorList.size(); i++) {
            Matcher m = anchorList.get(i).matcher(tail);
            String found = null;
            int end = -1;
            java.util.Set<String> named = new java.util.TreeSet<>();
            while (m.find()) {
                found = m.group(1).toUpperCase(Locale.ROOT);
                end = m.end();
                named.add(found);
            }
            if (found == null) {
                continue;
            }
            if (i == 0) {
                // the last statement of the answer decides, unless it goes on to name another letter
                Matcher more = ps.another().matcher(tail.substring(end));
                return more.find() ? found + ", " + more.group(1) : found;
            }
            // lines and brackets naming different options list them rather than choose one
            for (Pattern other : anchorList.subList(1, anchorList.size())) {
                Matcher o = other.matcher(tail);
                while (o.find()) {
                    named.add(o.group(1).toUpperCase(Locale.ROOT));
                }
            }
            return named.size() == 1 ? found : String.join(", ", named);
        }
        return null;
    }

    private static String several(String content, String letters) {
        java.util.Set<String> named = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("[" + letters + letters.toLowerCase(Locale.ROOT) + "]").matcher(content.replaceAll("\\\\text(?:bf)?", ""));
        while (m.find()) {
            named.add(m.group().toUpperCase(Locale.ROOT));
        }
        return String.join(", ", named);
    }
}
