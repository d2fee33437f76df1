package dev.arbiter.scaling;

import dev.arbiter.inference.Generation;
import dev.arbiter.inference.InferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the model calls a strategy or sweep makes, and their tokens, by purpose ("full",
 * "answer", "sift:sticker", ...), so that cost can be put on a plot's x-axis and a sweep's bill
 * checked. Only calls that reach the model count; answers found in the store are counted apart.
 */
public final class CallCounter {
    private final InferenceBackend backend;
    private final Map<String, LongAdder[]> tallies = new ConcurrentHashMap<>();

    /** One purpose's bill. */
    public record Tally(String purpose, long calls, long promptTokens, long completionTokens, long cached) {}

    public CallCounter(InferenceBackend backend) {
        this.backend = backend;
    }

    /** The backend, seen as making calls for {@code purpose}. */
    public InferenceBackend as(String purpose) {
        return r -> {
            Generation g = backend.generate(r);
            LongAdder[] t = tally(purpose);
            t[0].increment();
            t[1].add(g.promptTokens());
            t[2].add(g.completionTokens());
            return g;
        };
    }

    /** Records an answer for {@code purpose} that came from the store instead of the model. */
    public void cached(String purpose) {
        tally(purpose)[3].increment();
    }

    public long calls(String purpose) {
        LongAdder[] t = tallies.get(purpose);
        return t == null ? 0 : t[0].sum();
    }

    public long totalCalls() {
        return tallies.values().stream().mapToLong(t -> t[0].sum()).sum();
    }

    /** Every purpose's tally, by name. */
    public List<Tally> tallies() {
        List<Tally> out = new ArrayList<>();
        new TreeMap<>(tallies).forEach((k, t) -> out.add(new Tally(k, t[0].sum(), t[1].sum(), t[2].sum(), t[3].sum())));
        return out;
    }

    private LongAdder[] tally(String purpose) {
        return tallies.computeIfAbsent(purpose, k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
    }
}
