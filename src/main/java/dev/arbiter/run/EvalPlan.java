package dev.arbiter.run;

import dev.arbiter.benchmark.Problem;
import java.time.Duration;
import java.util.List;

/**
 * One benchmark's share of a run: which problems, how they are generated, how many samples.
 * {@code spec.promptTemplate()} holds "{problem}" where the problem's text goes.
 */
public record EvalPlan(String benchmark, List<Problem> problems, GenerationSpec spec, int n, Duration timeout, int concurrency) {
    public EvalPlan {
        problems = List.copyOf(problems);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException(benchmark + ": no problems selected");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        if (!spec.promptTemplate().contains("{problem}")) {
            throw new IllegalArgumentException("the prompt template must contain {problem}");
        }
    }

    public String prompt(Problem p) {
        return PromptTemplates.apply(spec.promptTemplate(), p);
    }

    public List<String> problemIds() {
        return problems.stream().map(Problem::id).toList();
    }
}
