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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching on one model. A single engine thread owns every libtorch call: it takes new
 * sequences between steps, prefills them together, right-aligns their caches with the running
 * batch's, then decodes all rows one token per step and drops rows as they finish. Callers on any
 * thread {@link #submit} and wait on the future.
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
    private final LinkedBlockingQueue<Row> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong maxRowsSeen = new AtomicLong();
    private final int maxModelLen;
    private volatile int running;
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

    /** Sequences in the running batch after the last step. */
    public int running() {
        return running;
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
        int limit = maxModelLen;
        if (req.prompt().length + req.maxTokens() > limit) {
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
        Row r = new Row(req);
        queue.add(r);
        return r.future;
    }

    /** Submits all and waits for all; results in request order. */
    public List<SequenceResult> generate(List<SequenceRequest> reqs) {
        List<CompletableFuture<SequenceResult>> fs = reqs.stream().map(this::submit).toList();
        return fs.stream().map(CompletableFuture::join).toList();
    }

    private final class Row {
        final SequenceRequest req;
        final CompletableFuture<SequenceResult> future = new CompletableFuture<>();
        final Sampler sampler;
        final ArrayDeque<Integer> forced = new ArrayDeque<>();
        int[] out = new int[16];
        int count;
        int pad;
        int next;
        // incremental detokenization, only when there are stop strings
        final StringBuilder text = new StringBuilder();
        final List<SequenceResult.TokenLogprobs> logprobs = new ArrayList<>();
        int prefixOffset;
        int readOffset;

        Row(SequenceRequest req) {
            this.req = req;
            this.sampler = new Sampler(req.sampling());
        }

        void append(int token) {
            if (count == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            out[count++] = token;
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
        running = active.size();
        StepListener l = stepListener;
        if (l != null) {
            try {
                l.step(prefill, running, System.nanoTime() - startNanos);
            } catch (RuntimeException e) {
                // what watches the engine must not stop it
            }
        }
    }

    private List<Row> admit() throws InterruptedException {
        List<Row> out = new ArrayList<>();
        Row first = active.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : queue.poll();
        int tokens = 0;
        while (first != null) {
            if (!first.future.isDone()) {
                out.add(first);
                tokens += first.req.prompt().length;
            }
            if (active.size() + out.size() >= limits.maxRows()) {
                break;
            }
            Row peek = queue.peek();
            if (peek == null || tokens + peek.req.prompt().length > limits.maxPrefillTokens()) {
                break;
            }
            first = queue.poll();
        }
        return out;
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
            logits = model.forward(step, tokens, pads, group, false).toFloatArray();
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
            accept(r, logits, i * v);
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
            logits = model.forward(step, tokens, pads, cache, false).toFloatArray();
        }
        int v = model.config().vocabSize();
        for (int i = 0; i < active.size(); i++) {
            accept(active.get(i), logits, i * v);
        }
        finishStep();
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
        if (r.req.topLogprobs() >= 0) {
            r.logprobs.add(logprobs(logits, offset, vocab, token, r.req.topLogprobs()));
        }
        r.append(token);
        generatedTokens.incrementAndGet();
        if (eos.contains(token) && r.forced.isEmpty()) {
            complete(r, SequenceResult.Finish.STOP, -1);
            return;
        }
        if (!r.req.stop().isEmpty()) {
            int before = r.text.length();
            r.text.append(delta(r));
            int from = Math.max(0, before - longest(r.req.stop()));
            for (String s : r.req.stop()) {
                int at = r.text.indexOf(s, from);
                if (at >= 0) {
                    complete(r, SequenceResult.Finish.STOP, at);
                    return;
                }
            }
        }
        if (r.count >= r.req.maxTokens()) {
            complete(r, SequenceResult.Finish.LENGTH, -1);
            return;
        }
        r.next = token;
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
        for (int i = 0; i < vocab; i++) {
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

    private void complete(Row r, SequenceResult.Finish finish, int cutAt) {
        int[] toks = Arrays.copyOf(r.out, r.count);
        int textEnd = r.count;
        if (finish == SequenceResult.Finish.STOP && cutAt < 0 && eos.contains(toks[textEnd - 1])) {
            textEnd--;
        }
        String text = cutAt >= 0 ? r.text.substring(0, cutAt) : tokenizer.decode(toks, 0, textEnd, true);
        r.future.complete(new SequenceResult(toks, text, finish, r.req.prompt().length, r.logprobs));
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
        active.forEach(r -> r.future.completeExceptionally(e));
        Row r;
        while ((r = queue.poll()) != null) {
            r.future.completeExceptionally(e);
        }
    }
}
