package dev.arbiter.scaling;

import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.Evaluation;
import dev.arbiter.run.RunSummary;
import dev.arbiter.verify.math.MathVerifier;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * SIFT as a backend for the eval runner: each request's prompt is the question, and the "completion"
 * is the answer SIFT settles on, with every stage's tokens summed. The finish reason names the branch
 * ("sift stage1_consensus", ...), so a stored run still says where each answer came from.
 */
public final class SiftBackend implements Evaluation.StrategyBackend {
    /** Opens one for an eval run, counting its calls. */
    public static final Evaluation.StrategyBackend.Factory FACTORY = (store, model, modelId, identity, chat, timeout) ->
            new SiftBackend(store, new CallCounter(model), modelId, identity, chat, timeout);

    private final CallCounter counter;
    private final MathVerifier verifier = new MathVerifier();
    private final Sift sift;
    private final Map<Sift.Branch, LongAdder> branches = new ConcurrentHashMap<>();

    /** @param identity the served model's identity in the store key (see {@link StrategyCalls}), or null */
    public SiftBackend(CompletionStore store, CallCounter counter, String model, String identity, boolean chat, Duration timeout) {
        this.counter = counter;
        this.sift = new Sift(new StrategyCalls(store, counter, model, identity, chat, timeout), new Answers(verifier), Sift.Prompts.DEFAULT);
    }

    @Override
    public Generation generate(GenerationRequest r) {
        Sift.Result res = sift.solve(r.prompt(), new StrategyCalls.Decoding(r.temperature(), r.topP(), r.maxTokens(), r.seed(), r.stop()), 0);
        branches.computeIfAbsent(res.branch(), b -> new LongAdder()).increment();
        long prompt = res.steps().stream().mapToLong(Sift.Step::promptTokens).sum();
        return new Generation(res.answer(), "sift " + res.branch().name().toLowerCase(), (int) Math.min(Integer.MAX_VALUE, prompt),
                (int) Math.min(Integer.MAX_VALUE, res.completionTokens()));
    }

    public CallCounter counter() {
        return counter;
    }

    /** How many answers this process made ended at each branch. */
    public Map<Sift.Branch, Long> branches() {
        Map<Sift.Branch, Long> out = new EnumMap<>(Sift.Branch.class);
        branches.forEach((b, c) -> out.put(b, c.sum()));
        return out;
    }

    @Override
    public RunSummary.Sift tally() {
        Map<String, Long> byBranch = new java.util.LinkedHashMap<>();
        branches().forEach((b, c) -> byBranch.put(b.name().toLowerCase(), c));
        Map<String, RunSummary.Calls> calls = new java.util.LinkedHashMap<>();
        for (CallCounter.Tally t : counter.tallies()) {
            calls.put(t.purpose(), new RunSummary.Calls(t.calls(), t.cached(), t.promptTokens(), t.completionTokens()));
        }
        return new RunSummary.Sift(byBranch, calls, counter.totalCalls());
    }

    @Override
    public String line() {
        return "sift: " + branches().entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("no new answers") + "; calls " + counter.totalCalls() + " (by stage in summary.json)";
    }

    @Override
    public void close() {
        verifier.close();
    }
}
