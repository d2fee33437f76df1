package dev.arbiter.verify.math;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a multiple-choice letter, for benchmarks that declare their choices. */
final class ChoiceExtractor {
    private ChoiceExtractor() {}

    /** The compiled patterns for one set of letters: the whole text, a box, then three anchors. */
    private record Patterns(Pattern whole, Pattern boxed, List<Pattern> anchors) {
        static Patterns of(String letters) {
            String cls = "[" + letters + letters.toLowerCase(Locale.ROOT) + "]";
            return new Patterns(
                    Pattern.compile("^\\(?\\$?(?:\\\\text\\{)?\\(?(" + cls + ")\\)?\\}?\\$?\\)?\\.?$"),
                    Pattern.compile("^\\s*(?:\\\\text(?:bf)?\\{)?\\s*\\(?(" + cls + ")\\)?\\s*\\}?\\s*$"),
                    List.of(Pattern.compile("(?:final answer|answer)\\s*(?:is|:)\\s*\\**\\s*\\(?(" + cls + ")\\)?(?![A-Za-z])",
                                    Pattern.CASE_INSENSITIVE),
                            Pattern.compile("(?m)^\\s*\\**\\(?(" + cls + ")[).:]", Pattern.CASE_INSENSITIVE),
                            Pattern.compile("\\((" + cls + ")\\)", Pattern.CASE_INSENSITIVE)));
        }
    }

    private static final java.util.Map<String, Patterns> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The chosen letter: the whole text as a letter, the letter in {@code box} (the text's last box,
     * or null), then with {@code anchors} "answer is X", a line starting "X)" and "(X)".
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
        }
        if (!anchors) {
            return null;
        }
        String tail = text.substring(Math.max(0, text.length() - 5000));
        for (Pattern anchor : ps.anchors()) {
            Matcher m = anchor.matcher(tail);
            String found = null;
            while (m.find()) {
                found = m.group(1);
            }
            if (found != null) {
                return found.toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }
}
