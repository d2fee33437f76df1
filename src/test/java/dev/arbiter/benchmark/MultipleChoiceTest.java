package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipleChoiceTest {
    static final List<String> OPTIONS = List.of("right", "wrong one", "wrong two", "wrong three");

    @TempDir
    Path dir;

    @Test
    void theShuffleIsSeededStableAndDiffersBySeedAndProblem() {
        MultipleChoice.Question a = MultipleChoice.shuffled("Q?", OPTIONS, 0, "seed-1", "p1");
        assertThat(MultipleChoice.shuffled("Q?", OPTIONS, 0, "seed-1", "p1")).isEqualTo(a);
        List<List<Integer>> bySeed1 = new ArrayList<>();
        List<List<Integer>> bySeed2 = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            bySeed1.add(MultipleChoice.order("seed-1", "p" + i, 4));
            bySeed2.add(MultipleChoice.order("seed-2", "p" + i, 4));
        }
        assertThat(bySeed1).isNotEqualTo(bySeed2);
        assertThat(bySeed1.stream().distinct().count()).as("orders across problems").isGreaterThan(10);
        // the order is sha256-ranked positions: recomputable without our code
        assertThat(MultipleChoice.order("s", "id", 4)).containsExactlyInAnyOrder(0, 1, 2, 3);
        List<String> keys = new ArrayList<>();
        for (int pos : MultipleChoice.order("s", "id", 4)) {
            keys.add(Sha256.of("s\nid\n" + pos));
        }
        assertThat(keys).isSorted();
    }

    @Test
    void theGoldLetterAlwaysPointsAtTheRightTextAndEachLetterIsRightAboutEquallyOften() {
        Map<String, Integer> counts = new TreeMap<>();
        int n = 4000;
        for (int i = 0; i < n; i++) {
            MultipleChoice.Question q = MultipleChoice.shuffled("Question " + i, OPTIONS, 0, "arbiter/gpqa_diamond/v1", "rec" + i);
            String letter = q.gold().answer();
            assertThat(q.options().get(letter.charAt(0) - 'A')).isEqualTo("right");
            assertThat(q.prompt()).contains("\n" + letter + ") right").startsWith("Question " + i + "\n\nA) ");
            assertThat(q.gold().choices()).containsExactly("A", "B", "C", "D");
            counts.merge(letter, 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("A", "B", "C", "D");
        // 1000 expected each; the binomial's standard deviation is about 27
        counts.values().forEach(c -> assertThat(c).isBetween(880, 1120));
    }

    @Test
    void aUsersAnswerIsALetterOrTheRightOptionsText() {
        assertThat(MultipleChoice.answerIndex("C", OPTIONS)).isEqualTo(2);
        assertThat(MultipleChoice.answerIndex("c", OPTIONS)).isEqualTo(2);
        assertThat(MultipleChoice.answerIndex("(B)", OPTIONS)).isEqualTo(1);
        assertThat(MultipleChoice.answerIndex(" wrong three ", OPTIONS)).isEqualTo(3);
        assertThat(MultipleChoice.answerIndex("B", List.of("A", "B", "C"))).isEqualTo(1);
        assertThatThrownBy(() -> MultipleChoice.answerIndex("A", List.of("B", "A", "C")))
                .hasMessageContaining("both the letter of option A and the text of option B");
        assertThatThrownBy(() -> MultipleChoice.answerIndex("E", OPTIONS)).hasMessageContaining("neither a letter A-D");
        assertThatThrownBy(() -> MultipleChoice.answerIndex("maybe", OPTIONS)).hasMessageContaining("nor the text of an option");
        assertThat(MultipleChoice.positionAnswer(0, OPTIONS)).isZero();
        assertThat(MultipleChoice.positionAnswer(3, List.of("2", "4", "6", "8"))).isEqualTo(3);
        assertThatThrownBy(() -> MultipleChoice.positionAnswer(1, List.of("1", "2", "3"))).hasMessageContaining("give the answer as a letter");
        assertThatThrownBy(() -> MultipleChoice.positionAnswer(4, OPTIONS)).hasMessageContaining("not a 0-based position among 4");
        assertThatThrownBy(() -> MultipleChoice.lettered("Q", List.of("x", "x"), 0)).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> MultipleChoice.lettered("Q", List.of("x"), 0)).hasMessageContaining("2 to 26 options");
    }

    @Test
    void userDataOfKindChoiceLettersTheOptionsInTheirOrder() throws IOException {
        Path f = dir.resolve("mc.jsonl");
        Files.writeString(f, """
                {"id": "q1", "q": "Which is prime?", "opts": ["4", "6", 7, "9"], "a": "C"}
                {"id": "q2", "q": "Capital of France?", "opts": ["Lyon", "Paris"], "a": "Paris"}
                {"id": "q3", "q": "Largest?", "opts": ["3", "5", "9"], "a": 2}
                """);
        List<Problem> ps = UserJsonl.load(f, "jsonl:mc.jsonl",
                UserJsonl.Mapping.of(UserKind.CHOICE, Map.of("prompt", "q", "choices", "opts", "answer", "a")));
        assertThat(ps.get(0).prompt()).isEqualTo("Which is prime?\n\nA) 4\nB) 6\nC) 7\nD) 9");
        assertThat(ps.get(0).gold()).isEqualTo(new MathAnswer("C", null, List.of("A", "B", "C", "D")));
        assertThat(ps.get(0).kind()).isEqualTo(Kind.MATH);
        assertThat(ps.get(1).prompt()).isEqualTo("Capital of France?\n\nA) Lyon\nB) Paris");
        assertThat(ps.get(1).gold()).isEqualTo(new MathAnswer("B", null, List.of("A", "B")));
        // an integer answer is a 0-based position, as MMLU stores it
        assertThat(ps.get(2).gold()).isEqualTo(new MathAnswer("C", null, List.of("A", "B", "C")));
    }

    @Test
    void badChoiceRowsSayWhichLineAndWhy() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        UserJsonl.Mapping m = UserJsonl.Mapping.of(UserKind.CHOICE, Map.of());
        Files.writeString(f, "{\"prompt\": \"Q\", \"choices\": \"A or B\", \"answer\": \"A\"}\n");
        assertThatThrownBy(() -> UserJsonl.load(f, "x", m)).hasMessageContaining(f + ":1").hasMessageContaining("list of option texts");
        Files.writeString(f, "{\"prompt\": \"Q\", \"choices\": [\"x\", \"y\"], \"answer\": \"C\"}\n");
        assertThatThrownBy(() -> UserJsonl.load(f, "x", m)).hasMessageContaining(f + ":1").hasMessageContaining("neither a letter A-B");
        Files.writeString(f, "{\"prompt\": \"Q\", \"choices\": [\"x\"], \"answer\": \"A\"}\n");
        assertThatThrownBy(() -> UserJsonl.load(f, "x", m)).hasMessageContaining("holds 1 options");
        Files.writeString(f, "{\"prompt\": \"Q\", \"choices\": [\"x\", \"y\"]}\n");
        assertThatThrownBy(() -> UserJsonl.load(f, "x", m)).hasMessageContaining("'answer'");
        assertThatThrownBy(() -> new UserJsonl.Mapping(Kind.CODE, Map.of(), true)).hasMessageContaining("graded as math");
    }
}
