package dev.arbiter.verify.math;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds a multiple-choice letter, for benchmarks that declare their choices. */
final class ChoiceExtractor {
    private ChoiceExtractor() {}

    /** Letter boxes are short ("\text{(C)}"); longer boxes are not read for letters. */
    private static final int LETTER_BOX = 64;
    /** The text after a box read for an "answer is" statement that names another letter. */
    private static final int TAIL = 5000;
    /** A sentence that takes back or doubts the one before it: "Or B.", "Alternatively, the answer is B." */
    private static final Pattern HEDGE_START = Pattern.compile(
            "^[\\s*_(]*(?:or|alternatively|otherwise|maybe|perhaps|possibly)\\b", Pattern.CASE_INSENSITIVE);

    /**
     * The compiled patterns for one set of letters: the whole text, a box, then three anchors; a box
     * listing several letters; and an option letter standing alone in prose (uppercase, a token of its
     * own: the "I" of "I think" is the pronoun).
     */
    private record Patterns(Pattern whole, Pattern boxed, List<Pattern> anchors, Pattern boxedList, Pattern option) {
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
                    Pattern.compile("(?<![A-Za-z0-9_])([" + letters + "])(?![A-Za-z0-9_])(?!(?<=I)(?:\\s+[a-z]|'[a-z]))"));
        }
    }

    private static final java.util.Map<String, Patterns> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The chosen letter: the whole text as a letter, the letter in {@code box} (the text's last box,
     * or null), then with {@code anchors} "answer is X", a line starting "X)" and "(X)". An answer
     * that names several letters is no choice: it comes back as the letters joined by ", ", which
     * equals no gold letter. Several are named by "A or B", a box listing two, lines or brackets
     * naming more than one option, another option letter later in the sentence of the deciding
     * "answer is X" or box ("C, but it could also be B", "C | B"), a next sentence that goes on with
     * one ("Or B."), a deciding statement that only offers an alternative to an earlier different one
     * ("Alternatively, the answer is B."), and a boxed letter with another letter in a box or in an
     * "answer is" statement after it.
     */
    static String letter(String text, List<String> choices, Boxes boxes, Boxes.Box box, boolean anchors) {
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
                return boxedLetter(ps, text, boxes, box, m.group(1).toUpperCase(Locale.ROOT), letters);
            }
            if (ps.boxedList().matcher(box.content()).find()) {
                return several(box.content(), letters);
            }
        }
        if (!anchors) {
            return null;
        }
        String tail = text.substring(Math.max(0, text.length() - TAIL));
        List<Pattern> anchorList = ps.anchors();
        for (int i = 0; i < anchorList.size(); i++) {
            Matcher m = anchorList.get(i).matcher(tail);
            String found = null;
            int start = -1;
            int end = -1;
            Set<String> named = new TreeSet<>();
            while (m.find()) {
                found = m.group(1).toUpperCase(Locale.ROOT);
                start = m.start();
                end = m.end();
                named.add(found);
            }
            if (found == null) {
                continue;
            }
            if (i == 0) {
                // the last statement of the answer decides, unless it goes on to name another letter
                // or only offers itself as an alternative to an earlier one
                if (named.size() == 1 || !HEDGE_START.matcher(tail.substring(sentenceStart(tail, start), start)).find()) {
                    named.clear();
                    named.add(found);
                }
                goesOn(ps, tail, end, named);
                return String.join(", ", named);
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

    /**
     * A boxed letter, unless another box holds another letter, or the box's sentence or an "answer is"
     * statement after it names one.
     */
    private static String boxedLetter(Patterns ps, String text, Boxes boxes, Boxes.Box box, String chosen, String letters) {
        Set<String> named = new TreeSet<>();
        named.add(chosen);
        if (boxes != null) {
            for (Boxes.Box other : boxes.closedUpTo(LETTER_BOX)) {
                Matcher m = ps.boxed().matcher(other.content());
                if (m.find()) {
                    named.add(m.group(1).toUpperCase(Locale.ROOT));
                } else if (ps.boxedList().matcher(other.content()).find()) {
                    named.addAll(List.of(several(other.content(), letters).split(", ")));
                }
            }
        }
        goesOn(ps, text, box.end(), named);
        int from = Math.max(box.end(), text.length() - TAIL);
        Matcher m = ps.anchors().get(0).matcher(text);
        m.region(from, text.length());
        int last = -1;
        while (m.find()) {
            named.add(m.group(1).toUpperCase(Locale.ROOT));
            last = m.end();
        }
        if (last >= 0) {
            goesOn(ps, text, last, named);
        }
        return String.join(", ", named);
    }

    /**
     * Adds the option letters standing alone in the rest of the sentence from {@code end}, and in the
     * next sentence when that one starts as an alternative ("Or B.", "Maybe B.").
     */
    private static void goesOn(Patterns ps, String s, int end, Set<String> named) {
        int stop = sentenceEnd(s, end);
        addOptions(ps, s, end, stop, named);
        int next = Math.min(s.length(), stop + 1);
        if (next < s.length()) {
            int nextStop = sentenceEnd(s, next);
            if (HEDGE_START.matcher(s.substring(next, nextStop)).find()) {
                addOptions(ps, s, next, nextStop, named);
            }
        }
    }

    private static void addOptions(Patterns ps, String s, int from, int to, Set<String> named) {
        Matcher o = ps.option().matcher(s);
        o.region(from, to);
        o.useTransparentBounds(true);
        while (o.find()) {
            named.add(o.group(1));
        }
    }

    /** Where the sentence from {@code from} ends: a line break, or ".", "!" or "?" before a space or the end. */
    private static int sentenceEnd(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '.' || c == '!' || c == '?') && (i + 1 == s.length() || Character.isWhitespace(s.charAt(i + 1)))) {
                return i;
            }
        }
        return s.length();
    }

    /** Where the sentence holding {@code at} starts. */
    private static int sentenceStart(String s, int at) {
        for (int i = at - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '.' || c == '!' || c == '?') && i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
                return i + 1;
            }
        }
        return 0;
    }

    private static String several(String content, String letters) {
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("[" + letters + letters.toLowerCase(Locale.ROOT) + "]").matcher(content.replaceAll("\\\\text(?:bf)?", ""));
        while (m.find()) {
            named.add(m.group().toUpperCase(Locale.ROOT));
        }
        return String.join(", ", named);
    }
}
