package dev.arbiter.verify.code;

import dev.arbiter.sandbox.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LiveCodeBench's code extraction: the lines strictly between the last two lines that contain a
 * triple backtick anywhere. Fewer than two such lines means no code (which then fails to compile).
 * No think-block stripping: taking the last fenced block already skips the reasoning.
 */
public final class CodeExtractor {
    private CodeExtractor() {}

    public static String extract(String modelOutput) {
        String[] lines = modelOutput.split("\n", -1);
        List<Integer> fences = fences(lines);
        if (fences.size() < 2) {
            return "";
        }
        int from = fences.get(fences.size() - 2) + 1;
        int to = fences.get(fences.size() - 1);
        return String.join("\n", java.util.Arrays.asList(lines).subList(from, to));
    }

    /**
     * The language the opening fence of that same block names ({@code ```cpp}), if it names one we
     * run. LiveCodeBench itself ignores the tag; graders that honour it say so.
     */
    public static Optional<Language> language(String modelOutput) {
        String[] lines = modelOutput.split("\n", -1);
        List<Integer> fences = fences(lines);
        if (fences.size() < 2) {
            return Optional.empty();
        }
        String open = lines[fences.get(fences.size() - 2)];
        String tag = open.substring(open.indexOf("```") + 3).strip();
        int end = 0;
        while (end < tag.length() && !Character.isWhitespace(tag.charAt(end)) && tag.charAt(end) != '`' && tag.charAt(end) != '{') {
            end++;
        }
        return Language.parse(tag.substring(0, end));
    }

    private static List<Integer> fences(String[] lines) {
        List<Integer> fences = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("```")) {
                fences.add(i);
            }
        }
        return fences;
    }
}
