package dev.arbiter.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;

/**
 * Decides whether responses reach their gold: the one seam every grading path goes through (eval,
 * grade, curate, the reward service and the trainer). Implementations never throw for any response;
 * what they cannot judge is an {@link Outcome#INFRASTRUCTURE_ERROR} verdict carrying its cause.
 */
public interface Verifier {

    Verdict verify(Check check);

    /** How many checks {@link #verifyAll} runs at once: a core each for math, a sandbox slot each for code. */
    int parallelism();

    /**
     * Verifies every check, {@link #parallelism()} at a time, and returns the verdicts in input
     * order; {@code each} hears every verdict with its check's index as it is made, from the thread
     * that made it, so a caller can write verdicts out before the last one is known.
     */
    default List<Verdict> verifyAll(List<Check> checks, BiConsumer<Integer, Verdict> each) {
        Semaphore slots = new Semaphore(Math.max(1, parallelism()));
        List<Future<Verdict>> fs = new ArrayList<>(checks.size());
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                int index = i;
                fs.add(ex.submit(() -> {
                    slots.acquire();
                    try {
                        Verdict v;
                        try {
                            v = verify(c);
                        } catch (RuntimeException e) {
                            // A verifier's bug is no verdict on this response, and must not cost the batch the others'.
                            v = Verdict.infrastructureError("the verifier failed: " + e, null, 0);
                        }
                        each.accept(index, v);
                        return v;
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Verdict> out = new ArrayList<>(checks.size());
            for (Future<Verdict> f : fs) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }
}
