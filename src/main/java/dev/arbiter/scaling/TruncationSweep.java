package dev.arbiter.scaling;

import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.Generation;
import dev.arbiter.inference.TokenCodec;
import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.Sample;
import dev.arbiter.verify.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * T1's token-budget probe without paying for each budget: the plan's completions are generated
 * once at the largest budget, then for each smaller budget B every completion longer than B has its
 * thinking cut to its first B tokens (counted by the model's tokenizer), and one short answer call
 * asks for the final answer from what was thought so far. A completion that fits in B stands as it
 * is. The answer calls are stored, so a second sweep makes none.
 */
public final class TruncationSweep {
    /** The answer step's prompt for chat models; {problem}, {thinking} are filled in. */
    public static final String CHAT_ANSWER_TEMPLATE = """
            {problem}

            Here is the beginning of a worked solution to this problem. It was stopped before it finished:

            {thinking}

            Stop reasoning now. From the work above alone, state the final answer as \\boxed{...} and nothing else.""";
    /** The answer step for raw completion prompts: the model's own prompt and thinking, closed and asked to answer. */
    public static final String RAW_ANSWER_TEMPLATE = "{prompt}{thinking}\n{think_end}\n\nOut of time. Final answer: \\boxed{";

    /**
     * @param budgets      the thinking budgets in tokens, each at most the plan's max_tokens
     * @param thinkEnd     the end-of-thinking marker (thinking is the text before it); empty: all text is thinking
     * @param answerTokens the answer step's max_tokens
     */
    public record Settings(List<Integer> budgets, String thinkEnd, String answerTemplate, int answerTokens) {
        public Settings {
            budgets = budgets.stream().sorted().distinct().toList();
            if (budgets.isEmpty() || budgets.getFirst() < 1) {
                throw new IllegalArgumentException("give at least one budget, each at least 1 token");
            }
            if (!answerTemplate.contains("{thinking}")) {
                throw new IllegalArgumentException("the answer template must contain {thinking}");
            }
            if (answerTokens < 1) {
                throw new IllegalArgumentException("the answer step needs at least 1 token");
            }
        }
    }

    /** One completion at one budget: what the answer step was sent, and what came back. */
    public record Cut(String problemId, int index, int budget, int thinkingSent, boolean answerCall, int tokensUsed, Outcome outcome) {}

    /** One budget's results: graded samples for the metrics module, and the tokens they used. */
    public record AtBudget(int budget, List<ProblemSamples> graded, List<Cut> cuts) {
        public double meanTokensUsed() {
            return cuts.stream().mapToInt(Cut::tokensUsed).average().orElse(Double.NaN);
        }

        public long answerCalls() {
            return cuts.stream().filter(Cut::answerCall).count();
        }
    }

    private TruncationSweep() {}

    /**
     * Runs the answer steps and grades; the plan's completions must already be in the store (generated
     * with {@code plan.spec().maxTokens()} at least the largest budget).
     */
    public static List<AtBudget> run(EvalPlan plan, CompletionStore store, StrategyCalls calls, TokenCodec codec, Answers answers,
                                     Settings s) {
        if (s.budgets().getLast() > plan.spec().maxTokens()) {
            throw new IllegalArgumentException("the largest budget (" + s.budgets().getLast() + ") is above the generation's max_tokens ("
                    + plan.spec().maxTokens() + ")");
        }
        String hash = store.register(plan.spec());
        StrategyCalls.Decoding answerDecoding = new StrategyCalls.Decoding(0, 1, s.answerTokens(), plan.spec().seed(), List.of());
        Semaphore inFlight = new Semaphore(plan.concurrency());
        List<List<Future<List<Cut>>>> perProblem = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Problem p : plan.problems()) {
                if (!(p.gold() instanceof MathAnswer gold)) {
                    throw new IllegalArgumentException(p.id() + ": the token-budget sweep grades math answers only");
                }
                List<Future<List<Cut>>> fs = new ArrayList<>();
                for (Completion c : store.completions(hash, p.id())) {
                    if (c.sampleIndex() >= plan.n()) {
                        continue;
                    }
                    fs.add(ex.submit(() -> {
                        inFlight.acquire();
                        try {
                            return cuts(plan, p, gold.answer(), c, calls, codec, answers, s, answerDecoding);
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
                perProblem.add(fs);
            }
            List<List<List<Cut>>> done = new ArrayList<>();
            for (List<Future<List<Cut>>> fs : perProblem) {
                List<List<Cut>> one = new ArrayList<>();
                for (Future<List<Cut>> f : fs) {
                    one.add(f.get());
                }
                done.add(one);
            }
            List<AtBudget> out = new ArrayList<>();
            for (int b = 0; b < s.budgets().size(); b++) {
                List<ProblemSamples> graded = new ArrayList<>();
                List<Cut> all = new ArrayList<>();
                for (int p = 0; p < plan.problems().size(); p++) {
                    List<Sample> samples = new ArrayList<>();
                    for (List<Cut> perBudget : done.get(p)) {
                        Cut c = perBudget.get(b);
                        all.add(c);
                        if (c.outcome().graded()) { // no verdict, no sample: it counts as missing
                            samples.add(new Sample(c.index(), c.outcome(), c.answerCall(), c.outcome().votes() ? c.index() : null));
                        }
                    }
                    graded.add(new ProblemSamples(plan.problems().get(p).id(), Map.of(), samples));
                }
                out.add(new AtBudget(s.budgets().get(b), graded, all));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the sweep", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private static List<Cut> cuts(EvalPlan plan, Problem p, String gold, Completion c, StrategyCalls calls, TokenCodec codec,
                                  Answers answers, Settings s, StrategyCalls.Decoding answerDecoding) {
        int[] all = codec.encode(c.text());
        int marker = s.thinkEnd().isEmpty() ? -1 : c.text().indexOf(s.thinkEnd());
        int[] thinking = marker < 0 ? all : codec.encode(c.text().substring(0, marker));
        List<Cut> out = new ArrayList<>();
        for (int budget : s.budgets()) {
            if (!c.truncated() && all.length <= budget) {
                out.add(new Cut(p.id(), c.sampleIndex(), budget, 0, false, all.length, outcome(answers, gold, c.text())));
                continue;
            }
            int sent = Math.min(budget, thinking.length);
            String cut = codec.decode(Arrays.copyOf(thinking, sent));
            String prompt = answerPrompt(s.answerTemplate(), plan.prompt(p), p.prompt(), cut, s.thinkEnd());
            Generation g = calls.call("answer", prompt, answerDecoding, 0);
            String text = s.answerTemplate().endsWith("\\boxed{") ? "\\boxed{" + g.text() : g.text();
            out.add(new Cut(p.id(), c.sampleIndex(), budget, sent, true, sent + g.completionTokens(), outcome(answers, gold, text)));
        }
        return out;
    }

    static String answerPrompt(String template, String prompt, String problem, String thinking, String thinkEnd) {
        return Templates.fill(template, Map.of("prompt", prompt, "problem", problem, "thinking", thinking, "think_end", thinkEnd));
    }

    private static Outcome outcome(Answers answers, String gold, String text) {
        return answers.outcome(gold, text);
    }
}
