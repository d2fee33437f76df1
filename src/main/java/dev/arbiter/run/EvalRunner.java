package dev.arbiter.run;

import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.InferenceException;
import dev.arbiter.verify.Check;
import dev.arbiter.verify.Outcome;
import dev.arbiter.verify.Verdict;
import dev.arbiter.verify.Verifier;
import dev.arbiter.verify.code.CodeGrader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * Runs a plan: asks the backend only for the samples the store lacks (each stored the moment it
 * arrives), then grades through the {@link Verifier} seam every stored sample that has no verdict
 * under this verifier's name yet.
 */
public final class EvalRunner {
    /**
     * The name math verdicts are stored under, per extraction mode; a new verifier version gets a new
     * name and re-grades.
     */
    public static String mathVerifier(boolean boxed) {
        return boxed ? "arbiter-math/2 boxed" : "arbiter-math/2";
    }

    /** Code verdicts' name: the grader and its settings, since a different clock or limit is a different verdict. */
    public static String codeVerifier(CodeGrader.Settings s) {
        return "arbiter-code/2 " + s.clock().name().toLowerCase() + " " + s.timeoutS() + "s " + s.limits().memoryMb() + "MB";
    }

    /** Told after each sample is stored or given up on. */
    public interface Listener {
        void sampleDone(int done, int total, long completionTokens);
    }

    /**
     * What one generation pass did. {@code failed} counts the slots left missing, requested or not;
     * {@code failures} groups them by cause, each with the server's own message.
     */
    public record Generated(int requested, int stored, int failed, long promptTokens, long completionTokens,
                            List<RequestFailures.Group> failures) {}

    private EvalRunner() {}

    /**
     * Asks the backend for every slot the store lacks, {@code plan.concurrency()} at a time. Once a
     * request finds the server unreachable past the retries, the slots not yet asked for are left
     * missing rather than each waiting out the same retries.
     */
    public static Generated generate(EvalPlan plan, InferenceBackend backend, CompletionStore store, Listener listener) {
        return generate(plan, RunPart.WHOLE, backend, store, listener);
    }

    /** The same, for the slots of {@code part} only: a shard's slice, or (gathering) none. */
    public static Generated generate(EvalPlan plan, RunPart part, InferenceBackend backend, CompletionStore store, Listener listener) {
        String hash = store.register(plan.spec());
        List<SampleSlot> todo = mine(part, plan, store.missing(hash, plan.problemIds(), plan.n()));
        Map<String, Problem> byId = new HashMap<>();
        plan.problems().forEach(p -> byId.put(p.id(), p));
        Semaphore inFlight = new Semaphore(plan.concurrency());
        AtomicInteger done = new AtomicInteger();
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong promptTokens = new AtomicLong();
        AtomicLong completionTokens = new AtomicLong();
        RequestFailures failures = new RequestFailures();
        java.util.concurrent.atomic.AtomicReference<String> unreachable = new java.util.concurrent.atomic.AtomicReference<>();
        int submitted = 0;
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SampleSlot slot : todo) {
                inFlight.acquireUninterruptibly();
                if (unreachable.get() != null) {
                    inFlight.release();
                    break;
                }
                submitted++;
                ex.submit(() -> {
                    String name = slot.problemId() + "#" + slot.sampleIndex();
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
                    } catch (InferenceException e) {
                        // The slot stays missing, so the next run asks for it again; the run says why.
                        failed.incrementAndGet();
                        failures.add(name, e);
                        if (e.kind() == InferenceException.Kind.UNREACHABLE) {
                            unreachable.compareAndSet(null, e.reason());
                        }
                    } catch (StoreException e) {
                        failed.incrementAndGet();
                        failures.add(name, e);
                    } finally {
                        inFlight.release();
                        listener.sampleDone(done.incrementAndGet(), todo.size(), completionTokens.get());
                    }
                });
            }
        }
        int skipped = todo.size() - submitted;
        if (skipped > 0) {
            SampleSlot first = todo.get(submitted);
            failures.skipped(skipped, "the server became unreachable (" + unreachable.get() + ")", first.problemId() + "#" + first.sampleIndex());
        }
        return new Generated(todo.size(), stored.get(), failed.get() + skipped, promptTokens.get(), completionTokens.get(), failures.groups());
    }

    /**
     * Grades, through {@code verifier}, every stored sample below n that lacks a verdict under
     * {@code verifierName}, all problems at once at the verifier's parallelism, and returns each
     * problem's samples. {@code sameAnswer} groups equivalent extracted answers for maj@k; null makes
     * each response its own answer (code). A sample without a verdict (an infrastructure error: the
     * sandbox or the verifier failed) is neither stored nor counted: the next run grades it again, and
     * until then it is missing, never wrong; {@code notGraded} hears which one and why.
     */
    public static List<ProblemSamples> grade(EvalPlan plan, CompletionStore store, Verifier verifier, String verifierName,
                                             BiPredicate<String, String> sameAnswer, Consumer<String> notGraded) {
        return grade(plan, RunPart.WHOLE, store, verifier, verifierName, sameAnswer, notGraded);
    }

    /**
     * The same, for the samples of {@code part}: a shard grades its own slice (each problem's samples are
     * then only those), the whole run and a gather grade every stored sample.
     */
    public static List<ProblemSamples> grade(EvalPlan plan, RunPart part, CompletionStore store, Verifier verifier, String verifierName,
                                             BiPredicate<String, String> sameAnswer, Consumer<String> notGraded) {
        String hash = store.register(plan.spec());
        List<List<Completion>> completions = new ArrayList<>();
        List<Map<Integer, StoredVerdict>> verdicts = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        List<int[]> at = new ArrayList<>();
        for (int pi = 0; pi < plan.problems().size(); pi++) {
            Problem p = plan.problems().get(pi);
            int position = pi;
            List<Completion> cs = store.completions(hash, p.id()).stream()
                    .filter(c -> c.sampleIndex() < plan.n() && !(part instanceof RunPart.Shard s && !s.owns(position, c.sampleIndex()))).toList();
            Map<Integer, StoredVerdict> stored = new HashMap<>(store.verdictsWithAnswers(hash, p.id(), verifierName));
            CodeGrader.Kind grader = p.kind() == Kind.CODE ? CodeGrader.graderFor(p.benchmark()) : null;
            for (int i = 0; i < cs.size(); i++) {
                Completion c = cs.get(i);
                if (!stored.containsKey(c.sampleIndex())) {
                    checks.add(Check.of(p.id() + "#" + c.sampleIndex(), p.gold(), grader, c.text(), c.truncated()));
                    at.add(new int[] {pi, i});
                }
            }
            completions.add(cs);
            verdicts.add(stored);
        }
        List<Verdict> fresh = verifier.verifyAll(checks, (i, v) -> { });
        List<List<CompletionStore.VerdictRow>> rows = new ArrayList<>();
        plan.problems().forEach(p -> rows.add(new ArrayList<>()));
        for (int k = 0; k < checks.size(); k++) {
            Verdict v = fresh.get(k);
            int pi = at.get(k)[0];
            Completion c = completions.get(pi).get(at.get(k)[1]);
            if (!v.outcome().graded()) {
                notGraded.accept(checks.get(k).id() + ": " + v.reason());
                continue;
            }
            // A verifier that ran out of time may have been starved by the machine: counted now, graded again next run.
            if (v.outcome() != Outcome.VERIFIER_TIMEOUT) {
                rows.get(pi).add(new CompletionStore.VerdictRow(c.sampleIndex(), v.outcome(), v.answer(), v.reason()));
            }
            verdicts.get(pi).put(c.sampleIndex(), new StoredVerdict(v.outcome(), v.answer(), v.reason()));
        }
        // Clustering answers asks the verifier too: problems in parallel, one per core; the store serializes writes.
        List<java.util.concurrent.Future<ProblemSamples>> fs = new ArrayList<>();
        try (ExecutorService ex = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
            for (int pi = 0; pi < plan.problems().size(); pi++) {
                Problem p = plan.problems().get(pi);
                int k = pi;
                fs.add(ex.submit(() -> {
                    store.putVerdicts(hash, p.id(), verifierName, rows.get(k));
                    return samples(p.id(), labels(p), completions.get(k), verdicts.get(k), sameAnswer);
                }));
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

    /** The missing slots {@code part} asks the model for. */
    private static List<SampleSlot> mine(RunPart part, EvalPlan plan, List<SampleSlot> missing) {
        return switch (part) {
            case RunPart.Whole w -> missing;
            case RunPart.Shard s -> s.slice(plan.problemIds(), missing);
            case RunPart.Gather g -> List.of();
        };
    }

    /**
     * One problem's samples from stored verdicts under {@code verifierName}, answers grouped as
     * {@link #grade} groups them; for reading a finished run back without its benchmark files.
     *
     * @throws IllegalStateException when a completion below n has no verdict yet
     */
    public static ProblemSamples stored(CompletionStore store, String hash, String problemId, int n, String verifierName,
                                        BiPredicate<String, String> sameAnswer) {
        List<Completion> cs = store.completions(hash, problemId).stream().filter(c -> c.sampleIndex() < n).toList();
        Map<Integer, StoredVerdict> stored = store.verdictsWithAnswers(hash, problemId, verifierName);
        for (Completion c : cs) {
            if (!stored.containsKey(c.sampleIndex())) {
                throw new IllegalStateException(problemId + " sample " + c.sampleIndex() + " has no verdict yet");
            }
        }
        return samples(problemId, Map.of(), cs, stored, sameAnswer);
    }

    /**
     * A problem of a run already read back ({@link RunSamples}) as graded samples, each answer in its maj@k
     * cluster; {@code sameAnswer} is null for code.
     *
     * @throws IllegalStateException when a stored completion has no verdict yet
     */
    public static ProblemSamples stored(RunSamples.ProblemSamples p, BiPredicate<String, String> sameAnswer) {
        List<Completion> cs = new ArrayList<>();
        Map<Integer, StoredVerdict> verdicts = new java.util.HashMap<>();
        for (RunSamples.Slot s : p.slots()) {
            switch (s) {
                case RunSamples.Missing m -> { }
                case RunSamples.Ungraded u -> throw new IllegalStateException(p.problem().id() + " sample " + u.index() + " has no verdict yet");
                case RunSamples.Graded g -> {
                    cs.add(g.completion());
                    verdicts.put(g.index(), g.verdict());
                }
            }
        }
        return samples(p.problem().id(), Map.of(), cs, verdicts, sameAnswer);
    }

    /** The samples that have a verdict, each answer in its maj@k cluster. */
    private static ProblemSamples samples(String problemId, Map<String, String> labels, List<Completion> all,
                                          Map<Integer, StoredVerdict> verdicts, BiPredicate<String, String> sameAnswer) {
        List<Completion> cs = all.stream().filter(c -> verdicts.containsKey(c.sampleIndex())).toList();
        List<Outcome> outcomes = cs.stream().map(c -> verdicts.get(c.sampleIndex()).outcome()).toList();
        if (sameAnswer == null) {
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < cs.size(); i++) {
                samples.add(new Sample(cs.get(i).sampleIndex(), outcomes.get(i), cs.get(i).truncated(), outcomes.get(i).votes() ? i : null));
            }
            return new ProblemSamples(problemId, labels, samples);
        }
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            answers.add(outcomes.get(i).votes() ? verdicts.get(cs.get(i).sampleIndex()).extracted() : null);
        }
        return clustered(problemId, labels, cs, outcomes, answers, sameAnswer);
    }

    private static ProblemSamples clustered(String problemId, Map<String, String> labels, List<Completion> cs, List<Outcome> outcomes,
                                            List<String> answers, BiPredicate<String, String> equivalent) {
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
