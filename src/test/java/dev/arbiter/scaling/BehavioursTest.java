package dev.arbiter.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped lexicon against examples labelled by hand: counts of backtracking, verification, alternatives, self-correction. */
class BehavioursTest {
    record Labelled(String text, int backtracking, int verification, int alternatives, int selfCorrection) {}

    static final List<Labelled> EXAMPLES = List.of(
            new Labelled("The sum is 12, so the answer is \\boxed{12}.", 0, 0, 0, 0),
            new Labelled("So x = 4. Wait, that ignores the negative root. Let me go back to the quadratic.", 2, 0, 0, 0),
            new Labelled("We get 17. Let me verify by plugging it back in: 3*17 - 2 = 49. That checks out.", 0, 3, 0, 0),
            new Labelled("Factoring does not work here. Alternatively, we could complete the square. Another approach is to graph it.", 0, 0, 2, 0),
            new Labelled("The area is 24. Actually, I made a mistake: the height is 5, not 6, so the area is 20.", 0, 0, 0, 2),
            new Labelled("Hmm, wait. What if n is even? Let's check n = 2: it works. Actually that's wrong, 2 fails the second condition.",
                    1, 1, 1, 2),
            new Labelled("Waiting for the bus, she counts 7 cars; this is verifiable by the photo. Actual count: 7.", 0, 0, 0, 0),
            new Labelled("Let me double-check the arithmetic. I miscalculated 7*8 earlier; it is 56. Hold on, start over with 56.",
                    2, 1, 0, 1));

    @Test
    void theShippedLexiconCountsTheHandLabelledExamples() {
        Behaviours b = Behaviours.shipped();
        assertThat(b.names()).containsExactly("backtracking", "verification", "alternatives", "self_correction");
        for (Labelled l : EXAMPLES) {
            assertThat(b.count(l.text())).as(l.text()).containsExactly(Map.entry("backtracking", l.backtracking()),
                    Map.entry("verification", l.verification()), Map.entry("alternatives", l.alternatives()),
                    Map.entry("self_correction", l.selfCorrection()));
        }
    }

    @Test
    void aUserLexiconReplacesTheShippedOne() throws Exception {
        Behaviours b = Behaviours.fromJson(Json.mapper().readTree("{\"hedging\": [\"\\\\bperhaps\\\\b\", \"\\\\bmaybe\\\\b\"]}"), "test");
        assertThat(b.count("Perhaps 3, maybe 4, perhaps not.")).containsExactly(Map.entry("hedging", 3));
        assertThatThrownBy(() -> Behaviours.fromJson(Json.mapper().readTree("{\"x\": []}"), "f.json")).hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> Behaviours.fromJson(Json.mapper().readTree("[1]"), "f.json")).hasMessageContaining("JSON object");
    }
}
