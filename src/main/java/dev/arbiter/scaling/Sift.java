package dev.arbiter.scaling;

import dev.arbiter.inference.Generation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SIFT (Zeng et al., 2025): ground the reasoning in a "sticker", a short statement of what the
 * problem gives and asks. Stage 1 extracts a sticker and predicts twice, from the sticker alone and
 * from the problem with the sticker; equivalent answers end it. Stage 2 refines the sticker against
 * the problem (forward) and predicts again. Stage 3 rebuilds a sticker from stage 2's prediction
 * (inverse), refines it forward and predicts again. With no agreement anywhere the answer is a
 * direct prediction from the problem. 3, 6, 10 or 11 calls per problem; each is counted by stage.
 * The prompts are our own.
 */
public final class Sift {
    /** The six prompts; {question}, {sticker} and {prediction} are filled in. */
    public record Prompts(String sticker, String fromSticker, String fromQuestionAndSticker, String forward, String inverse, String direct) {
        public static final Prompts DEFAULT = new Prompts(
                """
                Read the problem below, but do not solve it. Write its sticker: a short list of every quantity, \
                fact and condition it gives, and the exact question it asks. Start the sticker with the line "Sticker:".

                Problem:
                {question}""",
                """
                Solve the problem that this sticker describes. Reason step by step, then put the final answer in \\boxed{}.

                {sticker}""",
                """
                Solve the problem below. The sticker after it lists the problem's key facts and its question. \
                Reason step by step, then put the final answer in \\boxed{}.

                Problem:
                {question}

                {sticker}""",
                """
                Below are a problem and a sticker meant to summarize it. Check the sticker against the problem: \
                correct any fact that is wrong, add any condition that is missing and remove anything the problem \
                does not say. Write the corrected sticker, starting with the line "Sticker:".

                Problem:
                {question}

                {sticker}""",
                """
                Below is a worked solution to a problem that is not shown. Reconstruct the problem's sticker from \
                the solution alone: the quantities, facts and conditions it must have given, and the question it \
                asked. Start the sticker with the line "Sticker:".

                Solution:
                {prediction}""",
                """
                {question}

                Reason step by step, then put the final answer in \\boxed{}.""");
    }

    /** Where the procedure stopped. */
    public enum Branch {
        STAGE1_CONSENSUS, STAGE2_AFTER_FORWARD, STAGE3_AFTER_INVERSE, FALLBACK;

        public String label() {
            return switch (this) {
                case STAGE1_CONSENSUS -> "stage 1 (sticker)";
                case STAGE2_AFTER_FORWARD -> "stage 2 (forward refinement)";
                case STAGE3_AFTER_INVERSE -> "stage 3 (inverse generation)";
                case FALLBACK -> "fallback (direct)";
            };
        }
    }

    /** One model call of the procedure. */
    public record Step(String stage, int promptTokens, int completionTokens) {}

    /** The answer SIFT settles on, where it settled, and what it cost. */
    public record Result(String answer, Branch branch, List<Step> steps) {
        public long tokens() {
            return steps.stream().mapToLong(s -> s.promptTokens() + (long) s.completionTokens()).sum();
        }

        public long completionTokens() {
            return steps.stream().mapToLong(Step::completionTokens).sum();
        }
    }

    private final StrategyCalls calls;
    private final Answers answers;
    private final Prompts prompts;

    public Sift(StrategyCalls calls, Answers answers, Prompts prompts) {
        this.calls = calls;
        this.answers = answers;
        this.prompts = prompts;
    }

    public Result solve(String question, StrategyCalls.Decoding d, int index) {
        List<Step> steps = new ArrayList<>();
        String s1 = sticker(call("sift:sticker", prompts.sticker(), Map.of("question", question), d, index, steps));
        String[] p1 = predictions(question, s1, d, index, steps);
        if (answers.agree(p1[0], p1[1])) {
            return new Result(p1[1], Branch.STAGE1_CONSENSUS, steps);
        }
        String s2 = sticker(call("sift:forward", prompts.forward(), Map.of("question", question, "sticker", s1), d, index, steps));
        String[] p2 = predictions(question, s2, d, index, steps);
        if (answers.agree(p2[0], p2[1])) {
            return new Result(p2[1], Branch.STAGE2_AFTER_FORWARD, steps);
        }
        String back = sticker(call("sift:inverse", prompts.inverse(), Map.of("prediction", p2[1]), d, index, steps));
        String s3 = sticker(call("sift:forward", prompts.forward(), Map.of("question", question, "sticker", back), d, index, steps));
        String[] p3 = predictions(question, s3, d, index, steps);
        if (answers.agree(p3[0], p3[1])) {
            return new Result(p3[1], Branch.STAGE3_AFTER_INVERSE, steps);
        }
        String direct = call("sift:direct", prompts.direct(), Map.of("question", question), d, index, steps);
        return new Result(direct, Branch.FALLBACK, steps);
    }

    /** {from the sticker alone, from the problem and the sticker} */
    private String[] predictions(String question, String sticker, StrategyCalls.Decoding d, int index, List<Step> steps) {
        String ps = call("sift:predict-sticker", prompts.fromSticker(), Map.of("sticker", sticker), d, index, steps);
        String pqs = call("sift:predict-both", prompts.fromQuestionAndSticker(), Map.of("question", question, "sticker", sticker), d, index, steps);
        return new String[] {ps, pqs};
    }

    private String call(String stage, String template, Map<String, String> values, StrategyCalls.Decoding d, int index, List<Step> steps) {
        Generation g = calls.call(stage, Templates.fill(template, values), d, index);
        steps.add(new Step(stage, g.promptTokens(), g.completionTokens()));
        return g.text();
    }

    /** From the "Sticker:" line on, up to a closing code fence; the whole reply when there is no such line. */
    static String sticker(String reply) {
        int at = reply.lastIndexOf("Sticker:");
        if (at < 0) {
            return reply.strip();
        }
        String s = reply.substring(at);
        int fence = s.indexOf("```");
        return (fence >= 0 ? s.substring(0, fence) : s).strip();
    }
}
