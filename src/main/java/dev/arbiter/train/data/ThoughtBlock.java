package dev.arbiter.train.data;

import java.util.List;

/**
 * An assistant message cut into three parts whose concatenation is the message, byte for byte:
 * {@code before + thought + after}. Perturbations edit {@code thought} only, so everything else
 * survives untouched.
 *
 * <p>Where the thought is, in this order:
 * <ol>
 *   <li>between {@code <|begin_of_thought|>} and {@code <|end_of_thought|>} (Sky-T1's format);</li>
 *   <li>between {@code <think>} and {@code </think>} (DeepSeek-R1, QwQ);</li>
 *   <li>otherwise (a deviation of ours: Sky-T1 always has markers) the whole message but its final
 *       step: the step holding the last {@code \boxed}, or the last step when there is none. That step
 *       and everything after it are the solution.</li>
 * </ol>
 * For a marker pair, a closing marker without an opening one (a chat template that opened the
 * thinking itself) makes the thought everything before it; an opening one without a close (a cut-off
 * trace) makes it everything after.
 *
 * @param where "begin_of_thought", "think" or "final_step_split", for the audit
 */
public record ThoughtBlock(String before, String thought, String after, String where) {
    private record Markers(String open, String close, String name) {}

    private static final List<Markers> MARKERS = List.of(
            new Markers("<|begin_of_thought|>", "<|end_of_thought|>", "begin_of_thought"),
            new Markers("<think>", "</think>", "think"));

    public static ThoughtBlock find(String message) {
        for (Markers m : MARKERS) {
            int open = message.indexOf(m.open());
            int from = open < 0 ? 0 : open + m.open().length();
            int close = message.indexOf(m.close(), from);
            if (open < 0 && close < 0) {
                continue;
            }
            int to = close < 0 ? message.length() : close;
            return new ThoughtBlock(message.substring(0, from), message.substring(from, to), message.substring(to), m.name());
        }
        List<String> steps = StepSplitter.split(message);
        int last = steps.size() - 1;
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).contains("\\boxed")) {
                last = i;
                break;
            }
        }
        int cut = 0;
        for (int i = 0; i < last; i++) {
            cut += steps.get(i).length();
        }
        return new ThoughtBlock("", message.substring(0, cut), message.substring(cut), "final_step_split");
    }

    /** The message again, with {@code newThought} in place of the thought. */
    public String with(String newThought) {
        return before + newThought + after;
    }
}
