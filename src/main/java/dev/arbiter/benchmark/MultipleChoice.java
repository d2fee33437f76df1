package dev.arbiter.benchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A multiple-choice question as a math problem: the options lettered A, B, C, ... under the
 * question, and a gold that is the right option's letter with the letters declared, so the math
 * verifier reads letters ("(B)", "Answer: B", "\boxed{B}").
 */
public final class MultipleChoice {
    /** More options than letters would need two-letter labels, which no extractor reads. */
    public static final int MAX_OPTIONS = 26;

    private MultipleChoice() {}

    /** A built question: the prompt with its lettered options, and the gold letter. */
    public record Question(String prompt, MathAnswer gold, List<String> options) {}

    /**
     * Letters the options in the given order; {@code correct} is the index of the right option.
     *
     * @throws IllegalArgumentException for fewer than two options, too many, a blank or repeated one
     */
    public static Question lettered(String question, List<String> options, int correct) {
        if (options.size() < 2 || options.size() > MAX_OPTIONS) {
            throw new IllegalArgumentException("a multiple-choice question needs 2 to " + MAX_OPTIONS + " options, found " + options.size());
        }
        if (correct < 0 || correct >= options.size()) {
            throw new IllegalArgumentException("the right option's index " + correct + " is outside the " + options.size() + " options");
        }
        List<String> seen = new ArrayList<>();
        for (String o : options) {
            String t = o == null ? "" : o.strip();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("an option is blank");
            }
            if (seen.contains(t)) {
                // two equal options would make two letters right
                throw new IllegalArgumentException("option '" + abbreviate(t) + "' appears twice");
            }
            seen.add(t);
        }
        List<String> letters = letters(options.size());
        StringBuilder prompt = new StringBuilder(question.strip()).append("\n");
        for (int i = 0; i < seen.size(); i++) {
            prompt.append('\n').append(letters.get(i)).append(") ").append(seen.get(i));
        }
        return new Question(prompt.toString(), new MathAnswer(letters.get(correct), null, letters), List.copyOf(seen));
    }

    /**
     * Shuffles the options with a seed, then letters them. The order ranks the options' original
     * positions by sha256(seed + "\n" + problem id + "\n" + position): stable across runs and
     * machines, different per problem, and anyone can recompute it without our code.
     */
    public static Question shuffled(String question, List<String> options, int correct, String seed, String problemId) {
        List<Integer> order = order(seed, problemId, options.size());
        List<String> shuffled = new ArrayList<>(options.size());
        order.forEach(i -> shuffled.add(options.get(i)));
        return lettered(question, shuffled, order.indexOf(correct));
    }

    /** The original positions in their shuffled order. */
    static List<Integer> order(String seed, String problemId, int n) {
        record Ranked(String key, int position) {}
        List<Ranked> ranked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranked.add(new Ranked(Sha256.of(seed + "\n" + problemId + "\n" + i), i));
        }
        ranked.sort(Comparator.comparing(Ranked::key).thenComparingInt(Ranked::position));
        return ranked.stream().map(Ranked::position).toList();
    }

    /** A, B, C, ... for n options. */
    public static List<String> letters(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(String.valueOf((char) ('A' + i)));
        }
        return out;
    }

    /**
     * The index of the right option from a user's answer: a letter among the options' letters, or
     * the text of one option. An answer that is both (a letter naming one option and the text of
     * another) is refused as ambiguous.
     */
    public static int answerIndex(String answer, List<String> options) {
        String a = answer.strip();
        int byText = -1;
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i).strip().equals(a)) {
                byText = i;
                break;
            }
        }
        int byLetter = -1;
        String bare = a.replaceAll("^\\((.)\\)$", "$1");
        if (bare.length() == 1 && Character.isLetter(bare.charAt(0))) {
            int i = Character.toUpperCase(bare.charAt(0)) - 'A';
            if (i >= 0 && i < options.size()) {
                byLetter = i;
            }
        }
        if (byText >= 0 && byLetter >= 0 && byText != byLetter) {
            throw new IllegalArgumentException("answer '" + a + "' is both the letter of option " + (char) ('A' + byLetter)
                    + " and the text of option " + (char) ('A' + byText));
        }
        if (byText >= 0) {
            return byText;
        }
        if (byLetter >= 0) {
            return byLetter;
        }
        throw new IllegalArgumentException("answer '" + abbreviate(a) + "' is neither a letter A-" + (char) ('A' + options.size() - 1)
                + " nor the text of an option");
    }

    /**
     * The index of the right option from a 0-based position, as datasets that store the answer as an
     * integer do. A position that is also the text of another option ("2" among the options) is
     * refused as ambiguous.
     */
    public static int positionAnswer(int position, List<String> options) {
        String asText = String.valueOf(position);
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i).strip().equals(asText) && i != position) {
                throw new IllegalArgumentException("answer " + position + " is both the 0-based position of option "
                        + (position >= 0 && position < options.size() ? String.valueOf((char) ('A' + position)) : "(none)")
                        + " and the text of option " + (char) ('A' + i) + "; give the answer as a letter");
            }
        }
        if (position < 0 || position >= options.size()) {
            throw new IllegalArgumentException("answer " + position + " is not a 0-based position among " + options.size() + " options");
        }
        return position;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
