package dev.arbiter.run;

import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.InferenceException;
import dev.arbiter.verify.code.CodeExtractor;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a plan: asks the backend only for the samples the store lacks (each stored the moment it
 * arrives), grades every stored sample that has no verdict from this verifier yet, and summarizes.
 */
public final class EvalRunner {
    /** The name verdicts are stored under; a new verifier version gets a new name and re-grades. */
    public static final String MATH_VERIFIER = "arbiter-math/1";

    /** Code verdicts' name: the grader and its settings, since a different clock or limit is a different verdict. */
    public static String codeVerifier(CodeGrader.Settings s) {
        return "arbiter-code/1 " + s.clock().name().toLowerCase() + " " + s.timeoutS() + "s " + s.limits().memoryMb() + "MB";
    }

    /** Told after each sample is stored or given up on. */
    public interface Listener {
        void sampleDone(int done, int total, long completionTokens);
    }

    /** What one generation pass did. {@code failures} holds the first few reasons for slots left missing. */
    public record Generated(int requested, int stored, int failed, long promptTokens, long completionTokens, List<String> failures) {}

    private EvalRunner() {}

    public static Generated generate(EvalPlan plan, InferenceBackend backend, CompletionStore store, Listener listener) {
        String hash = store.register(plan.spec());
        List<SampleSlot> todo = store.missing(hash, plan.problemIds(), plan.n());
        Map<String, Problem> byId = new HashMap<>();
        plan.problems().forEach(p -> byId.put(p.id(), p));
        Semaphore inFlight = new Semaphore(plan.concurrency());
        AtomicInteger done = new AtomicInteger();
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong promptTokens = new AtomicLong();
        AtomicLong completionTokens = new AtomicLong();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SampleSlot slot : todo) {
                inFlight.acquireUninterruptibly();
                ex.submit(() -> {
                    try {
                        Problem p = byId.get(slot.problemId());
                        GenerationSpec s = plan.spec();
                        Generation g = backend.generate(new GenerationRequest(s.model(), plan.prompt(p), s.chat(), s.maxTokens(),
                                s.temperature(), s.topP(), s.seedOf(slot.sampleIndex()), s.stop(), plan.timeout()));
                        if (store.put(hash, new Completion(p.id(), slot.sampleIndex(), g.text(), g.finishReason(), g.promptTokens(),
                                g.completionTokens()))) {
                            stored.incrementAndGet();
                        }
                        promptTokens.addAndGet(g.promptTokens());
                        completionTokens.addAndGet(g.completionTokens());
                    } catch (InferenceException | StoreException e) {
                        // The slot stays missing, so the next run asks for it again; the run says so.
                        failed.incrementAndGet();
                        if (failures.size() < 5) {
                            failures.add(slot.problemId() + "#" + slot.sampleIndex() + ": " + e.getMessage());
                        }
                    } finally {
                        inFlight.release();
                        listener.sampleDone(done.incrementAndGet(), todo.size(), completionTokens.get());
                    }
                });
            }
        }
        return new Generated(todo.size(), stored.get(), failed.get(), promptTokens.get(), completionTokens.get(), List.copyOf(failures));
    }

    /**
     * Grades every stored sample below n that lacks a verdict from {@link #MATH_VERIFIER}, then
     * returns each problem's samples with their answers clustered by equivalence for maj@k.
     */
    public static List<ProblemSamples> gradeMath(EvalPlan plan, CompletionStore store, MathVerifier verifier) {
        String hash = store.register(plan.spec());
        for (Problem p : plan.problems()) {
            if (!(p.gold() instanceof MathAnswer)) {
                throw new IllegalArgumentException(p.id() + " is not a math problem; code grading in eval runs is not built yet");
            }
        }
        // Problems in parallel, one per core: the verifier is thread-safe and the store serializes writes.
        int threads = Runtime.getRuntime().availableProcessors();
        try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
            List<java.util.concurrent.Future<ProblemSamples>> fs = new ArrayList<>();
            for (Problem p : plan.problems()) {
                fs.add(ex.submit(() -> gradeOne(plan, hash, p, store, verifier)));
            }
            List<ProblemSamples> out = new ArrayList<>();
            for (var f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private static ProblemSamples gradeOne(EvalPlan plan, String hash, Problem p, CompletionStore store, MathVerifier verifier) {
        MathAnswer gold = (MathAnswer) p.gold();
        List<Completion> cs = store.completions(hash, p.id()).stream().filter(c -> c.sampleIndex() < plan.n()).toList();
        List<String> answers = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        List<CompletionStore.VerdictRow> fresh = new ArrayList<>();
        Map<Integer, StoredVerdict> stored = store.verdictsWithAnswers(hash, p.id(), MATH_VERIFIER);
        for (Completion c : cs) {
            StoredVerdict v = stored.get(c.sampleIndex());
            if (v == null) {
                MathVerdict mv = verifier.verify(gold.answer(), c.text());
                String extracted = mv.extractedPred().isEmpty() ? null : String.join(", ", mv.extractedPred());
                Outcome o = mv.equal() ? Outcome.CORRECT : extracted == null ? Outcome.NO_ANSWER : Outcome.WRONG;
                fresh.add(new CompletionStore.VerdictRow(c.sampleIndex(), o, extracted, mv.reason()));
                v = new StoredVerdict(o, extracted);
            }
            outcomes.add(v.outcome());
            answers.add(v.outcome() == Outcome.NO_ANSWER ? null : v.extracted());
        }
        store.putVerdicts(hash, p.id(), MATH_VERIFIER, fresh);
        return clustered(p.id(), labels(p), cs, outcomes, answers, (a, b) -> verifier.verify(a, b).equal());
    }

    /**
     * One problem's samples from stored math verdicts, their answers clustered by equivalence for
     * maj@k, exactly as grading does; for reading a finished run back without its benchmark files.
     *
     * @throws IllegalStateException when a completion below n has no verdict from {@link #MATH_VERIFIER}
     */
    public static ProblemSamples storedMath(CompletionStore store, String hash, String problemId, int n, MathVerifier verifier) {
        List<Completion> cs = store.completions(hash, problemId).stream().filter(c -> c.sampleIndex() < n).toList();
        Map<Integer, StoredVerdict> stored = store.verdictsWithAnswers(hash, problemId, MATH_VERIFIER);
        List<Outcome> outcomes = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (Completion c : cs) {
            StoredVerdict v = stored.get(c.sampleIndex());
            if (v == null) {
                throw new IllegalStateException(problemId + " sample " + c.sampleIndex() + " has no verdict yet");
            }
            outcomes.add(v.outcome());
            answers.add(v.outcome() == Outcome.NO_ANSWER ? null : v.extracted());
        }
        return clustered(problemId, Map.of(), cs, outcomes, answers, (a, b) -> verifier.verify(a, b).equal());
    }

    /** One problem's code samples from stored verdicts under {@code verifierName}; each program is its own answer. */
    public static ProblemSamples storedCode(CompletionStore store, String hash, String problemId, int n, String verifierName) {
        List<Completion> cs = store.completions(hash, problemId).stream().filter(c -> c.sampleIndex() < n).toList();
        Map<Integer, StoredVerdict> stored = store.verdictsWithAnswers(hash, problemId, verifierName);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            StoredVerdict v = stored.get(cs.get(i).sampleIndex());
            if (v == null) {
                throw new IllegalStateException(problemId + " sample " + cs.get(i).sampleIndex() + " has no verdict yet");
            }
            samples.add(new Sample(cs.get(i).sampleIndex(), v.outcome(), cs.get(i).truncated(), v.outcome() == Outcome.NO_ANSWER ? null : i));
        }
        return new ProblemSamples(problemId, Map.of(), samples);
    }

    private static ProblemSamples clustered(String problemId, Map<String, String> labels, List<Completion> cs, List<Outcome> outcomes,
                                            List<String> answers, java.util.function.BiPredicate<String, String> equivalent) {
        Integer[] clusters = AnswerClusters.group(answers, equivalent);
        // Each sample keeps its own verdict. Should equivalence disagree with it (it is not always
        // transitive), the sample votes in a cluster of its own rather than change its verdict.
        Map<Integer, Outcome> clusterOutcome = new HashMap<>();
        int ownCluster = cs.size();
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            Integer cluster = clusters[i];
            if (cluster != null) {
                Outcome first = clusterOutcome.putIfAbsent(cluster, outcomes.get(i));
                if (first != null && first != outcomes.get(i)) {
                    cluster = ownCluster++;
                }
            }
            samples.add(new Sample(cs.get(i).sampleIndex(), outcomes.get(i), cs.get(i).truncated(), cluster));
        }
        return new ProblemSamples(problemId, labels, samples);
    }

    /**
     * Grades every stored code sample below n that lacks a verdict under these settings, in the
     * sandbox, {@code parallel} at a time; {@code grader} is asked for only when something needs
     * running, so a finished run starts no containers. A completion without a fenced code block has no answer.
     * Each program is its own answer, so maj@k over code reduces to the expected share correct.
     * A program the sandbox could not grade gets no verdict: none is stored, so the next run grades it
     * again, and until then the sample is left out (missing, not wrong); {@code notGraded} hears
     * which one and the sandbox's reason.
     */
    public static List<ProblemSamples> gradeCode(EvalPlan plan, CompletionStore store, java.util.function.Supplier<CodeGrader> grader,
                                                 CodeGrader.Settings settings,
                                                 int parallel, java.util.function.Consumer<String> notGraded) {
        String hash = store.register(plan.spec());
        String name = codeVerifier(settings);
        Semaphore slots = new Semaphore(parallel);
        List<List<Completion>> completions = new ArrayList<>();
        List<List<java.util.concurrent.Future<Outcome>>> pending = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Problem p : plan.problems()) {
                if (p.kind() != dev.arbiter.benchmark.Kind.CODE) {
                    throw new IllegalArgumentException(p.id() + " is not a code problem");
                }
                List<Completion> cs = store.completions(hash, p.id()).stream().filter(c -> c.sampleIndex() < plan.n()).toList();
                Map<Integer, StoredVerdict> stored = store.verdictsWithAnswers(hash, p.id(), name);
                List<java.util.concurrent.Future<Outcome>> outcomes = new ArrayList<>();
                for (Completion c : cs) {
                    StoredVerdict have = stored.get(c.sampleIndex());
                    outcomes.add(have != null ? java.util.concurrent.CompletableFuture.completedFuture(have.outcome()) : ex.submit(() -> {
                        slots.acquire();
                        try {
                            if (CodeExtractor.extract(c.text()).isBlank()) {
                                store.putVerdict(hash, p.id(), c.sampleIndex(), name, Outcome.NO_ANSWER, null, "no fenced code block");
                                return Outcome.NO_ANSWER;
                            }
                            CodeVerdict v = grader.get().grade(p, c.text());
                            if (!v.graded()) {
                                notGraded.accept(p.id() + " sample " + c.sampleIndex() + ": sandbox error: " + v.sandboxError());
                                return null;
                            }
                            Outcome o = v.passed() ? Outcome.CORRECT : Outcome.WRONG;
                            store.putVerdict(hash, p.id(), c.sampleIndex(), name, o, null,
                                    v.firstFailure() == null ? null : v.firstFailure().reason());
                            return o;
                        } finally {
                            slots.release();
                        }
                    }));
                }
                completions.add(cs);
                pending.add(outcomes);
            }
            List<ProblemSamples> out = new ArrayList<>();
            for (int p = 0; p < plan.problems().size(); p++) {
                List<Completion> cs = completions.get(p);
                List<Sample> samples = new ArrayList<>();
                for (int i = 0; i < cs.size(); i++) {
                    Outcome o = pending.get(p).get(i).get();
                    if (o == null) {
                        continue; // the sandbox failed: no verdict, so no sample
                    }
                    samples.add(new Sample(cs.get(i).sampleIndex(), o, cs.get(i).truncated(), o == Outcome.NO_ANSWER ? null : i));
                }
                out.add(new ProblemSamples(plan.problems().get(p).id(), labels(plan.problems().get(p)), samples));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while grading", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    private static Map<String, String> labels(Problem p) {
        Map<String, String> m = new HashMap<>();
        if (p.metadata().subject() != null) {
            m.put("subject", p.metadata().subject());
        }
        if (p.metadata().level() != null) {
            m.put("level", Integer.toString(p.metadata().level()));
        }
        if (p.metadata().difficulty() != null) {
            m.put("difficulty", p.metadata().difficulty());
        }
        return m;
    }
}
