package dev.arbiter.verify.math;

import java.util.List;

/**
 * Decides whether a model's output reaches the gold answer: extraction from both texts, then
 * {@link Equivalence}. Thread-safe: one instance serves any number of threads, and no CAS state is
 * shared between verdicts (Symja runs in child processes, one request at a time each). Every
 * verdict ends by its deadline; work past it is abandoned, and a CAS process still busy is killed.
 * Close the verifier to stop those processes.
 */
public final class MathVerifier implements AutoCloseable {
    /**
     * The part of a response the answer is read from: up to where the model's turn ends (a chat template's end-of-turn or a
     * next user turn), so that text after it, which the model did not write as its answer, is never read, by the rules or by
     * anything shown the response in their place.
     */
    public static String modelTurn(String response) {
        return AnswerExtractor.modelTurn(response);
    }

    private final MathConfig defaults;
    private final SymjaPool pool;

    public MathVerifier(MathConfig defaults) {
        this.defaults = defaults;
        this.pool = new SymjaPool(Runtime.getRuntime().availableProcessors());
    }

    public MathVerifier() {
        this(MathConfig.defaults());
    }

    /**
     * Starts a Symja child in the background and returns at once, so that a long run's first
     * symbolic question does not wait for it. Verdicts never need this.
     */
    public void warmUp() {
        pool.warmUp();
    }

    /** As {@link #warmUp()}, up to {@code children} children (at most one per core): one for each thread that will ask. */
    public void warmUp(int children) {
        pool.warmUp(children);
    }

    /**
     * Verdicts to compute at once when the caller does not say: one per core, but one on a machine of two
     * cores or fewer, where each verdict thread's Symja child competes with it for the cores (see
     * {@code arbiter bench verify}, which measures one thread beside several).
     */
    public static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 1 : cores;
    }

    public MathConfig defaults() {
        return defaults;
    }

    /** Verifies with this verifier's default config. Never throws for any input text. */
    public MathVerdict verify(String gold, String prediction) {
        return verify(gold, prediction, defaults);
    }

    /** Verifies with the given config. Never throws for any input text. */
    public MathVerdict verify(String gold, String prediction, MathConfig config) {
        long t0 = System.nanoTime();
        Deadline deadline = Deadline.after(config.deadline());
        List<String> goldShown = List.of();
        List<String> predShown = List.of();
        Deadline.enter(deadline);
        try {
            AnswerExtractor.Extracted g = AnswerExtractor.extract(gold == null ? "" : gold, config.goldTargets(),
                    config.boxedPriority(), config.choices(), MathConfig.Extraction.FLEXIBLE, deadline);
            goldShown = g.shown();
            AnswerExtractor.Extracted p = AnswerExtractor.extract(prediction == null ? "" : prediction, config.predTargets(),
                    config.boxedPriority(), config.choices(), config.extraction(), deadline);
            predShown = p.shown();
            if (g.parsed() == null && g.fallback() == null) {
                return failed("no answer found in the gold", goldShown, predShown, t0);
            }
            if (p.parsed() == null && p.fallback() == null) {
                return done(false, "no answer found in the prediction", false, goldShown, predShown, t0);
            }
            String reason = "not equal";
            if (g.parsed() != null && p.parsed() != null) {
                Equivalence eq = new Equivalence(config, deadline, pool);
                if (eq.equal(g.parsed(), p.parsed())) {
                    return done(true, eq.reason(), false, goldShown, predShown, t0);
                }
                reason = eq.reason();
            } else {
                reason = g.parsed() == null ? "gold answer not understood" : "predicted answer not understood";
            }
            if (sameText(g.fallback(), p.fallback()) || sameText(g.parsedText(), p.parsedText())) {
                return done(true, "same text", false, goldShown, predShown, t0);
            }
            return done(false, reason, false, goldShown, predShown, t0);
        } catch (Deadline.Exceeded e) {
            return done(false, "deadline of " + config.deadline().toMillis() + " ms passed", true, goldShown, predShown, t0);
        } catch (RuntimeException | StackOverflowError e) {
            return failed("could not compare: " + e.getClass().getSimpleName(), goldShown, predShown, t0);
        } finally {
            Deadline.leave();
        }
    }

    private static boolean sameText(String a, String b) {
        return a != null && b != null && !a.isBlank() && a.strip().equals(b.strip());
    }

    private static MathVerdict done(boolean equal, String reason, boolean timedOut, List<String> gold, List<String> pred,
            long t0) {
        return new MathVerdict(equal, reason, timedOut, gold, pred, (System.nanoTime() - t0) / 1000, false);
    }

    private static MathVerdict failed(String reason, List<String> gold, List<String> pred, long t0) {
        return new MathVerdict(false, reason, false, gold, pred, (System.nanoTime() - t0) / 1000, true);
    }

    @Override
    public void close() {
        pool.close();
    }
}
