package dev.arbiter.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A finished run read back from its store: per benchmark, every problem with the prompt the model was
 * asked and each of its n sample slots as the store holds it. A slot without a completion is missing (its
 * request failed), one whose completion has no verdict was not graded (the verifier or sandbox failed):
 * neither is a wrong answer. The site, the export and curation read runs through this.
 */
public final class RunSamples {
    private RunSamples() {}

    /** One sample slot of a problem, by its index below the run's n. */
    public sealed interface Slot permits Missing, Ungraded, Graded {
        int index();

        /** The slot's state in the words the report and the export use: an outcome's label, "missing" or "not_graded". */
        String label();

        /** The stored completion, unless the slot is missing. */
        Optional<Completion> stored();
    }

    /** No completion is stored for this slot: its request failed, or the run stopped before it. */
    public record Missing(int index) implements Slot {
        @Override
        public String label() {
            return "missing";
        }

        @Override
        public Optional<Completion> stored() {
            return Optional.empty();
        }
    }

    /** A completion without a verdict: the verifier or the sandbox failed on it, and the next run grades it again. */
    public record Ungraded(int index, Completion completion) implements Slot {
        @Override
        public String label() {
            return "not_graded";
        }

        @Override
        public Optional<Completion> stored() {
            return Optional.of(completion);
        }
    }

    public record Graded(int index, Completion completion, StoredVerdict verdict) implements Slot {
        @Override
        public String label() {
            return verdict.outcome().label();
        }

        @Override
        public Optional<Completion> stored() {
            return Optional.of(completion);
        }
    }

    /** A problem as the run asked it, with its n slots in index order. */
    public record ProblemSamples(Problem problem, String prompt, List<Slot> slots) {
        public ProblemSamples {
            slots = List.copyOf(slots);
        }

        /** The gold answer as a reader sees it: the answer for math, the number of tests for code. */
        public String goldText() {
            return problem.gold() instanceof MathAnswer a ? a.answer() : problem.gold() instanceof CodeTests t ? t.tests().size() + " tests" : "";
        }
    }

    /** One benchmark of the run: its summary row (null when the summary has none), its stored generation spec and its problems. */
    public record BenchmarkSamples(RunSummary.Bench bench, RunSummary.Row row, JsonNode spec, List<ProblemSamples> problems) {
        public BenchmarkSamples {
            problems = List.copyOf(problems);
        }

        /** The template the model was asked with. */
        public String promptTemplate() {
            return spec.path("prompt_template").asText();
        }
    }

    /**
     * Reads every benchmark of {@code run} from {@code store}; {@code problemsOf} loads a benchmark's problems
     * by name, as the run loaded them.
     *
     * @throws RunException when the store is not the run's, or a problem of the run is not in the benchmark as loaded now
     */
    public static List<BenchmarkSamples> read(RunSummary run, CompletionStore store, Function<String, List<Problem>> problemsOf) {
        List<BenchmarkSamples> out = new ArrayList<>();
        for (RunSummary.Bench b : run.config().benchmarks()) {
            JsonNode spec = spec(store, b);
            String template = spec.path("prompt_template").asText();
            Map<String, Problem> byId = new HashMap<>();
            problemsOf.apply(b.name()).forEach(p -> byId.put(p.id(), p));
            List<ProblemSamples> problems = new ArrayList<>();
            for (String pid : b.problemIds()) {
                Problem p = byId.get(pid);
                if (p == null) {
                    throw new RunException("problem " + pid + " of the run is not in " + b.name() + " as loaded now"
                            + " (a LiveCodeBench run needs the same --release, --from and --to)");
                }
                problems.add(new ProblemSamples(p, PromptTemplates.apply(template, p), slots(run.n(), store, b, pid)));
            }
            RunSummary.Row row = run.benchmarks().stream().filter(r -> r.benchmark().equals(b.name())).findFirst().orElse(null);
            out.add(new BenchmarkSamples(b, row, spec, problems));
        }
        return out;
    }

    private static List<Slot> slots(int n, CompletionStore store, RunSummary.Bench b, String pid) {
        Map<Integer, Completion> completions = new HashMap<>();
        store.completions(b.generationHash(), pid).forEach(c -> completions.put(c.sampleIndex(), c));
        Map<Integer, StoredVerdict> verdicts = store.verdictsWithAnswers(b.generationHash(), pid, b.verifier());
        List<Slot> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Completion c = completions.get(i);
            StoredVerdict v = verdicts.get(i);
            slots.add(c == null ? new Missing(i) : v == null ? new Ungraded(i, c) : new Graded(i, c, v));
        }
        return slots;
    }

    /** The benchmark's generation spec as the store holds it, with the prompt template it asked with. */
    private static JsonNode spec(CompletionStore store, RunSummary.Bench b) {
        String raw = store.specJson(b.generationHash()).orElseThrow(() -> new RunException(
                "the store holds no generation spec " + b.generationHash() + " for " + b.name() + "; is it the run's store?"));
        JsonNode s;
        try {
            s = Json.mapper().readTree(raw);
        } catch (IOException e) {
            throw new RunException("the stored spec of " + b.name() + " cannot be read: " + e.getMessage());
        }
        if (!s.path("prompt_template").isTextual()) {
            throw new RunException("the stored spec of " + b.name() + " has no prompt_template");
        }
        return s;
    }
}
