package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.arbiter.json.Json;
import org.junit.jupiter.api.Test;

class ShapingTermsTest {
    @Test
    void explorationIsRlspsLengthTermOnTheReasoningBeforeTheFirstBox() throws Exception {
        Shaping s = Shaping.DEFAULT.with(Json.mapper().readTree("{\"exploration_weight\": 1.0, \"exploration_c\": 1000}"));
        // 4,000 characters before \boxed are 1,000 estimated tokens: -1000/1000.
        String r = "x".repeat(4000) + "\\boxed{1} and more text after it";
        assertThat(s.exploration(r)).isCloseTo(-1.0, within(1e-12));
        // 250 tokens: -4, as in RLSP's note; half the weight halves it.
        assertThat(s.exploration("y".repeat(1000) + "\\boxed{2}")).isCloseTo(-4.0, within(1e-12));
        assertThat(s.with("exploration_weight", 0.5).exploration("y".repeat(1000) + "\\boxed{2}")).isCloseTo(-2.0, within(1e-12));
        // No box: the whole response is reasoning; an empty one counts as one token, not a division by zero.
        assertThat(s.exploration("z".repeat(8000))).isCloseTo(-0.5, within(1e-12));
        assertThat(s.exploration("")).isCloseTo(-1000.0, within(1e-9));
        assertThat(Shaping.DEFAULT.exploration("short")).isZero();
    }

    @Test
    void overridesAreCheckedByName() throws Exception {
        assertThatThrownBy(() -> Shaping.DEFAULT.with(Json.mapper().readTree("{\"corect\": 1}")))
                .hasMessageContaining("unknown shaping field 'corect'").hasMessageContaining("format_penalty");
        assertThatThrownBy(() -> Shaping.DEFAULT.with(Json.mapper().readTree("{\"correct\": \"1\"}"))).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> Shaping.DEFAULT.with("chars_per_token", 0)).hasMessageContaining("positive");
        assertThat(Shaping.DEFAULT.with(Json.mapper().readTree("{\"format_penalty\": -0.5}")).formatPenalty()).isEqualTo(-0.5);
    }

    @Test
    void garbageDetectorFlagsLoopsRepetitionAndGarbleButNotOrdinaryReasoning() {
        String reasoning = "Let x be the number of apples. Then 2x + 5 = 15, so 2x = 10 and x = 5. Let us check: 2*5 + 5 = 15. "
                + "Wait, we should verify the second condition too: 5 is odd, as required. So the answer is \\boxed{5}.";
        assertThat(GarbageDetector.check(reasoning)).isNull();
        assertThat(GarbageDetector.check(reasoning.repeat(2))).as("a restated paragraph is not a loop").isNull();
        assertThat(GarbageDetector.check("Let me think. " + "the the ".repeat(200))).startsWith("ends in a loop");
        assertThat(GarbageDetector.check(reasoning + " So x = 5. So x = 5. So x = 5. So x = 5.".repeat(30))).startsWith("ends in a loop");
        StringBuilder rep = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            rep.append(i % 2 == 0 ? "we try again and again " : "we try again and more ");
        }
        rep.append("the end is near ").append("finally done");
        assertThat(GarbageDetector.check(rep.toString())).startsWith("repetitive");
        assertThat(GarbageDetector.check(reasoning + "\uFFFD\uFFFD\u0001\u0002\uFFFD")).startsWith("garbled");
        assertThat(GarbageDetector.check("Answer: " + "абвгдежзик".repeat(3) + "αβγδεζηθικ".repeat(3) + "abcdefghij".repeat(3)))
                .startsWith("garbled: 3 writing systems");
        assertThat(GarbageDetector.check("所以答案是 \\boxed{5}，因为 x = 5 满足 2x + 5 = 15。Let us check it in English as well.")).isNull();
    }

    @Test
    void chatTextFindsTheResponseInOpenRlhfQueries() {
        String prompt = "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nProblem: Find x if 2x+5=15.<|im_end|>\n<|im_start|>assistant\n";
        String query = "<|endoftext|><|endoftext|>" + prompt + "So x = \\boxed{5}<|im_end|><|endoftext|>";
        assertThat(ChatText.response(query, prompt)).isEqualTo("So x = \\boxed{5}");
        assertThat(ChatText.response(query, null)).as("by the template's assistant header").isEqualTo("So x = \\boxed{5}");
        String llama = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nProblem: 1+1?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nIt is \\boxed{2}.<|eot_id|>";
        assertThat(ChatText.response(llama, null)).isEqualTo("It is \\boxed{2}.");
        assertThat(ChatText.userTurn(llama)).isEqualTo("Problem: 1+1?");
        String r1 = "<｜begin▁of▁sentence｜><｜User｜>What is 3*3?<｜Assistant｜><think>\nnine\n</think>\n\\boxed{9}<｜end▁of▁sentence｜>";
        assertThat(ChatText.response(r1, null)).isEqualTo("<think>\nnine\n</think>\n\\boxed{9}");
        // Neither the prompt nor a template's header: the response cannot be told apart, so there is none.
        assertThat(ChatText.response("plain text \\boxed{1}", "no such prompt")).isNull();
        assertThat(ChatText.response("Question: 2+3? write \\boxed{5}\nAnswer: no idea", null)).isNull();
        assertThat(ChatText.response("Question: 2+3? write \\boxed{5}\nAnswer: no idea", "Question: 2+3? write \\boxed{5}\n"))
                .isEqualTo("Answer: no idea");
    }
}
