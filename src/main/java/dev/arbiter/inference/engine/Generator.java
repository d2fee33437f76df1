package dev.arbiter.inference.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching on one model. A single engine thread owns every libtorch call: it takes new
 * sequences between steps, prefills them together, right-aligns their caches with the running
 * batch's, then decodes all rows one token per step and drops rows as they finish. Callers on any
 * thread {@link #submit} and wait on the future, or listen to each token as it is generated; a
 * caller that cancels its future frees the row at the next step. Work that is not decoding (scoring
 * a prompt's tokens) goes through the same queue, so every libtorch call stays on the engine thread.
 */
public final class Generator implements AutoCloseable {
    /** Rows decoded together at most, and prompt tokens prefilled together at most (one long prompt still goes alone). */
    public record Limits(int maxRows, int maxPrefillTokens) {
        public static final Limits DEFAULT = new Limits(64, 4096);
    }

    private final DecoderModel model;
    private final ModelTokenizer tokenizer;
    private final Limits limits;
    private final Set<Integer> eos;
    private final int vocab;
    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong maxRowsSeen = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final int maxModelLen;
    private volatile StepListener stepListener;

    private KvCache cache;
    private final List<Row> active = new ArrayList<>();

    public Generator(DecoderModel model, ModelTokenizer tokenizer, Limits limits) {
        this(model, tokenizer, limits, model.config().maxPositions());
    }

    /** As above, with a context of {@code maxModelLen} tokens (prompt and completion), at most the model's own. */
    public Generator(DecoderModel model, ModelTokenizer tokenizer, Limits limits, int maxModelLen) {
        if (maxModelLen < 1 || maxModelLen > model.config().maxPositions()) {
            throw new ModelException("the context must be 1.." + model.config().maxPositions() + " tokens (max_position_embeddings), got " + maxModelLen);
        }
        this.maxModelLen = maxModelLen;
        this.model = model;
        this.tokenizer = tokenizer;
        this.limits = limits;
        this.eos = tokenizer.eosTokenIds();
        this.vocab = Math.min(tokenizer.vocabSize(), model.config().vocabSize());
        this.thread = new Thread(this::loop, "arbiter-engine");
        thread.setDaemon(true);
        thread.start();
    }

    public DecoderModel model() {
        return model;
    }

    /** Counters since start: prompt tokens prefilled, tokens generated, engine steps, most rows in one step. */
    public record Stats(long promptTokens, long generatedTokens, long steps, long maxRows) {}

    public Stats stats() {
        return new Stats(promptTokens.get(), generatedTokens.get(), steps.get(), maxRowsSeen.get());
    }

    /** Told after each engine step: whether it was a prefill, the rows left running, and how long it took. */
    public interface StepListener {
        void step(boolean prefill, int rows, long nanos);
    }

    /** The one listener told of each step (a later call replaces it). */
    public void onStep(StepListener listener) {
        this.stepListener = listener;
    }

    /** Sequences submitted and not yet prefilled. */
    public int waiting() {
        return queue.size();
    }

    /** False once closed, or once the engine thread failed (every request since fails). */
    public boolean alive() {
        return !closed;
    }

    /** Prompt plus completion tokens a sequence may have. */
    public int maxModelLen() {
        return maxModelLen;
    }

    public CompletableFuture<SequenceResult> submit(SequenceRequest req) {
        return submit(req, null);
    }

    /** Rows decoding now, or admitted and about to. */
    public int running() {
        return running.get();
    }

    /**
     * As {@link #submit(SequenceRequest)}, telling {@code listener} (may be null) each token as it is
     * generated; the last delta comes before the future completes.
     */
    public CompletableFuture<SequenceResult> submit(SequenceRequest req, SequenceDelta.Listener listener) {
        int limit = maxModelLen;
        if (req.maxTokens() > limit - req.prompt().length) { // not prompt + max: a max near Integer.MAX_VALUE would wrap
            throw new ModelException("prompt (" + req.prompt().length + " tokens) plus max_tokens (" + req.maxTokens()
                    + ") exceeds the model's context of " + limit + " tokens");
        }
        for (int id : req.prompt()) {
            if (id < 0 || id >= model.config().vocabSize()) {
                throw new ModelException("prompt token id " + id + " is outside the vocabulary");
            }
        }
        if (closed) {
            throw new ModelException("the engine is closed");
        }
        Row r = new Row(req, listener);
        enqueue(r, r.future);
        return r.future;
    }

    /**
     * Scores a prompt: for each token after the first, its log-probability given the tokens before it,
     * with the {@code k} most likely tokens at that position (one forward pass over the prompt, on
     * the engine thread between steps). The list has one entry per prompt token but the first.
     */
    public CompletableFuture<List<SequenceResult.TokenLogprobs>> scorePrompt(int[] prompt, int k) {
        if (k < 0 || k > SequenceRequest.MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top logprobs must be between 0 and " + SequenceRequest.MAX_TOP_LOGPROBS + ", got " + k);
        }
        if (prompt.length > maxModelLen) {
            throw new ModelException("the prompt (" + prompt.length + " tokens) exceeds the model's context of " + maxModelLen + " tokens");
        }
        for (int id : prompt) {
            if (id < 0 || id >= model.config().vocabSize()) {
                throw new ModelException("prompt token id " + id + " is outside the vocabulary");
            }
        }
        if (closed) {
            throw new ModelException("the engine is closed");
        }
        Score s = new Score(prompt.clone(), k, new CompletableFuture<>());
        enqueue(s, s.future());
        return s.future;
    }

    /**
     * Queues work; if the engine stopped between the caller's check and the add, its last drain may have
     * missed this item, which would then wait forever: take it back and fail it here.
     */
    private void enqueue(Work w, CompletableFuture<?> future) {
        queue.add(w);
        if (closed && queue.remove(w)) {
            future.completeExceptionally(new ModelException("the engine is closed"));
        }
    }

    /** What the engine thread takes from its queue. */
    private sealed interface Work permits Row, Score {}

    private record Score(int[] prompt, int k, CompletableFuture<List<SequenceResult.TokenLogprobs>> future) implements Work {}

    /** Submits all and waits for all; results in request order. */
    public List<SequenceResult> generate(List<SequenceRequest> reqs) {
        List<CompletableFuture<SequenceResult>> fs = reqs.stream().map(this::submit).toList();
        return fs.stream().map(CompletableFuture::join).toList();
    }

    private final class Row implements Work {
        final SequenceRequest req;
        final SequenceDelta.Listener listener;
        final CompletableFuture<SequenceResult> future = new CompletableFuture<>();
        final Sampler sampler;
        /** Counted in {@link #running} until it ends. */
        boolean counted;
        final ArrayDeque<Integer> forced = new ArrayDeque<>();
        int[] out = new int[16];
        int count;
        int pad;
        int next;
        // incremental detokenization, only when there are stop strings or a listener
        final StringBuilder text = new StringBuilder();
        int sent; // chars of text the listener has had
        final List<SequenceResult.TokenLogprobs> logprobs = new ArrayList<>();
        int prefixOffset;
        int readOffset;

        Row(SequenceRequest req, SequenceDelta.Listener listener) {
            this.req = req;
            this.listener = listener;
            this.sampler = new Sampler(req.sampling(), req.prompt());
        }

        boolean incremental() {
            return listener != null || !req.stop().isEmpty();
        }

        void append(int token) {
            if (count == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[count++] = token;
            sampler.accept(token);
        }
    }

    private void loop() {
        try {
            while (!closed) {
                List<Row> admitted = admit();
                long t = System.nanoTime();
                if (!admitted.isEmpty()) {
                    prefill(admitted);
                    stepped(true, t);
                } else if (!active.isEmpty()) {
                    decode();
                    stepped(false, t);
                }
            }
        } catch (Throwable t) {
            closed = true;
            failAll(t instanceof ModelException me ? me : new ModelException("the engine failed: " + t, t));
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
    }

    private void stepped(boolean prefill, long startNanos) {
        StepListener l = stepListener;
        if (l != null) {
            try {
                l.step(prefill, active.size(), System.nanoTime() - startNanos);
            } catch (RuntimeException e) {
                // what watches the engine must not stop it
            }
        }
    }

    private List<Row> admit() throws InterruptedException {
        List<Row> out = new ArrayList<>();
        Work next = active.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : queue.poll();
        int tokens = 0;
        while (next != null) {
            switch (next) {
                case Score s -> score(s);
                case Row r -> {
                    if (!r.future.isDone()) {
                        out.add(r);
                        r.counted = true;
                        running.incrementAndGet();
                        tokens += r.req.prompt().length;
                    }
                }
            }
            if (active.size() + out.size() >= limits.maxRows()) {
                break;
            }
            Work peek = queue.peek();
            if (peek == null || (peek instanceof Row r && tokens + r.req.prompt().length > limits.maxPrefillTokens())) {
                break;
            }
            next = queue.poll();
        }
        return out;
    }

    private void score(Score s) {
        if (s.future().isDone()) {
            return;
        }
        int[] p = s.prompt();
        List<SequenceResult.TokenLogprobs> out = new ArrayList<>();
        if (p.length > 1) {
            // its own cache: the running batch's is not touched
            try (KvCache c = model.newCache(1, p.length); NDManager step = model.newStep()) {
                NDArray logits = model.forward(step, new int[][] {p}, new int[] {0}, c, true);
                promptTokens.addAndGet(p.length);
                // a row at a time: on a device the whole [positions, vocab] array may not fit one Java array
                for (int i = 0; i + 1 < p.length; i++) {
                    float[] row = logits.get(0, i).toFloatArray();
                    out.add(logprobs(row, 0, vocab, p[i + 1], s.k()));
                }
            } catch (RuntimeException e) {
                s.future().completeExceptionally(new ModelException("scoring the prompt failed: " + e.getMessage(), e));
                return;
            }
        }
        s.future().complete(out);
    }

    private void prefill(List<Row> rows) {
        int len = rows.stream().mapToInt(r -> r.req.prompt().length).max().orElseThrow();
        int[][] tokens = new int[rows.size()][len];
        int[] pads = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            int[] p = rows.get(i).req.prompt();
            pads[i] = len - p.length;
            System.arraycopy(p, 0, tokens[i], pads[i], p.length);
            promptTokens.addAndGet(p.length);
        }
        KvCache group = model.newCache(rows.size(), len + 64);
        float[] logits;
        try (NDManager step = model.newStep()) {
            logits = model.logits(step, tokens, pads, group, false);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
        if (cache == null || active.isEmpty()) {
            if (cache != null) {
                cache.close();
            }
            cache = group;
        } else {
            int[] shifts = cache.append(group, 64);
            active.forEach(r -> r.pad += shifts[0]);
            for (int i = 0; i < pads.length; i++) {
                pads[i] += shifts[1];
            }
        }
        int v = model.config().vocabSize();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            r.pad = pads[i];
            active.add(r);
            acceptOrFail(r, logits, i * v);
        }
        finishStep();
    }

    private void decode() {
        int[][] tokens = new int[active.size()][1];
        int[] pads = new int[active.size()];
        for (int i = 0; i < active.size(); i++) {
            tokens[i][0] = active.get(i).next;
            pads[i] = active.get(i).pad;
        }
        float[] logits;
        try (NDManager step = model.newStep()) {
            logits = model.logits(step, tokens, pads, cache, false);
        }
        int v = model.config().vocabSize();
        for (int i = 0; i < active.size(); i++) {
            acceptOrFail(active.get(i), logits, i * v);
        }
        finishStep();
    }

    /** As {@link #accept}; what goes wrong with one row's token fails that row only, never the engine and the other rows. */
    private void acceptOrFail(Row r, float[] logits, int offset) {
        try {
            accept(r, logits, offset);
        } catch (RuntimeException e) {
            release(r);
            r.future.completeExceptionally(new ModelException("choosing the next token failed: " + e, e));
        }
    }

    /** Picks the row's next token, or finishes the row. */
    private void accept(Row r, float[] logits, int offset) {
        if (r.future.isDone()) { // cancelled by its caller
            return;
        }
        int token;
        if (!r.forced.isEmpty()) {
            token = r.forced.poll();
        } else {
            token = r.sampler.next(logits, offset, vocab);
            if (r.req.hook() != null) {
                int[] repl = r.req.hook().onSampled(r.out, r.count, token);
                token = repl[0];
                for (int j = 1; j < repl.length; j++) {
                    r.forced.add(repl[j]);
                }
            }
        }
        SequenceResult.TokenLogprobs lp = null;
        if (r.req.topLogprobs() >= 0) {
            lp = logprobs(logits, offset, vocab, token, r.req.topLogprobs());
            r.logprobs.add(lp);
        }
        r.append(token);
        generatedTokens.incrementAndGet();
        if (eos.contains(token) && r.forced.isEmpty() && !r.req.ignoreEos()) {
            complete(r, SequenceResult.Finish.STOP, -1, lp);
            return;
        }
        if (r.incremental()) {
            int before = r.text.length();
            r.text.append(delta(r));
            int from = Math.max(0, before - longest(r.req.stop()));
            for (String s : r.req.stop()) {
                int at = r.text.indexOf(s, from);
                if (at >= 0) {
                    complete(r, SequenceResult.Finish.STOP, at, lp);
                    return;
                }
            }
        }
        if (r.count >= r.req.maxTokens()) {
            complete(r, SequenceResult.Finish.LENGTH, -1, lp);
            return;
        }
        if (r.listener != null) {
            int upTo = Math.max(r.sent, r.text.length() - heldBack(r.text, r.req.stop()));
            if (upTo > r.sent && upTo < r.text.length() && Character.isLowSurrogate(r.text.charAt(upTo))) {
                upTo--; // never split a surrogate pair
            }
            emit(r, token, r.text.substring(r.sent, upTo), lp);
            r.sent = upTo;
        }
        r.next = token;
    }

    /** How many chars at the end of {@code text} could start a stop string, and so are not shown yet. */
    static int heldBack(CharSequence text, List<String> stops) {
        int held = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > held; k--) {
                if (endsWith(text, s, k)) {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    private static boolean endsWith(CharSequence text, String stop, int k) {
        int base = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(base + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void emit(Row r, int token, String text, SequenceResult.TokenLogprobs lp) {
        try {
            r.listener.onDelta(new SequenceDelta(token, text, lp == null ? List.of() : List.of(lp)));
        } catch (RuntimeException e) {
            // the listener's failure ends its own sequence, not the engine
            r.future.completeExceptionally(e);
        }
    }

    /** The token's log-softmax over the vocabulary, and the {@code k} largest, most likely first (ties by lower id). */
    static SequenceResult.TokenLogprobs logprobs(float[] logits, int offset, int vocab, int token, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        double norm = max + Math.log(sum);
        int[] top = new int[Math.min(k, vocab)];
        int filled = 0;
        for (int i = 0; i < vocab && top.length > 0; i++) {
            float v = logits[offset + i];
            if (filled < top.length || v > logits[offset + top[filled - 1]]) {
                int j = filled < top.length ? filled++ : filled - 1;
                while (j > 0 && logits[offset + top[j - 1]] < v) {
                    top[j] = top[j - 1];
                    j--;
                }
                top[j] = i;
            }
        }
        double[] topLp = new double[top.length];
        for (int j = 0; j < top.length; j++) {
            topLp[j] = logits[offset + top[j]] - norm;
        }
        return new SequenceResult.TokenLogprobs(token, logits[offset + token] - norm, top, topLp);
    }

    private String delta(Row r) {
        String prefix = tokenizer.decode(r.out, r.prefixOffset, r.readOffset, true);
        String full = tokenizer.decode(r.out, r.prefixOffset, r.count, true);
        if (full.length() > prefix.length() && !full.endsWith("\uFFFD")) {
            r.prefixOffset = r.readOffset;
            r.readOffset = r.count;
            return full.substring(prefix.length());
        }
        return "";
    }

    private static int longest(List<String> stops) {
        return stops.stream().mapToInt(String::length).max().orElse(0);
    }

    private void complete(Row r, SequenceResult.Finish finish, int cutAt, SequenceResult.TokenLogprobs lp) {
        int[] toks = Arrays.copyOf(r.out, r.count);
        int textEnd = r.count;
        if (finish == SequenceResult.Finish.STOP && cutAt < 0 && eos.contains(toks[textEnd - 1])) {
            textEnd--;
        }
        String text;
        if (cutAt >= 0) {
            text = r.text.substring(0, cutAt);
        } else if (r.listener != null) {
            // what was streamed stays the start of the text: finish the incremental decode
            String prefix = tokenizer.decode(r.out, r.prefixOffset, r.readOffset, true);
            String full = tokenizer.decode(r.out, r.prefixOffset, textEnd, true);
            if (full.length() > prefix.length() && full.startsWith(prefix)) {
                r.text.append(full, prefix.length(), full.length());
            }
            text = r.text.toString();
        } else {
            text = tokenizer.decode(toks, 0, textEnd, true);
        }
        if (r.listener != null) {
            emit(r, toks[toks.length - 1], text.substring(Math.min(r.sent, text.length())), lp);
            r.sent = text.length();
        }
        // out of the running count before its caller hears: a reply never shows itself still running
        release(r);
        r.future.complete(new SequenceResult(toks, text, finish, r.req.prompt().length, r.logprobs));
    }

    private void release(Row r) {
        if (r.counted) {
            r.counted = false;
            running.decrementAndGet();
        }
    }

    /** Drops finished rows, and the columns that are padding for every row left. */
    private void finishStep() {
        steps.incrementAndGet();
        maxRowsSeen.accumulateAndGet(active.size(), Math::max);
        boolean anyDone = active.stream().anyMatch(r -> r.future.isDone());
        if (!anyDone) {
            return;
        }
        List<Row> keep = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            if (!active.get(i).future.isDone()) {
                keep.add(active.get(i));
                idx.add(i);
            }
        }
        for (Row r : active) {
            if (r.future.isDone()) {
                release(r); // cancelled by its caller, or failed
            }
        }
        if (keep.isEmpty()) {
            active.clear();
            cache.close();
            cache = null;
            return;
        }
        int drop = keep.stream().mapToInt(r -> r.pad).min().orElse(0);
        cache.select(idx.stream().mapToInt(Integer::intValue).toArray(), drop);
        keep.forEach(r -> r.pad -= drop);
        active.clear();
        active.addAll(keep);
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new ModelException("the engine was closed"));
    }

    /** Fails every running and waiting sequence (a finished one keeps its result). */
    private void failAll(ModelException e) {
        active.forEach(r -> {
            release(r);
            r.future.completeExceptionally(e);
        });
        Work w;
        while ((w = queue.poll()) != null) {
            switch (w) {
                case Row r -> r.future.completeExceptionally(e);
                case Score s -> s.future().completeExceptionally(e);
            }
        }
    }
}
