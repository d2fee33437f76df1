package dev.arbiter.verify.math;

import dev.arbiter.verify.math.MathConfig.Extraction;
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
 * next tier is tried. Answers joined by "or", "and" or commas after an anchor form one set. Text
 * after {@code </think>} is searched before the whole output. {@link Extraction#BOXED} reads only
 * the last box (or a declared choice letter). Every scan is linear in the text.
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

    /**
     * {@code raw}: the text as matched, before a percent suffix was attached (the string fallback).
     * {@code alternatives}: separate answers joined by "or" / "and", read as a set that is never a tuple.
     */
    private record Candidate(int priority, int end, String text, String raw, boolean alternatives) {
        Candidate(int priority, int end, String text, String raw) {
            this(priority, end, text, raw, false);
        }

        Candidate(int priority, int end, String text) {
            this(priority, end, text, text);
        }

        Candidate at(int newPriority) {
            return new Candidate(newPriority, end, text, raw, alternatives);
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
    /** What joins one answer to the next in a list: ",", "and", "or", ", and", ", or". */
    private static final Pattern CHAIN_GAP = Pattern.compile("\\s*+(?:,\\s*+(?:(?:and|or)\\b)?|(?:and|or)\\b)\\s*+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OR_AND = Pattern.compile("\\b(?:and|or)\\b", Pattern.CASE_INSENSITIVE);
    /** At most this many answers are joined into one set. */
    private static final int MAX_CHAIN = 6;
    private static final Pattern SELF_CORRECTION = Pattern.compile(
            "\\b(?:wait|actually|but|however|hmm|oops|mistake|correct(?:ion|ed)?|instead|recheck|re-check|sorry|no,|rather|let me)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern JOINER = Pattern.compile("(?:\\band\\b|\\bor\\b|,|;)", Pattern.CASE_INSENSITIVE);

    /** Where a chat transcript leaves the model's turn: anything after it was not the model's answer. */
    private static final Pattern TURN_END = Pattern.compile(
            "<\\|im_end\\|>|<\\|im_start\\|>\\}?\\s*user|<\\|eot_id\\|>|<\\|endoftext\\|>|<\\|start_header_id\\|>\\s*user|<\\|user\\|>");

    private static final Extracted NONE = new Extracted(null, null, null);

    /** The text up to where the model's turn ends, the whole text when it names no end (or nothing comes before it). */
    static String modelTurn(String text) {
        Matcher turn = TURN_END.matcher(text);
        return turn.find() && !text.substring(0, turn.start()).isBlank() ? text.substring(0, turn.start()) : text;
    }

    static Extracted extract(String text, Set<Target> targets, int boxedPriority, List<String> choices, Extraction mode,
            Deadline deadline) {
        text = modelTurn(text);
        int think = text.lastIndexOf("</think>");
        if (think >= 0) {
            Extracted after = extractIn(text.substring(think + "</think>".length()), targets, boxedPriority, choices, mode,
                    deadline);
            if (after.parsed() != null || after.fallback() != null) {
                return after;
            }
        }
        return extractIn(text, targets, boxedPriority, choices, mode, deadline);
    }

    private static Extracted extractIn(String text, Set<Target> targets, int boxedPriority, List<String> choices,
            Extraction mode, Deadline deadline) {
        Boxes boxes = Boxes.scan(text);
        deadline.check();
        if (mode == Extraction.BOXED) {
            // the last box alone: "\boxed{3}, then \boxed{5}" is 5, a set goes in one box
            Boxes.Box box = boxes.lastIfClosed();
            String letter = choices.isEmpty() ? null : ChoiceExtractor.letter(text, choices, boxes, box, false);
            if (letter != null) {
                return letterAnswer(letter);
            }
            return box == null ? NONE : firstParsed(List.of(boxedCandidate(text, box, 0)), null, deadline);
        }
        Boxes.Box box = lastBoxed(boxes);
        if (!choices.isEmpty()) {
            String letter = ChoiceExtractor.letter(text, choices, boxes, box, true);
            if (letter != null) {
                return letterAnswer(letter);
            }
        }
        // the anchored tiers are cheap and usually decide; the scan of every environment and number waits
        List<Candidate> anchored = anchored(text, targets, boxedPriority, box);
        Candidate whole = wholeText(text, targets);
        if (whole != null) {
            anchored.add(whole);
        }
        Extracted found = firstParsed(anchored, null, deadline);
        if (found.parsed() != null) {
            return found;
        }
        return firstParsed(unanchored(text, targets, boxedPriority, box, deadline), found.fallback(), deadline);
    }

    /** Marks the set that answers joined by "or" / "and" parsed to, also as the right side of x = {3, 5}. */
    private static Expr alternatives(Expr e) {
        return switch (e) {
            case Expr.SetOf s -> new Expr.SetOf(s.elems(), true);
            case Expr.Rel r when r.rhs() instanceof Expr.SetOf -> new Expr.Rel(r.op(), r.lhs(), alternatives(r.rhs()));
            default -> e;
        };
    }

    private static Extracted letterAnswer(String letter) {
        return new Extracted(new Expr.Text(letter.toLowerCase(Locale.ROOT)), letter, letter);
    }

    /** The best candidate that parses, in tier order, rightmost first; the first raw match is the string fallback. */
    private static Extracted firstParsed(List<Candidate> cands, String fallback, Deadline deadline) {
        List<Candidate> sorted = new ArrayList<>(cands);
        sorted.sort(Comparator.comparingInt(Candidate::priority)
                .thenComparing(Comparator.comparingInt(Candidate::end).reversed()));
        for (Candidate c : sorted) {
            deadline.check();
            if (fallback == null) {
                fallback = c.raw().strip();
            }
            try {
                Expr e = LatexParser.parse(c.text(), deadline);
                return new Extracted(c.alternatives() ? alternatives(e) : e, c.raw().strip(), fallback);
            } catch (ParseFailure | ArithmeticException | Rational.TooLarge | NumberFormatException ignored) {
                // try the next candidate
            }
        }
        return new Extracted(null, null, fallback);
    }

    /** The tiers found by anchors: \\boxed (when its tier comes before "answer:") and "final answer". */
    private static List<Candidate> anchored(String text, Set<Target> targets, int boxedPriority, Boxes.Box box) {
        List<Candidate> out = new ArrayList<>();
        boolean latex = targets.contains(Target.LATEX);
        boolean expr = targets.contains(Target.EXPR);
        int tailStart = Math.max(0, text.length() - TAIL);
        if (latex && boxedPriority < 100 && box != null) {
            out.add(boxedCandidate(text, box, boxedPriority));
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
                    Candidate c = envChain(text, env, 0);
                    out.add(c.at(hope(text, c.end()) ? 0 : 50));
                }
            }
            if (expr) {
                Candidate c = exprChain(text, at, 0);
                if (c != null) {
                    out.add(c.at(hope(text, c.end()) ? 0 : 50));
                }
            }
        }
        return out;
    }

    private static boolean hope(String text, int at) {
        return I_HOPE.matcher(text.substring(at, Math.min(text.length(), at + 20))).find();
    }

    private static Candidate boxedCandidate(String text, Boxes.Box b, int boxedPriority) {
        String after = text.substring(b.end(), Math.min(text.length(), b.end() + 24));
        Matcher close = ENV_CLOSE.matcher(after);
        boolean pct = close.find() && PERCENT_SUFFIX.matcher(after.substring(close.end())).find();
        return new Candidate(boxedPriority, b.end(), pct ? b.content() + "\\%" : b.content(), b.content());
    }

    /** "answer:" and "answer" tiers, then every environment, number and plain expression. */
    private static List<Candidate> unanchored(String text, Set<Target> targets, int boxedPriority, Boxes.Box box,
            Deadline deadline) {
        List<Candidate> out = new ArrayList<>();
        boolean latex = targets.contains(Target.LATEX);
        boolean expr = targets.contains(Target.EXPR);
        int tailStart = Math.max(0, text.length() - TAIL);
        List<Env> envs = latex ? Env.scan(text, tailStart) : List.of();
        deadline.check();
        if (latex && boxedPriority >= 100 && box != null) {
            out.add(boxedCandidate(text, box, boxedPriority));
        }
        // "answer:" (100) and "answer" (200) followed by an environment within 50 characters
        Matcher an = ANSWER.matcher(text);
        an.region(tailStart, text.length());
        while (an.find()) {
            boolean colon = an.group(1) != null;
            int from = an.end();
            if (latex) {
                Env env = firstFrom(envs, from);
                if (env != null && env.start() - from <= 50) {
                    out.add(envChain(text, env, colon ? 100 : 200));
                }
            }
            if (expr && colon) {
                String window = text.substring(from, Math.min(text.length(), from + 100));
                int eq = window.lastIndexOf('=');
                Candidate c = exprChain(text, eq >= 0 ? from + eq + 1 : from, 100);
                if (c != null && c.end() - from <= 100) {
                    out.add(c);
                }
            }
        }
        // anything: environments (chained with "," / "and" / "or"), numbers, plain expressions
        if (latex) {
            for (int i = 0; i < envs.size(); i++) {
                Candidate c = envChain(text, envs.get(i), 300);
                out.add(c);
                while (i + 1 < envs.size() && envs.get(i + 1).end() <= c.end()) {
                    i++; // joined into c
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

    /** The first environment starting at or after {@code from}, or null. */
    private static Env firstFrom(List<Env> envs, int from) {
        int lo = 0;
        int hi = envs.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (envs.get(mid).start() < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < envs.size() ? envs.get(lo) : null;
    }

    /** Where a "," / "and" / "or" joining one answer to the next ends, or -1. */
    private static int chainGap(String text, int at) {
        Matcher gap = CHAIN_GAP.matcher(text);
        gap.region(at, Math.min(text.length(), at + 40));
        return gap.lookingAt() ? gap.end() : -1;
    }

    /** An environment and those joined to it by "," / "and" / "or": "$10$ or $11$" is the set {10, 11}. */
    private static Candidate envChain(String text, Env first, int prio) {
        StringBuilder joined = new StringBuilder(withPercent(text, first));
        int end = first.end();
        boolean alternatives = false;
        for (int k = 1; k < MAX_CHAIN; k++) {
            int gap = chainGap(text, end);
            Env next = gap < 0 ? null : Env.startingAt(text, gap);
            if (next == null || next.start() != gap) {
                break;
            }
            joined.append(", ").append(withPercent(text, next));
            alternatives |= OR_AND.matcher(text).region(end, gap).find();
            end = next.end();
        }
        return new Candidate(prio, end, joined.toString(), joined.toString(), alternatives);
    }

    /** A number or plain expression at {@code at}, with those joined to it: "10 or 11" is the set {10, 11}. */
    private static Candidate exprChain(String text, int at, int prio) {
        Candidate first = exprAt(text, at, prio);
        if (first == null) {
            return null;
        }
        StringBuilder joined = new StringBuilder(first.text());
        int end = first.end();
        boolean alternatives = false;
        for (int k = 1; k < MAX_CHAIN; k++) {
            int gap = chainGap(text, end);
            Candidate next = gap < 0 ? null : exprAt(text, gap, prio);
            if (next == null) {
                break;
            }
            joined.append(", ").append(next.text());
            alternatives |= OR_AND.matcher(text).region(end, gap).find();
            end = next.end();
        }
        return new Candidate(prio, end, joined.toString(), joined.toString(), alternatives);
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

    /**
     * The last \boxed or \fbox, joined with earlier boxes that list further answers ("\boxed{1} and
     * \boxed{2}"), but never with a box the text corrects ("\boxed{3} ... wait, \boxed{2}").
     */
    private static Boxes.Box lastBoxed(Boxes boxes) {
        Boxes.Box last = boxes.closedBefore(Integer.MAX_VALUE);
        return last == null ? null : joined(boxes, last);
    }

    private static Boxes.Box joined(Boxes boxes, Boxes.Box last) {
        String text = boxes.text();
        List<String> parts = new ArrayList<>();
        parts.add(last.content());
        Boxes.Box cur = last;
        for (int k = 0; k < 20; k++) {
            Boxes.Box prev = boxes.closedBefore(cur.start());
            if (prev == null) {
                break;
            }
            if (cur.start() - prev.end() >= 70) {
                break; // neither next to it nor listed with it
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
        return new Boxes.Box(cur.start(), last.end(), String.join(", ", parts));
    }
}
