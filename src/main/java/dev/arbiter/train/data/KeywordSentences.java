package dev.arbiter.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the sentences of a text that hold a reasoning keyword, for the "removed keywords" ablation.
 * The paper had GPT-4o-mini find them with a list in its appendix that we did not have; this list and
 * this sentence rule are ours.
 *
 * <p>A sentence ends after ".", "?" or "!" followed by whitespace, or at a newline. Its unit, the text
 * removed with it, is the sentence plus the spaces and tabs after it; when the sentence stands alone
 * on its line, the newlines after it go too, so no empty paragraph is left behind. A keyword is matched
 * as whole words, ignoring case.
 */
public final class KeywordSentences {
    private KeywordSentences() {}

    public static final List<String> KEYWORDS = List.of("wait", "hmm", "alternatively", "but", "however", "actually",
            "on second thought", "let me check", "let me verify", "let me think again", "let me reconsider", "let me re-check",
            "let me recheck", "let me double-check", "double-check", "double check", "hold on", "on the other hand");

    private static final Pattern KEYWORD;

    static {
        StringBuilder alt = new StringBuilder();
        for (String k : KEYWORDS) {
            alt.append(alt.isEmpty() ? "" : "|").append(Pattern.quote(k).replace(" ", "\\E\\s+\\Q"));
        }
        KEYWORD = Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alt + ")(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** A removable unit: {@code text.substring(start, end)}. */
    public record Span(int start, int end) {}

    /** Whether {@code s} holds a keyword. */
    public static boolean hasKeyword(String s) {
        return KEYWORD.matcher(s).find();
    }

    /** The units of the keyword sentences of {@code text}, in order, not overlapping. */
    public static List<Span> find(String text) {
        List<Span> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            // Skip whitespace between sentences.
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            int end = i;
            while (end < n) {
                char c = text.charAt(end);
                if (c == '\n') {
                    break;
                }
                end++;
                if ((c == '.' || c == '?' || c == '!') && (end == n || Character.isWhitespace(text.charAt(end)))) {
                    break;
                }
            }
            int unit = end;
            while (unit < n && (text.charAt(unit) == ' ' || text.charAt(unit) == '\t')) {
                unit++;
            }
            boolean lineStart = start == 0 || text.charAt(start - 1) == '\n';
            if (lineStart && (unit == n || text.charAt(unit) == '\n')) {
                while (unit < n && Character.isWhitespace(text.charAt(unit))) {
                    unit++;
                }
            }
            if (hasKeyword(text.substring(start, end).toLowerCase(Locale.ROOT))) {
                out.add(new Span(start, unit));
            }
            i = unit;
        }
        return out;
    }
}
