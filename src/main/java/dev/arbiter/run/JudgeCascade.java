package dev.arbiter.run;

import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.judge.JudgePrompt;
import dev.arbiter.judge.Candidate;
import dev.arbiter.judge.Judgement;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.verify.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The LLM-judge cascade over a graded math benchmark: the answers the rules rejected ({@link #asks}) go to the judge, every
 * other verdict stands. The judge's rulings are stored beside the rule verdicts (never over them), keyed by the judge's
 * identity, the problem and the response, so a rerun or a resumed run asks again only what has no stored ruling. A request
 * that failed past its retries is not stored; a reply that could not be read is, as the same prompt at temperature 0 gets it
 * again. Either way that sample has no cascade verdict: it is left out of the cascade's figures (missing), never wrong.
 */
public final class JudgeCascade {
    private JudgeCascade() {}

    /** Whether a rule outcome goes to the judge: see {@link LlmJudge#asks}. */
    public static boolean asks(Outcome rule) {
        return LlmJudge.asks(rule);
    }

    /**
     * One benchmark's cascade: each problem's samples with the judge-accepted ones made correct and the judge-missing ones left
     * out; how many rule-rejected samples there were ({@code judged}), what the judge said of them, the missing ones by cause,
     * the calls this pass made (0 when every ruling was stored), and of the missing those whose request failed (asked again next
     * run).
     */
    public record Result(List<ProblemSamples> samples, long judged, long accepted, long rejected, long missing,
                         List<RunSummary.NotGraded> missingCauses, long calls, long failed) {}

    /**
     * The judge's rulings on {@code responses} (each to the problem at the same place), from the store where one is stored,
     * else asked {@code concurrency} at a time and stored unless the request failed.
     */
    public static List<Ruling> ask(CompletionStore store, LlmJudge judge, List<Problem> problems, List<Candidate> candidates, int concurrency) {
        String who = judge.identity();
        Semaphore slots = new Semaphore(Math.max(1, concurrency));
        List<Future<Ruling>> fs = new ArrayList<>();
        Map<String, Future<Ruling>> asking = new HashMap<>(); // the same response to the same problem is asked once
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int k = 0; k < candidates.size(); k++) {
                Problem p = problems.get(k);
                Candidate c = candidates.get(k);
                String ph = problemHash(p);
                String rh = JudgePrompt.sha256(c.key());
                Future<Ruling> same = asking.get(ph + " " + rh);
                if (same != null) {
                    fs.add(ex.submit(() -> new Ruling(same.get().judgement(), false)));
                    continue;
                }
                var stored = store.judgement(who, ph, rh);
                if (stored.isPresent()) {
                    var j = stored.get();
                    fs.add(java.util.concurrent.CompletableFuture.completedFuture(new Ruling(new Judgement(j.outcome(), j.verdictLine(), j.reason(),
                            false), false)));
                    continue;
                }
                Future<Ruling> f = ex.submit(() -> {
                    slots.acquire();
                    try {
                        Judgement j = judge.judge(p.prompt(), reference(p), c);
                        if (!j.failed()) {
                            store.putJudgement(who, ph, rh, p.id(), new CompletionStore.StoredJudgement(j.outcome(), j.verdictLine(), j.reason()));
                        }
                        return new Ruling(j, true);
                    } finally {
                        slots.release();
                    }
                });
                asking.put(ph + " " + rh, f);
                fs.add(f);
            }
            List<Ruling> out = new ArrayList<>();
            for (var f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the judge", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /**
     * The stored rulings of the judge a benchmark's row names (none when it has no cascade) on its rule-rejected samples, by
     * "problem id#sample index"; for showing each beside its sample.
     */
    public static Map<String, CompletionStore.StoredJudgement> stored(CompletionStore store, RunSamples.BenchmarkSamples b) {
        Map<String, CompletionStore.StoredJudgement> out = new HashMap<>();
        if (b.row() == null || b.row().cascade() == null) {
            return out;
        }
        String who = b.row().cascade().judge();
        for (RunSamples.ProblemSamples p : b.problems()) {
            String ph = problemHash(p.problem());
            for (RunSamples.Slot s : p.slots()) {
                if (s instanceof RunSamples.Graded g && asks(g.verdict().outcome())) {
                    Candidate c = Candidate.of(g.verdict().outcome(), g.verdict().extracted(), g.completion().text());
                    store.judgement(who, ph, JudgePrompt.sha256(c.key()))
                            .ifPresent(j -> out.put(p.problem().id() + "#" + g.index(), j));
                }
            }
        }
        return out;
    }

    /** A judge's ruling, and whether this pass asked for it (false: it was stored). */
    public record Ruling(Judgement judgement, boolean asked) {}

    /** The key a problem's rulings are stored under: its text and its reference answer, which is what the judge is shown. */
    static String problemHash(Problem p) {
        return JudgePrompt.sha256(p.prompt() + "\u0000" + reference(p));
    }

    private static String reference(Problem p) {
        return p.gold() instanceof MathAnswer a ? a.answer() : "";
    }

    /**
     * Applies the cascade to {@code graded} (the rule verdicts of {@code plan}'s problems, in plan order), asking the judge
     * {@code concurrency} at a time.
     */
    public static Result apply(EvalPlan plan, CompletionStore store, String verifierName, LlmJudge judge, List<ProblemSamples> graded,
                               int concurrency) {
        String hash = plan.spec().hash();
        Map<String, Problem> byId = new HashMap<>();
        plan.problems().forEach(p -> byId.put(p.id(), p));
        record Ask(int problem, Sample sample, Problem p, Candidate candidate) {}
        List<Ask> asks = new ArrayList<>();
        Map<String, Judgement> rulings = new HashMap<>(); // by problem index and sample index
        for (int pi = 0; pi < graded.size(); pi++) {
            ProblemSamples ps = graded.get(pi);
            Problem p = byId.get(ps.problemId());
            if (ps.samples().stream().noneMatch(s -> asks(s.outcome()))) {
                continue;
            }
            Map<Integer, Completion> texts = new HashMap<>();
            store.completions(hash, ps.problemId()).forEach(c -> texts.put(c.sampleIndex(), c));
            Map<Integer, StoredVerdict> read = store.verdictsWithAnswers(hash, ps.problemId(), verifierName);
            for (Sample s : ps.samples()) {
                if (asks(s.outcome())) {
                    StoredVerdict v = read.get(s.index());
                    asks.add(new Ask(pi, s, p, Candidate.of(s.outcome(), v == null ? null : v.extracted(), texts.get(s.index()).text())));
                }
            }
        }
        List<Ruling> got = ask(store, judge, asks.stream().map(Ask::p).toList(), asks.stream().map(Ask::candidate).toList(), concurrency);
        long calls = got.stream().filter(Ruling::asked).count();
        for (int k = 0; k < asks.size(); k++) {
            rulings.put(asks.get(k).problem() + "#" + asks.get(k).sample().index(), got.get(k).judgement());
        }
        long accepted = 0;
        long rejected = 0;
        Map<String, Long> causes = new java.util.TreeMap<>();
        List<ProblemSamples> out = new ArrayList<>();
        for (int pi = 0; pi < graded.size(); pi++) {
            ProblemSamples ps = graded.get(pi);
            int fresh = ps.samples().stream().filter(s -> s.cluster() != null).mapToInt(Sample::cluster).max().orElse(-1) + 1;
            Map<Integer, Integer> acceptedCluster = new HashMap<>(); // a rule cluster's accepted members vote together
            List<Sample> samples = new ArrayList<>();
            for (Sample s : ps.samples()) {
                Judgement j = rulings.get(pi + "#" + s.index());
                if (j == null) {
                    samples.add(s);
                } else if (!j.ruled()) {
                    causes.merge(j.reason(), 1L, Long::sum);
                } else if (j.accepted()) {
                    accepted++;
                    Integer c = s.cluster() == null ? null : acceptedCluster.get(s.cluster());
                    if (c == null) {
                        c = fresh++;
                        if (s.cluster() != null) {
                            acceptedCluster.put(s.cluster(), c);
                        }
                    }
                    samples.add(new Sample(s.index(), Outcome.CORRECT, s.truncated(), c));
                } else {
                    rejected++;
                    samples.add(s);
                }
            }
            out.add(new ProblemSamples(ps.problemId(), ps.labels(), samples));
        }
        long missing = causes.values().stream().mapToLong(Long::longValue).sum();
        long failed = got.stream().filter(r -> r.judgement().failed()).count();
        List<RunSummary.NotGraded> why = causes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> new RunSummary.NotGraded(e.getKey(), e.getValue())).toList();
        return new Result(out, asks.size(), accepted, rejected, missing, why, calls, failed);
    }
}
