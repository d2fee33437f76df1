package dev.arbiter.scaling;

import dev.arbiter.inference.Generation;
import java.util.List;

/**
 * s1's budget forcing over any backend that continues raw text. The model thinks until it writes
 * the end-of-thinking marker (sent as a stop string) or reaches the maximum. Ending before the
 * minimum gets the continuation cue appended and the thinking goes on, at most {@code maxExtensions}
 * times. Reaching the maximum closes the thinking with the marker and the forced-answer cue. Then
 * one call writes the answer. Thinking tokens are counted from the server's usage.
 */
public final class BudgetForcing {
    /**
     * @param thinkEnd        the end-of-thinking marker, e.g. "</think>"
     * @param cue             appended when thinking ends too early (s1: "Wait")
     * @param forcedAnswerCue appended after the marker when the maximum forced it (s1: "\nFinal Answer:")
     */
    public record Settings(String thinkEnd, String cue, int minThinking, int maxThinking, int maxExtensions, String forcedAnswerCue,
                           int answerTokens) {
        public Settings {
            if (thinkEnd == null || thinkEnd.isEmpty()) {
                throw new IllegalArgumentException("budget forcing needs the end-of-thinking marker (--think-end)");
            }
            if (minThinking < 0 || maxThinking < 1 || minThinking > maxThinking) {
                throw new IllegalArgumentException("budget forcing needs 0 <= min <= max and max >= 1; got min " + minThinking + ", max " + maxThinking);
            }
            if (maxExtensions < 0 || answerTokens < 1) {
                throw new IllegalArgumentException("extensions must be >= 0 and the answer needs at least 1 token");
            }
        }
    }

    /**
     * @param text       everything the model's turn holds: thinking, cues, marker, answer
     * @param extensions how many times the cue was inserted
     * @param forcedEnd  whether the maximum closed the thinking
     */
    public record Forced(String text, String answer, int thinkingTokens, int extensions, boolean forcedEnd, int calls,
                         long completionTokens) {}

    private BudgetForcing() {}

    public static Forced run(StrategyCalls calls, String prompt, StrategyCalls.Decoding d, int index, Settings s) {
        if (calls.chat()) {
            throw new IllegalArgumentException("budget forcing continues the model's own text: use raw prompts (--raw) with a template that opens the thinking");
        }
        StringBuilder text = new StringBuilder();
        int used = 0;
        int extensions = 0;
        int n = 0;
        long tokens = 0;
        boolean forced;
        while (true) {
            int room = s.maxThinking() - used;
            if (room <= 0) {
                forced = true;
                break;
            }
            Generation g = calls.call("force:think", prompt + text, d.withMaxTokens(room).withStop(List.of(s.thinkEnd())), index);
            n++;
            tokens += g.completionTokens();
            text.append(g.text());
            used += g.completionTokens();
            if ("length".equals(g.finishReason())) {
                forced = true;
                break;
            }
            // the model ended its thinking: by the marker, or by ending its turn
            if (used < s.minThinking() && extensions < s.maxExtensions()) {
                text.append(s.cue());
                extensions++;
                continue;
            }
            forced = false;
            break;
        }
        text.append(s.thinkEnd());
        if (forced) {
            text.append(s.forcedAnswerCue());
        }
        Generation a = calls.call("force:answer", prompt + text, d.withMaxTokens(s.answerTokens()).withStop(List.of()), index);
        n++;
        tokens += a.completionTokens();
        return new Forced(text + a.text(), a.text(), used, extensions, forced, n, tokens);
    }
}
