package dev.arbiter.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts reasoning text into steps, deterministically; joining the steps gives back the exact text.
 *
 * <p>The paper (Li et al. 2025, §4) had Llama-3.3-70B-Instruct segment each trace "with boundaries at
 * backtracking, self-validation, reflection or other breaks". We use no model; this is a deviation.
 * Our rules:
 * <ol>
 *   <li>a step ends after every run of two or more newlines (a blank line, the "\n\n" that Sky-T1's
 *       format puts between thought steps); the newlines stay with the step they end;</li>
 *   <li>inside a paragraph, a step also ends before a reflection marker that opens a sentence
 *       ({@link #MARKERS}: after ". ", "? ", "! ", ": " or a single newline), the space staying with
 *       the step before;</li>
 *   <li>a piece holding nothing but whitespace is no step: it joins the step after it (the last one
 *       joins the step before).</li>
 * </ol>
 * Each step is {@code lead + core + trail}: its leading and trailing whitespace and what lies between.
 * Perturbations that move or replace steps move or replace cores only, so the layout stays in place.
 */
public final class StepSplitter {
    private StepSplitter() {}

    /** Words that open a new step when they open a sentence inside a paragraph (case-sensitive, whole words). */
    public static final List<String> MARKERS = List.of("Wait", "Alternatively", "Hmm", "But let me", "Let me check", "Let me verify",
            "Let me double-check", "Let me re-check", "Let me recheck", "Let me think again", "Let me reconsider", "On second thought",
            "Hold on");

    private static final Pattern BLANK = Pattern.compile("\n[ \t]*\n(?:[ \t]*\n)*");
    private static final Pattern REFLECTION;

    static {
        StringBuilder alt = new StringBuilder();
        for (String m : MARKERS) {
            alt.append(alt.isEmpty() ? "" : "|").append(Pattern.quote(m));
        }
        // The cut lies after the separator; the marker must be a whole word.
        REFLECTION = Pattern.compile("(?:[.?!:][ \t]+|(?<!\n)\n(?!\n))(?=(?:" + alt + ")(?![\\p{L}\\p{N}]))");
    }

    public static List<String> split(String text) {
        List<Integer> cuts = new ArrayList<>();
        Matcher b = BLANK.matcher(text);
        while (b.find()) {
            cuts.add(b.end());
        }
        Matcher r = REFLECTION.matcher(text);
        while (r.find()) {
            cuts.add(r.end());
        }
        cuts.sort(null);
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int c : cuts) {
            if (c > from && c < text.length()) {
                pieces.add(text.substring(from, c));
                from = c;
            }
        }
        if (from < text.length()) {
            pieces.add(text.substring(from));
        }
        // Whitespace-only pieces join their neighbour, so every step has a core.
        List<String> steps = new ArrayList<>();
        String pending = "";
        for (String p : pieces) {
            if (p.isBlank()) {
                pending += p;
            } else {
                steps.add(pending + p);
                pending = "";
            }
        }
        if (!pending.isEmpty()) {
            if (steps.isEmpty()) {
                steps.add(pending);
            } else {
                steps.set(steps.size() - 1, steps.getLast() + pending);
            }
        }
        return steps;
    }

    /** A step's leading whitespace, core and trailing whitespace; {@code lead + core + trail} is the step. */
    public record Parts(String lead, String core, String trail) {
        public static Parts of(String step) {
            int s = 0;
            while (s < step.length() && Character.isWhitespace(step.charAt(s))) {
                s++;
            }
            int e = step.length();
            while (e > s && Character.isWhitespace(step.charAt(e - 1))) {
                e--;
            }
            return new Parts(step.substring(0, s), step.substring(s, e), step.substring(e));
        }

        public Parts withCore(String newCore) {
            return new Parts(lead, newCore, trail);
        }

        public String text() {
            return lead + core + trail;
        }
    }
}
