package dev.arbiter.verify.math;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a multiple-choice letter, for benchmarks that declare their choices. */
final class ChoiceExtractor {
    private ChoiceExtractor() {}

    static String letter(String text, List<String> choices) {
        String letters = String.join("", choices).toUpperCase(Locale.ROOT);
        if (letters.isEmpty() || !letters.matches("[A-Z]+")) {
            return null;
        }
        String cls = "[" + letters + letters.toLowerCase(Locale.ROOT) + "]";
        String bare = text.strip();
        Matcher whole = Pattern.compile("^\\(?\\$?(?:\\\\text\\{)?\\(?(" + cls + ")\\)?\\}?\\$?\\)?\\.?$").matcher(bare);
        if (whole.find()) {
            return whole.group(1).toUpperCase(Locale.ROOT);
        }
        AnswerExtractor.Boxed b = AnswerExtractor.lastBoxed(text);
        if (b != null) {
            Matcher m = Pattern.compile("^\\s*(?:\\\\text(?:bf)?\\{)?\\s*\\(?(" + cls + ")\\)?\\s*\\}?\\s*$").matcher(b.content());
            if (m.find()) {
                return m.group(1).toUpperCase(Locale.ROOT);
            }
        }
        String tail = text.substring(Math.max(0, text.length() - 5000));
        for (String anchor : List.of("(?:final answer|answer)\\s*(?:is|:)\\s*\\**\\s*\\(?(" + cls + ")\\)?(?![A-Za-z])",
                "(?m)^\\s*\\**\\(?(" + cls + ")[).:]",
                "\\((" + cls.toUpperCase(Locale.ROOT) + ")\\)")) {
            Matcher m = Pattern.compile(anchor, Pattern.CASE_INSENSITIVE).matcher(tail);
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
