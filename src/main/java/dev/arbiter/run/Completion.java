package dev.arbiter.run;

/**
 * One model output as received, before any grading.
 *
 * @param finishReason the server's reason ("stop", "length", ...); "length" means truncated
 */
public record Completion(String problemId, int sampleIndex, String text, String finishReason, int promptTokens, int completionTokens) {
    public Completion {
        if (problemId == null || problemId.isEmpty()) {
            throw new IllegalArgumentException("a problem id is required");
        }
        if (sampleIndex < 0) {
            throw new IllegalArgumentException("sample index must be >= 0");
        }
        if (text == null) {
            throw new IllegalArgumentException("completion text is required (empty is allowed)");
        }
    }

    public boolean truncated() {
        return "length".equals(finishReason);
    }
}
