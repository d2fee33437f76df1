package dev.arbiter.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Scores batches under a bound on the items admitted at once: a batch that does not fit in what is
 * left of the queue is refused whole ({@link Overloaded}), so memory and waiting stay bounded however
 * hard trainers push. Items run on virtual threads, so the CPU they use is bounded by the carrier
 * pool (one per core) and code items waiting on a sandbox hold no core.
 */
public final class RewardService implements AutoCloseable {
    private final RewardScorer scorer;
    private final int capacity;
    private final Semaphore room;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    /** Thrown when a batch does not fit in the queue now; the caller should answer 429 and let the trainer retry. */
    public static final class Overloaded extends Exception {
        Overloaded(String message) {
            super(message, null, false, false);
        }
    }

    public RewardService(RewardScorer scorer, int queueItems) {
        if (queueItems < 1) {
            throw new IllegalArgumentException("the queue must hold at least one item");
        }
        this.scorer = scorer;
        this.capacity = queueItems;
        this.room = new Semaphore(queueItems);
    }

    public int capacity() {
        return capacity;
    }

    /** Items admitted and not yet answered. */
    public int depth() {
        return capacity - room.availablePermits();
    }

    /** Scores every item, in order; refuses the whole batch at once when it does not fit. */
    public List<RewardResult> scoreAll(List<RewardItem> items) throws Overloaded {
        int n = items.size();
        if (n > capacity) {
            throw new IllegalArgumentException("a batch of " + n + " items is larger than this server's queue of " + capacity
                    + "; split it, or start the server with a larger --queue");
        }
        if (!room.tryAcquire(n)) {
            throw new Overloaded("the queue is full (" + depth() + " of " + capacity + " items waiting); retry shortly");
        }
        try {
            if (n == 1) {
                return List.of(scorer.score(items.get(0)));
            }
            List<Future<RewardResult>> fs = new ArrayList<>(n);
            for (RewardItem item : items) {
                fs.add(workers.submit(() -> scorer.score(item)));
            }
            List<RewardResult> out = new ArrayList<>(n);
            for (Future<RewardResult> f : fs) {
                out.add(join(f));
            }
            return out;
        } finally {
            room.release(n);
        }
    }

    /** Runs {@code work} in one queue slot; refuses at once when the queue is full. */
    public <T> T admitOne(java.util.function.Supplier<T> work) throws Overloaded {
        if (!room.tryAcquire()) {
            throw new Overloaded("the queue is full (" + depth() + " of " + capacity + " items waiting); retry shortly");
        }
        try {
            return work.get();
        } finally {
            room.release();
        }
    }

    private static RewardResult join(Future<RewardResult> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("scoring failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        workers.close();
    }
}
