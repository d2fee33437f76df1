package dev.arbiter.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deterministic step splitter and the thought block: exact round trips, and the documented rules. */
class StepSplitterTest {
    @Test
    void joiningTheStepsOfEveryRealSolutionGivesBackItsExactText() {
        List<String> texts = new ArrayList<>(Traces.solutions("math500"));
        texts.addAll(Traces.solutions("omni_math"));
        texts.addAll(Traces.skyT1(50, 4));
        int multi = 0;
        int stepsTotal = 0;
        for (String t : texts) {
            List<String> steps = StepSplitter.split(t);
            assertThat(String.join("", steps)).isEqualTo(t);
            assertThat(steps).allSatisfy(s -> assertThat(s).isNotBlank());
            for (String s : steps) {
                StepSplitter.Parts p = StepSplitter.Parts.of(s);
                assertThat(p.text()).isEqualTo(s);
                assertThat(p.core()).isEqualTo(s.strip());
            }
            multi += steps.size() > 1 ? 1 : 0;
            stepsTotal += steps.size();
        }
        // Not a trivial round trip: many texts are really cut.
        assertThat(multi).as("texts with several steps").isGreaterThan(texts.size() / 10);
        assertThat(stepsTotal).isGreaterThan(texts.size() + multi);
    }

    @Test
    void blankLinesEndStepsAndTheirNewlinesStayWithTheStepTheyEnd() {
        assertThat(StepSplitter.split("A.\n\nB.\n\n\nC\n \nD")).containsExactly("A.\n\n", "B.\n\n\n", "C\n \n", "D");
        assertThat(StepSplitter.split("one line\nnext line")).containsExactly("one line\nnext line");
    }

    @Test
    void aReflectionMarkerOpeningASentenceStartsAStep() {
        assertThat(StepSplitter.split("So x = 2. Wait, that is wrong. Alternatively, x = 3.\nHmm, check: yes."))
                .containsExactly("So x = 2. ", "Wait, that is wrong. ", "Alternatively, x = 3.\n", "Hmm, check: yes.");
        // Whole words at a sentence start only.
        assertThat(StepSplitter.split("Waiting helps. We wait. But let me see")).containsExactly("Waiting helps. We wait. ", "But let me see");
    }

    @Test
    void whitespaceAloneIsNoStep() {
        assertThat(StepSplitter.split("\n\nA\n\nB\n\n")).containsExactly("\n\nA\n\n", "B\n\n");
        assertThat(StepSplitter.split("")).isEmpty();
    }

    @Test
    void theThoughtBlockIsFoundByMarkersElseByTheFinalStep() {
        ThoughtBlock sky = ThoughtBlock.find("<|begin_of_thought|>\n\nt1\n\nt2\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\\boxed{1}<|end_of_solution|>");
        assertThat(sky.thought()).isEqualTo("\n\nt1\n\nt2\n\n");
        assertThat(sky.where()).isEqualTo("begin_of_thought");
        ThoughtBlock r1 = ThoughtBlock.find("thinking here</think>\n\nThe answer is \\boxed{2}.");
        assertThat(r1.before()).isEmpty();
        assertThat(r1.thought()).isEqualTo("thinking here");
        assertThat(r1.after()).startsWith("</think>");
        ThoughtBlock plain = ThoughtBlock.find("Step one.\n\nStep two.\n\nSo \\boxed{3}.\n\nI hope it is right.");
        assertThat(plain.where()).isEqualTo("final_step_split");
        assertThat(plain.thought()).isEqualTo("Step one.\n\nStep two.\n\n");
        assertThat(plain.after()).isEqualTo("So \\boxed{3}.\n\nI hope it is right.");
        for (ThoughtBlock b : List.of(sky, r1, plain)) {
            assertThat(b.with(b.thought())).isEqualTo(b.before() + b.thought() + b.after());
        }
    }
}
