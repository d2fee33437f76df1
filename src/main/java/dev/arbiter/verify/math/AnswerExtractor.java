package dev.arbiter.verify.math;

import dev.arbiter.verify.math.MathConfig.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the answer in a model's output, in tiers: "final answer is ... I hope", "final answer is",
 * the last \boxed (its tier is configurable), "answer:", "answer", then any LaTeX environment or
 * plain number. Within a tier the rightmost candidate that parses wins; when none parses the
 * next tier is tried. Text after {@code </think>} is searched before the whole output.
 */
final class AnswerExtractor {
    private AnswerExtractor() {}

    /** The answer found: its parse (null when nothing parsed), the raw text parsed, and the first raw match. */
    record Extracted(Expr parsed, String parsedText, String fallback) {
        List<String> shown() {
            List<String> out = new ArrayList<>();
            if (parsedText != null) {
                out.add(parsedText);
            }
            if (fallback != null && !fallback.equals(parsedText)) {
                out.add(fallback);
            }
            return out;
        }
    }

    /** {@code raw}: the text as matched, before a percent suffix was attached (the string fallback). */
    private record Candidate(int priority, int end, String text, String raw) {
        Candidate(int priority, int end, String text) {
            this(priority, end, text, text);
        }
    }

    /** How far back from the end plain numbers and environments are searched (long outputs answer late). */
    static final int TAIL = 20_000;

    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\w.,\\\\^_{])(?:[$€£¥₹₽₩]\\s?)?(-?(?:[1-9]\\d{0,2}(?:,\\d{3})++(?!\\d)|[1-9]\\d{0,2}(?: \\d{3})++(?![\\d.,])|\\d++)(?:[.,]\\d++)?+(?:[eE][-+]?\\d{1,4}(?![\\w]))?|-?\\.\\d++)"
                    + "(?:\\s*(%|\\\\%|percent\\b|percentage\\b|pct\\b))?");
    private static final Pattern PLAIN_EXPR = Pattern.compile(
            "(?<![\\w.,\\\\^_])(-?\\d++(?:\\.\\d++)?+(?:\\s*+[-+*/^]\\s*+\\(?-?\\d++(?:\\.\\d++)?+\\)?)++)");
    private static final Pattern BARE_FRAC = Pattern.compile("(?<![\\\\\\w{])-?\\\\[dt]?frac\\{\\d+\\}\\{\\d+\\}");
    private static final Pattern ENV_CLOSE = Pattern.compile("^\\s*(?:\\$\\$|\\$|\\\\\\]|\\\\\\))");
    private static final Pattern FINAL_ANSWER = Pattern.compile("final answer", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANSWER = Pattern.compile("answer(\\s*:)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern IS_WORD = Pattern.compile("\\bis\\b\\s*:?\\s*", Pattern.CASE_INSENSITIVE);
    private static final Pattern I_HOPE = Pattern.compile("^\\s*\\.?\\s*I hope", Pattern.CASE_INSENSITIVE);
    private static final Pattern PERCENT_SUFFIX = Pattern.compile("^\\s*(?:\\\\%|%|percent\\b|percentage\\b|pct\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CHAIN_GAP = Pattern.compile("^\\s*(?:,\\s*(?:and|or)?|and|or)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SELF_CORRECTION = Pattern.compile(
            "\\b(?:wait|actually|but|however|hmm|oops|mistake|correct(?:ion|ed)?|instead|recheck|re-check|sorry|no,|rather|let me)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern JOINER = Pattern.compile("(?:\\band\\b|\\bor\\b|,|;)", Pattern.CASE_INSENSITIVE);

    /** Where a chat transcript leaves the model's turn: anything after it was not the model's answer. */
    private static final Pattern TURN_END = Pattern.compile(
            "<\\|im_end\\|>|<\\|im_start\\|>\\}?\\s*user|<\\|eot_id\\|>|<\\|endoftext\\|>|<\\|start_header_id\\|>\\s*user|<\\|user\\|>");

    static Extracted extract(String text, Set<Target> targets, int boxedPriority, List<String> choices, Deadline deadline) {
        Matcher turn = TURN_END.matcher(text);
        if (turn.find() && !text.substring(0, turn.start()).isBlank()) {
            text = text.substring(0, turn.start());
        }
        int think = text.lastIndexOf("</think>");
        if (think >= 0) {
            Extracted after = extractIn(text.substring(think + "</think>".length()), targets, boxedPriority, choices, deadline);
            if (after.parsed() != null || after.fallback() != null) {
                return after;
            }
        }
        return extractIn(text, targets, boxedPriority, choices, deadline);
    }

    private static Extracted extractIn(String text, Set<Target> targets, int boxedPriority, List<String> choices,
            Deadline deadline) {
        if (!choices.isEmpty()) {
            String letter = ChoiceExtractor.letter(text, choices);
            if (letter != null) {
                return new Extracted(new Expr.Text(letter.toLowerCase(Locale.ROOT)), letter, letter);
            }
        }
        // the anchored tiers are cheap and usually decide; the scan of every environment and number waits
        List<Candidate> anchored = anchored(text, targets, boxedPriority);
        Candidate whole = wholeText(text, targets);
        if (whole != null) {
            anchored.add(whole);
        }
        String fallback = null;
        for (int phase = 0; phase < 2; phase++) {
            List<Candidate> cands = phase == 0 ? anchored : unanchored(text, targets, boxedPriority, deadline);
            cands.sort(Comparator.comparingInt(Candidate::priority)
                    .thenComparing(Comparator.comparingInt(Candidate::end).reversed()));
            for (Candidate c : cands) {
                deadline.check();
                if (fallback == null) {
                    fallback = c.raw().strip();
                }
                try {
                    Expr e = LatexParser.parse(c.text(), deadline);
                    return new Extracted(e, c.raw().strip(), fallback);
                } catch (ParseFailure | ArithmeticException | Rational.TooLarge | NumberFormatException ignored) {
                    // try the next candidate
                }
            }
        }
        return new Extracted(null, null, fallback);
    }

    /** The tiers found by anchors: \\boxed (when its tier comes before "answer:") and "final answer". */
    private static List<Candidate> anchored(String text, Set<Target> targets, int boxedPriority) {
        List<Candidate> out = new ArrayList<>();
        boolean latex = targets.contains(Target.LATEX);
        boolean expr = targets.contains(Target.EXPR);
        int tailStart = Math.max(0, text.length() - TAIL);
        if (latex && boxedPriority < 100) {
            out.addAll(boxed(text, boxedPriority));
        }
        // "final answer ... is X" (tier 0 when followed by "I hope", else 50)
        Matcher fa = FINAL_ANSWER.matcher(text);
        fa.region(tailStart, text.length());
        while (fa.find()) {
            int from = fa.end();
            Matcher is = IS_WORD.matcher(text);
            is.region(from, Math.min(text.length(), from + 110));
            if (!is.find() || is.start() - from > 100) {
                continue;
            }
            int at = is.end();
            if (latex) {
                Env env = Env.startingAt(text, at);
                if (env != null) {
                    int prio = I_HOPE.matcher(text.substring(env.end(), Math.min(text.length(), env.end() + 20))).find() ? 0 : 50;
                    out.add(new Candidate(prio, env.end(), withPercent(text, env)));
                }
            }
            if (expr) {
                Candidate c = exprAt(text, at, 0);
                if (c != null) {
                    int prio = I_HOPE.matcher(text.substring(c.end(), Math.min(text.length(), c.end() + 20))).find() ? 0 : 50;
                    out.add(new Candidate(prio, c.end(), c.text()));
                }
            }
        }
        return out;
    }

    private static List<Candidate> boxed(String text, int boxedPriority) {
        Boxed b = lastBoxed(text);
        if (b == null) {
            return List.of();
        }
        String after = text.substring(b.end(), Math.min(text.length(), b.end() + 24));
        Matcher close = ENV_CLOSE.matcher(after);
        boolean pct = close.find() && PERCENT_SUFFIX.matcher(after.substring(close.end())).find();
        return List.of(new Candidate(boxedPriority, b.end(), pct ? b.content() + "\\%" : b.content(), b.content()));
    }

    /** "answer:" and "answer" tiers, then every environment, number and plain expression. */
    private static List<Candidate> unanchored(String text, Set<Target> targets, int boxedPriority, Deadline deadline) {
        List<Candidate> out = new ArrayList<>();
        boolean latex = targets.contains(Target.LATEX);
        boolean expr = targets.contains(Target.EXPR);
        int tailStart = Math.max(0, text.length() - TAIL);
        List<Env> envs = latex ? Env.scan(text, tailStart) : List.of();
        deadline.check();
        if (latex && boxedPriority >= 100) {
            out.addAll(boxed(text, boxedPriority));
        }
        // "answer:" (100) and "answer" (200) followed by an environment within 50 characters
        Matcher an = ANSWER.matcher(text);
        an.region(tailStart, text.length());
        while (an.find()) {
            boolean colon = an.group(1) != null;
            int from = an.end();
            if (latex) {
                for (Env env : envs) {
                    if (env.start() >= from && env.start() - from <= 50) {
                        out.add(new Candidate(colon ? 100 : 200, env.end(), withPercent(text, env)));
                        break;
                    }
                }
            }
            if (expr && colon) {
                String window = text.substring(from, Math.min(text.length(), from + 100));
                int eq = window.lastIndexOf('=');
                Candidate c = exprAt(text, eq >= 0 ? from + eq + 1 : from, 100);
                if (c != null && c.end() - from <= 100) {
                    out.add(c);
                }
            }
        }
        // anything: environments (chained with "," / "and" / "or"), numbers, plain expressions
        if (latex) {
            for (int i = 0; i < envs.size(); i++) {
                Env first = envs.get(i);
                StringBuilder joined = new StringBuilder(withPercent(text, first));
                int j = i;
                while (j + 1 < envs.size() && j - i < 5) {
                    Env nxt = envs.get(j + 1);
                    String gap = text.substring(envs.get(j).end(), nxt.start());
                    if (!CHAIN_GAP.matcher(gap).matches()) {
                        break;
                    }
                    joined.append(", ").append(withPercent(text, nxt));
                    j++;
                }
                out.add(new Candidate(300, envs.get(j).end(), joined.toString()));
                if (j > i) {
                    i = j;
                }
            }
            Matcher bf = BARE_FRAC.matcher(text);
            bf.region(tailStart, text.length());
            while (bf.find()) {
                out.add(new Candidate(300, bf.end(), bf.group()));
            }
        }
        if (expr) {
            String tail = text.substring(tailStart);
            Matcher m = NUMBER.matcher(tail);
            while (m.find()) {
                out.add(new Candidate(300, tailStart + m.end(), numberText(m.group(1), m.group(2) != null)));
            }
            Matcher pe = PLAIN_EXPR.matcher(tail);
            while (pe.find()) {
                out.add(new Candidate(300, tailStart + pe.end() + 1, pe.group(1))); // +1: beats the bare number ending there
            }
        }
        return out;
    }

    private static final Pattern ANCHORS = Pattern.compile("(?<!\\\\)\\$|\\\\\\[|\\\\\\(|\\\\boxed|\\\\fbox");
    private static final Pattern PROSE = Pattern.compile("(?<![\\\\a-zA-Z{])[a-zA-Z]{3,}(?![a-zA-Z]*\\})");

    /**
     * A bare answer such as a benchmark's gold ("3\sqrt{13}", "1,22", "(3, \frac{\pi}{2})"): short,
     * with no math delimiters or boxes and no prose, it is read whole before anything else.
     */
    private static Candidate wholeText(String text, Set<Target> targets) {
        String t = text.strip();
        if (t.isEmpty() || t.length() > 300 || ANCHORS.matcher(t).find() || PROSE.matcher(t).find()) {
            return null;
        }
        if (targets.contains(Target.LATEX)) {
            return new Candidate(-1, t.length(), t); // "-2,1" is a list here, not a decimal comma
        }
        Matcher n = NUMBER.matcher(t);
        return n.matches() ? new Candidate(-1, t.length(), numberText(n.group(1), n.group(2) != null), t)
                : new Candidate(-1, t.length(), t); // a plain expression such as x**2 + 1
    }

    /** A number or plain expression starting at {@code at} (after "is" or "="). */
    private static Candidate exprAt(String text, int at, int prio) {
        int i = at;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        String window = text.substring(i, Math.min(text.length(), i + 200));
        Matcher pe = PLAIN_EXPR.matcher(window);
        if (pe.lookingAt()) {
            return new Candidate(prio, i + pe.end(), pe.group(1));
        }
        Matcher m = NUMBER.matcher(window);
        if (m.lookingAt()) {
            return new Candidate(prio, i + m.end(), numberText(m.group(1), m.group(2) != null));
        }
        return null;
    }

    /** A matched plain number in canonical form: thousands separators dropped, decimal comma made a point. */
    static String numberText(String raw, boolean percent) {
        String s = raw.strip();
        if (s.matches("-?[1-9]\\d{0,2}(,\\d{3})+(\\.\\d+)?")) {
            s = s.replace(",", "");
        } else if (s.matches("-?[1-9]\\d{0,2}( \\d{3})+(\\.\\d+)?")) {
            s = s.replace(" ", "");
        } else if (s.matches("-?\\d+,\\d+")) {
            s = s.replace(',', '.');
        }
        return percent ? s + "\\%" : s;
    }

    private static String withPercent(String text, Env env) {
        Matcher m = PERCENT_SUFFIX.matcher(text.substring(env.end(), Math.min(text.length(), env.end() + 16)));
        return m.find() ? env.content() + "\\%" : env.content();
    }

    record Boxed(int start, int end, String content) {}

    /**
     * The last \boxed or \fbox, joined with earlier boxes that list further answers ("\boxed{1} and
     * \boxed{2}"), but never with a box the text corrects ("\boxed{3} ... wait, \boxed{2}").
     */
    static Boxed lastBoxed(String text) {
        Boxed last = boxBefore(text, text.length());
        if (last == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        parts.add(last.content());
        Boxed cur = last;
        for (int k = 0; k < 20; k++) {
            Boxed prev = boxBefore(text, cur.start());
            if (prev == null || prev.end() > cur.start()) {
                break;
            }
            String between = text.substring(prev.end(), cur.start());
            if (SELF_CORRECTION.matcher(between).find()) {
                break;
            }
            boolean close = between.length() < 10;
            boolean listed = between.length() < 70 && JOINER.matcher(between).find() && !prev.content().strip().equals(cur.content().strip());
            if (!(close || listed) || (close && prev.content().strip().equals(cur.content().strip()))) {
                break;
            }
            parts.add(0, prev.content());
            cur = prev;
        }
        return new Boxed(cur.start(), last.end(), String.join(", ", parts));
    }

    private static Boxed boxBefore(String text, int before) {
        int a = text.lastIndexOf("\\boxed", before - 1);
        int b = text.lastIndexOf("\\fbox", before - 1);
        int start = Math.max(a, b);
        while (start >= 0) {
            int i = start + (start == a ? "\\boxed".length() : "\\fbox".length());
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i < text.length() && text.charAt(i) == '{') {
                int depth = 0;
                for (int j = i; j < text.length() && j < i + 50_000; j++) {
                    char c = text.charAt(j);
                    if (c == '\\') {
                        j++;
                        continue;
                    }
                    if (c == '{') {
                        depth++;
                    } else if (c == '}' && --depth == 0) {
                        if (j + 1 <= before || before == text.length()) {
                            return new Boxed(start, j + 1, text.substring(i + 1, j));
                        }
                        break;
                    }
                }
            } else if (i < text.length() && i > start + 5) {
                // "\boxed 5": up to the next space or dollar
                int j = i;
                while (j < text.length() && text.charAt(j) != '$' && !Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                if (j > i) {
                    return new Boxed(start, j, text.substring(i, j));
                }
            }
            if (start == 0) {
                return null;
            }
            a = text.lastIndexOf("\\boxed", start - 1);
            b = text.lastIndexOf("\\fbox", start - 1);
            start = Math.max(a, b);
        }
        return null;
    }
}
