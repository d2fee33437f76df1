package dev.arbiter.inference.engine;

import ai.djl.Device;
import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.InferenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A model folder loaded in this process: tokenizer, chat template and the batching generator. As an
 * {@link InferenceBackend} it serves the eval runner; {@link #complete} serves `arbiter serve`.
 */
public final class LocalEngine implements InferenceBackend, AutoCloseable {
    private final String name;
    private final Path dir;
    private final DecoderModel model;
    private final ModelTokenizer tokenizer;
    private final Generator generator;

    private LocalEngine(String name, Path dir, DecoderModel model, ModelTokenizer tokenizer, Generator.Limits limits) {
        this.name = name;
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.generator = new Generator(model, tokenizer, limits);
    }

    /**
     * Opens the engine with at most {@code maxBatch} sequences decoded together, saying on stderr what it loads and then
     * how long that took, since a large model takes a while.
     */
    public static LocalEngine openSaying(Path dir, String name, String device, Torch.Precision precision, int maxBatch) {
        if (maxBatch < 1) {
            throw new ModelException("--max-batch must be at least 1");
        }
        System.err.println("arbiter: loading " + dir + " (" + device + ") ...");
        long t = System.nanoTime();
        LocalEngine e = open(dir, name, device, precision, new Generator.Limits(maxBatch, Generator.Limits.DEFAULT.maxPrefillTokens()));
        System.err.printf("arbiter: loaded %s in %.1f s: %,d parameters, %s on %s%n", name, (System.nanoTime() - t) / 1e9,
                e.model().config().parameterCount(), e.model().type(), e.model().device());
        return e;
    }

    /**
     * @param device auto, cpu, gpu or gpu:N
     * @param precision null for the device's default (fp16 on GPU, fp32 on CPU)
     */
    public static LocalEngine open(Path dir, String name, String device, Torch.Precision precision, Generator.Limits limits) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException(dir + " is not a folder; give a model folder with config.json, tokenizer.json and safetensors weights");
        }
        Device d = Torch.device(device);
        Torch.Precision p = Torch.precision(d, precision);
        DecoderModel m = DecoderModel.load(dir, d, p);
        try {
            return new LocalEngine(name, dir.toAbsolutePath().normalize(), m, ModelTokenizer.load(dir, m.config()), limits);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** The model folder the weights came from. */
    public Path dir() {
        return dir;
    }

    public DecoderModel model() {
        return model;
    }

    /** This model's tokenizer, for budgets counted in its tokens. */
    public dev.arbiter.inference.TokenCodec tokenCodec() {
        return new dev.arbiter.inference.TokenCodec() {
            @Override
            public int[] encode(String text) {
                return tokenizer.encode(text, false);
            }

            @Override
            public String decode(int[] ids) {
                return tokenizer.decode(ids, 0, ids.length, false);
            }
        };
    }

    public Generator.Stats stats() {
        return generator.stats();
    }

    /** Sequences decoding now (a streamed request whose client went away leaves this count at the next step). */
    public int running() {
        return generator.running();
    }

    /** The model's context: prompt and generated tokens together at most. */
    public int contextLength() {
        return model.config().maxPositions();
    }

    /** What to continue: a raw prompt, chat messages put through the model's template, or token ids as they are. */
    public sealed interface Prompt {
        record Raw(String text) implements Prompt {}

        record Chat(List<ModelTokenizer.Message> messages) implements Prompt {}

        record Tokens(int[] ids) implements Prompt {
            public Tokens {
                ids = ids.clone();
            }
        }
    }

    /**
     * The prompt's token ids (a raw prompt with the tokenizer's special tokens added).
     *
     * @throws ModelException for an empty prompt or a token id the tokenizer does not have
     */
    public int[] tokens(Prompt prompt) {
        int[] ids = switch (prompt) {
            case Prompt.Raw r -> tokenizer.encode(r.text(), true);
            case Prompt.Chat c -> tokenizer.encode(tokenizer.applyChatTemplate(c.messages()), false);
            case Prompt.Tokens t -> t.ids();
        };
        if (ids.length == 0) {
            throw new ModelException("the prompt is empty");
        }
        if (prompt instanceof Prompt.Tokens) {
            for (int id : ids) {
                if (id < 0 || id >= tokenizer.vocabSize()) {
                    throw new ModelException("prompt token id " + id + " is outside the vocabulary (0 to " + (tokenizer.vocabSize() - 1) + ")");
                }
            }
        }
        return ids;
    }

    /** The text of token ids, special tokens included (what an echoed token-id prompt reads as). */
    public String text(int[] ids) {
        return tokenizer.decode(ids, 0, ids.length, false);
    }

    /**
     * One finished choice, in the shape the OpenAI API reports; {@code logprobs} holds one entry per
     * generated token when they were asked for.
     */
    public record Choice(String text, String finishReason, int promptTokens, int completionTokens, List<Logprob> logprobs) {}

    /** A generated token's text and log-probability, with the most likely tokens at its position. */
    public record Logprob(String token, double logprob, List<Top> top) {}

    /** One of the most likely tokens at a position. */
    public record Top(String token, double logprob) {}

    /** What one step added to choice {@code index}: text safe to show (maybe empty) and the token's logprobs when asked for. */
    public record Delta(int index, String text, List<Logprob> logprobs) {}

    /** Receives every choice's deltas as they are generated, on the engine thread; it must not block. */
    @FunctionalInterface
    public interface Listener {
        void onDelta(Delta delta);
    }

    /**
     * A prompt's own tokens scored by the model: the first token's text (it has no logprob), then for each
     * later token its logprob given the ones before, with the {@code k} most likely tokens there.
     */
    public record PromptLogprobs(String first, List<Logprob> rest) {}

    public CompletableFuture<PromptLogprobs> promptLogprobs(int[] ids, int k) {
        String first = tokenText(ids[0]);
        return generator.scorePrompt(ids, k).thenApply(l -> new PromptLogprobs(first, l.stream().map(this::named).toList()));
    }

    /**
     * Submits {@code n} samples of one prompt; sample i uses seed + i, so a request repeated with its
     * seed repeats every choice.
     */
    public List<CompletableFuture<Choice>> complete(Prompt prompt, int n, Sampling sampling, int maxTokens, List<String> stop) {
        return complete(prompt, n, sampling, maxTokens, stop, -1);
    }

    /** As {@link #complete(Prompt, int, Sampling, int, List)}, with {@code topLogprobs} alternatives per token (-1: no logprobs). */
    public List<CompletableFuture<Choice>> complete(Prompt prompt, int n, Sampling sampling, int maxTokens, List<String> stop,
                                                    int topLogprobs) {
        return complete(prompt, n, sampling, maxTokens, stop, false, topLogprobs, null);
    }

    /**
     * As {@link #complete(Prompt, int, Sampling, int, List, int)}, going on past end-of-sequence tokens when
     * {@code ignoreEos}, and telling {@code listener} (may be null) each choice's tokens as they are
     * generated (choice i's deltas carry index i).
     */
    public List<CompletableFuture<Choice>> complete(Prompt prompt, int n, Sampling sampling, int maxTokens, List<String> stop,
                                                    boolean ignoreEos, int topLogprobs, Listener listener) {
        int[] ids = tokens(prompt);
        List<CompletableFuture<Choice>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Sampling s = sampling.withSeed(sampling.seed() + i);
            int index = i;
            SequenceDelta.Listener l = listener == null ? null
                    : d -> listener.onDelta(new Delta(index, d.text(), d.logprobs().stream().map(this::named).toList()));
            CompletableFuture<SequenceResult> base = generator.submit(new SequenceRequest(ids, s, maxTokens, stop, null, topLogprobs, ignoreEos), l);
            CompletableFuture<Choice> choice = base.thenApply(r -> new Choice(r.text(), r.finish().openAi(), r.promptTokens(), r.tokens().length,
                    r.logprobs().stream().map(this::named).toList()));
            // a caller that gives up frees the row at the next step
            choice.whenComplete((v, e) -> {
                if (choice.isCancelled()) {
                    base.cancel(false);
                }
            });
            out.add(choice);
        }
        return out;
    }

    private Logprob named(SequenceResult.TokenLogprobs t) {
        List<Top> top = new ArrayList<>();
        for (int i = 0; i < t.top().length; i++) {
            top.add(new Top(tokenText(t.top()[i]), t.topLogprobs()[i]));
        }
        return new Logprob(tokenText(t.token()), t.logprob(), top);
    }

    /** One token's text on its own (a token that is part of a multi-byte character reads as U+FFFD). */
    private String tokenText(int id) {
        return tokenizer.decode(new int[] {id}, 0, 1, false);
    }

    @Override
    public Generation generate(GenerationRequest r) {
        Prompt p = r.chat() ? new Prompt.Chat(List.of(new ModelTokenizer.Message("user", r.prompt()))) : new Prompt.Raw(r.prompt());
        CompletableFuture<Choice> f;
        try {
            f = complete(p, 1, new Sampling(r.temperature(), r.topP(), 0, r.seed()), r.maxTokens(), r.stop()).getFirst();
        } catch (ModelException | IllegalArgumentException e) {
            // refused before it ran (too long for the context, say): the same request fails again
            throw new InferenceException(e.getMessage(), e, InferenceException.Kind.REFUSED, 0, e.getMessage());
        }
        try {
            Choice c = f.get(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return new Generation(c.text(), c.finishReason(), c.promptTokens(), c.completionTokens());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new InferenceException("no answer from the in-process model within " + r.timeout().toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new InferenceException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new InferenceException("interrupted", e);
        }
    }

    @Override
    public void close() {
        generator.close();
        model.close();
        tokenizer.close();
    }
}
