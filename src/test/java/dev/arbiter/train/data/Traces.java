package dev.arbiter.train.data;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.testing.Shared;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real long reasoning texts for perturbation tests: reference solutions of real benchmarks, in Sky-T1's layout. */
public final class Traces {
    private Traces() {}

    public static List<Problem> problems(String benchmark) {
        DataConfig c = DataConfig.fromEnvironment(Shared.datasets(), Map.of());
        return new Benchmarks(new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()))
                .load(benchmark, Selection.DEFAULT).problems();
    }

    public static List<String> solutions(String benchmark) {
        List<String> out = new ArrayList<>();
        for (Problem p : problems(benchmark)) {
            String s = ((MathAnswer) p.gold()).solution();
            if (s != null && !s.isBlank()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * {@code count} assistant messages, each a thought made of {@code per} consecutive Omni-MATH
     * reference solutions (separated by a blank line, as Sky-T1's thoughts are) and a solution part
     * that boxes the last problem's answer.
     */
    public static List<String> skyT1(int count, int per) {
        List<Problem> ps = problems("omni_math").stream()
                .filter(p -> ((MathAnswer) p.gold()).solution() != null && !((MathAnswer) p.gold()).solution().isBlank()).toList();
        List<String> out = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            StringBuilder thought = new StringBuilder();
            String answer = null;
            for (int j = 0; j < per; j++) {
                MathAnswer a = (MathAnswer) ps.get(r * per + j).gold();
                thought.append(j == 0 ? "" : "\n\n").append(a.solution().strip());
                answer = a.answer();
            }
            out.add("<|begin_of_thought|>\n\n" + thought + "\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nTherefore the answer is $\\boxed{"
                    + answer + "}$.\n\n<|end_of_solution|>");
        }
        return out;
    }
}
