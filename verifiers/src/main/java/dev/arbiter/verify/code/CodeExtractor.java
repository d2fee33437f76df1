package dev.arbiter.verify.code;

import java.util.ArrayList;
import java.util.List;

/**
 * LiveCodeBench's code extraction: the lines strictly between the last two lines that contain a
 * triple backtick anywhere. Fewer than two such lines means no code (which then fails to compile).
 * No think-block stripping: taking the last fenced block already skips the reasoning.
 */
public final class CodeExtractor {
    private CodeExtractor() {}

    public static String extract(String modelOutput) {
        String[] lines = modelOutput.split("\n", -1);
        List<Integer> fences = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("```")) {
                fences.add(i);
            }
        }
        if (fences.size() < 2) {
            return "";
        }
        int from = fences.get(fences.size() - 2) + 1;
        int to = fences.get(fences.size() - 1);
        return String.join("\n", java.util.Arrays.asList(lines).subList(from, to));
    }
}
