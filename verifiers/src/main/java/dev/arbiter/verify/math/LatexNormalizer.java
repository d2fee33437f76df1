package dev.arbiter.verify.math;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites an extracted answer into the LaTeX subset {@link LatexParser} reads: spacing and sizing
 * commands dropped, fraction and text variants unified, units and degree marks removed, thousands
 * separators joined, "and"/"or" turned into commas, percent words into \%.
 */
final class LatexNormalizer {
    private LatexNormalizer() {}

    /** Candidates longer than this are compared as strings only. */
    static final int MAX_LENGTH = 4_000;

    private static final Pattern THOUSANDS_BANG = Pattern.compile("(\\d),\\\\!\\s*(?=\\d{3}(?!\\d))");
    private static final Pattern BRACE_COMMA = Pattern.compile("(\\d)\\s*\\{\\s*,\\s*\\}\\s*(?=\\d{3}(?!\\d))");
    private static final Pattern DOUBLED_BACKSLASH = Pattern.compile("\\\\\\\\(?=[a-zA-Z{}])");
    private static final Pattern LEFT_RIGHT = Pattern.compile(
            "\\\\(?:left|right|mleft|mright|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\\s*(\\\\?[.])?");
    private static final Pattern FRAC_VARIANTS = Pattern.compile("\\\\(?:dfrac|tfrac|cfrac)(?![a-zA-Z])");
    private static final Pattern BINOM_VARIANTS = Pattern.compile("\\\\(?:dbinom|tbinom)(?![a-zA-Z])");
    private static final Pattern TEXT_VARIANTS = Pattern.compile(
            "\\\\(?:textbf|textnormal|textrm|textit|textsf|texttt|mbox|hbox|textup)(?![a-zA-Z])");
    private static final Pattern ROMAN_VARIANTS = Pattern.compile(
            "\\\\(?:mathrm|mathbf|mathit|mathsf|boldsymbol|bm|mathnormal|operatorname\\*?)(?![a-zA-Z])");
    private static final Pattern SPACING = Pattern.compile(
            "(?<!\\\\)\\\\(?:displaystyle|textstyle|scriptstyle|quad|qquad|hfill|hspace\\*?\\{[^}]*\\}|,|;|:|!| |>)|~");
    private static final Pattern DEGREES = Pattern.compile("\\^\\s*\\{?\\s*\\\\circ\\s*\\}?|\\\\circ(?![a-zA-Z])|°|\\\\degree(?![a-zA-Z])");
    private static final Pattern PERCENT_WORD = Pattern.compile(
            "(?:\\\\text\\{\\s*)?\\b(?:percent|percentage|pct)\\b(?:\\s*\\})?", Pattern.CASE_INSENSITIVE);
    private static final Pattern AND_OR = Pattern.compile(
            "\\\\text\\{\\s*(?:and|or)\\s*\\}|(?<![a-zA-Z\\\\])(?:and|or)(?![a-zA-Z])");
    private static final Pattern EMPTY_TEXT = Pattern.compile("\\\\text\\{\\s*\\}");
    private static final Pattern TRAILING_TEXT_UNIT = Pattern.compile(
            "(?<=[\\d}\\s)])\\s*\\\\text\\{[^{}]*\\}(?:\\s*\\^\\s*\\{?\\d\\}?)?\\s*$");
    private static final Pattern THOUSANDS_ONLY = Pattern.compile("-?[1-9]\\d{0,2}(?:,\\d{3})+(?:\\.\\d+)?");
    private static final Pattern THOUSANDS_SPACE = Pattern.compile("-?[1-9]\\d{0,2}(?: \\d{3})+(?:\\.\\d+)?");
    private static final Pattern INFINITY_WORD = Pattern.compile("(?<![a-zA-Z\\\\])(?:infinity|inf)(?![a-zA-Z])");
    private static final Pattern DOTS = Pattern.compile("\\\\(?:ldots|cdots|dots|dotsc|dotsb)(?![a-zA-Z])");
    private static final Pattern ALIGNED = Pattern.compile(
            "\\\\begin\\{(aligned|align\\*?|gathered|gather\\*?|split|eqnarray\\*?|multline\\*?)\\}(.*?)\\\\end\\{\\1\\}",
            Pattern.DOTALL);
    private static final Pattern TH = Pattern.compile("\\\\(?:mathrm|text)\\{(?:th|st|nd|rd)\\}");

    /** Unit words dropped after a number (a trimmed version of the list Qwen and Math-Verify share). */
    private static final List<String> UNITS = List.of(
            "square units", "sq units", "square feet", "square meters", "square inches", "square centimeters", "sq ft",
            "sq m", "cubic feet", "cubic meters", "cubic centimeters", "cubic inches", "units", "unit", "degrees",
            "degree", "cm", "mm", "km", "m", "meters", "meter", "centimeters", "centimeter", "kilometers", "miles",
            "mile", "inches", "inch", "feet", "foot", "ft", "yards", "yard", "mph", "hours", "hour", "minutes",
            "minute", "seconds", "second", "days", "day", "weeks", "week", "months", "month", "years", "year",
            "kg", "g", "grams", "gram", "pounds", "pound", "lbs", "dollars", "dollar", "cents", "cent", "yuan",
            "liters", "liter", "ml", "sq", "students", "people", "ways", "points", "apples", "marbles", "hrs", "hr",
            "mins", "min", "secs", "sec", "s");
    private static final Pattern UNIT_TAIL;

    static {
        StringBuilder alt = new StringBuilder();
        UNITS.stream().sorted((a, b) -> b.length() - a.length()).forEach(u -> {
            if (!alt.isEmpty()) {
                alt.append('|');
            }
            alt.append(Pattern.quote(u));
        });
        UNIT_TAIL = Pattern.compile("(?<=[\\d}])\\s*(?:" + alt + ")(?:\\^\\{?\\d\\}?|²|³)?\\s*$");
    }

    static String normalize(String s) {
        if (s.length() > MAX_LENGTH) {
            throw new ParseFailure("answer longer than " + MAX_LENGTH + " characters");
        }
        String t = s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ').strip();
        if (!t.contains("\\begin")) {
            t = DOUBLED_BACKSLASH.matcher(t).replaceAll("\\\\"); // text escaped twice: \\frac
        }
        Matcher al = ALIGNED.matcher(t);
        if (al.find()) {
            // a derivation: its last line holds the result
            String[] rows = al.group(2).split("\\\\\\\\");
            String last = "";
            for (String r : rows) {
                if (!r.isBlank()) {
                    last = r;
                }
            }
            t = t.substring(0, al.start()) + last.replace("&", " ") + t.substring(al.end());
        }
        t = THOUSANDS_BANG.matcher(t).replaceAll("$1");
        t = BRACE_COMMA.matcher(t).replaceAll("$1");
        t = t.replace("{,}", ",");
        t = TH.matcher(t).replaceAll("");
        t = LEFT_RIGHT.matcher(t).replaceAll("$1");
        t = t.replace("\\left.", "").replace("\\right.", "");
        t = FRAC_VARIANTS.matcher(t).replaceAll("\\\\frac");
        t = BINOM_VARIANTS.matcher(t).replaceAll("\\\\binom");
        t = TEXT_VARIANTS.matcher(t).replaceAll("\\\\text");
        t = ROMAN_VARIANTS.matcher(t).replaceAll("");
        t = PERCENT_WORD.matcher(t).replaceAll("\\\\%");
        t = SPACING.matcher(t).replaceAll(" ");
        t = DEGREES.matcher(t).replaceAll("");
        t = DOTS.matcher(t).replaceAll(" ");
        t = t.replace("\\$", "").replace("$", "");
        t = EMPTY_TEXT.matcher(t).replaceAll("");
        t = AND_OR.matcher(t).replaceAll(",");
        t = INFINITY_WORD.matcher(t).replaceAll("\\\\infty");
        t = t.replace("≤", "\\le ").replace("≥", "\\ge ").replace("≠", "\\ne ").replace("π", "\\pi ")
                .replace("√", "\\sqrt").replace("∞", "\\infty ").replace("−", "-").replace("×", "\\times ")
                .replace("·", "\\cdot ").replace("÷", "\\div ");
        t = t.strip();
        // units only after something numeric, and never when the whole answer is words
        for (int i = 0; i < 2; i++) {
            Matcher m = TRAILING_TEXT_UNIT.matcher(t);
            if (m.find() && m.start() > 0) {
                t = t.substring(0, m.start()).strip();
            }
            m = UNIT_TAIL.matcher(t);
            if (m.find() && m.start() > 0) {
                t = t.substring(0, m.start()).strip();
            }
        }
        while (t.endsWith(".") || t.endsWith(",") || t.endsWith(";")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        if (THOUSANDS_ONLY.matcher(t).matches()) {
            t = t.replace(",", "");
        } else if (THOUSANDS_SPACE.matcher(t).matches()) {
            t = t.replace(" ", "");
        }
        return t;
    }
}
