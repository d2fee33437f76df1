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

    private LocalEngine(String name, Path dir, DecoderModel model, ModelTokenizer tokenizer, Generator.Limits limits, int maxModelLen) {
        this.name = name;
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.generator = new Generator(model, tokenizer, limits, maxModelLen);
    }

    /**
     * What a server may change of a model folder: a context shorter than config.json's, and a chat template
     * from a file instead of tokenizer_config.json's. Null keeps the folder's.
     */
    public record Overrides(Integer maxModelLen, Path chatTemplate) {
        public static final Overrides NONE = new Overrides(null, null);

        public Overrides {
            if (maxModelLen != null && maxModelLen < 1) {
                throw new IllegalArgumentException("--max-model-len must be at least 1, got " + maxModelLen);
            }
        }
    }

    /**
     * Opens the engine with at most {@code maxBatch} sequences decoded together, saying on stderr what it loads and then
     * how long that took, since a large model takes a while.
     */
    public static LocalEngine openSaying(Path dir, String name, String device, Torch.Precision precision, int maxBatch) {
        return openSaying(dir, name, device, precision, maxBatch, Overrides.NONE);
    }

    /** As above, with a server's changes to the folder. */
    public static LocalEngine openSaying(Path dir, String name, String device, Torch.Precision precision, int maxBatch, Overrides overrides) {
        if (maxBatch < 1) {
            throw new ModelException("--max-batch must be at least 1");
        }
        System.err.println("arbiter: loading " + dir + " (" + device + ") ...");
        long t = System.nanoTime();
        LocalEngine e = open(dir, name, device, precision, new Generator.Limits(maxBatch, Generator.Limits.DEFAULT.maxPrefillTokens()), overrides);
        System.err.printf("arbiter: loaded %s in %.1f s: %,d parameters, %s on %s%n", name, (System.nanoTime() - t) / 1e9,
                e.model().config().parameterCount(), e.model().type(), e.model().device());
        return e;
    }

    /**
     * @param device auto, cpu, gpu or gpu:N
     * @param precision null for the device's default (fp16 on GPU, fp32 on CPU)
     */
    public static LocalEngine open(Path dir, String name, String device, Torch.Precision precision, Generator.Limits limits) {
        return open(dir, name, device, precision, limits, Overrides.NONE);
    }

    /** As above, with a server's changes to the folder. */
    public static LocalEngine open(Path dir, String name, String device, Torch.Precision precision, Generator.Limits limits, Overrides overrides) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException(dir + " is not a folder; give a model folder with config.json, tokenizer.json and safetensors weights");
        }
        Device d = Torch.device(device);
        Torch.Precision p = Torch.precision(d, precision);
        DecoderModel m = DecoderModel.load(dir, d, p);
        try {
            int context = m.config().maxPositions();
            if (overrides.maxModelLen() != null && overrides.maxModelLen() > context) {
                throw new ModelException("--max-model-len " + overrides.maxModelLen() + " is over the model's context of " + context
                        + " tokens (max_position_embeddings in " + dir.resolve("config.json") + ")");
            }
            ModelTokenizer tok = overrides.chatTemplate() != null ? ModelTokenizer.load(dir, m.config(), overrides.chatTemplate())
                    : ModelTokenizer.load(dir, m.config());
            return new LocalEngine(name, dir.toAbsolutePath().normalize(), m, tok, limits,
                    overrides.maxModelLen() != null ? overrides.maxModelLen() : context);
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

    /** Prompt plus completion tokens a request may have: the model's context, or the smaller one it was opened with. */
    public int maxModelLen() {
        return generator.maxModelLen();
    }

    /** Sequences being decoded now. */
    public int running() {
        return generator.running();
    }

    /** Sequences waiting for their prefill. */
    public int waiting() {
        return generator.waiting();
    }

    /** False once the engine has stopped (closed, or failed). */
    public boolean alive() {
        return generator.alive();
    }

    /** Tells {@code listener} of every engine step. */
    public void onStep(Generator.StepListener listener) {
        generator.onStep(listener);
    }

    /**
     * The prompt's tokens as a completion would see them: a raw prompt with the tokenizer's special tokens when
     * {@code addSpecialTokens}; chat messages through the template (with the assistant's turn opened when
     * {@code addGenerationPrompt}), and special tokens added on top only when asked.
     */
    public ModelTokenizer.Tokens tokenize(Prompt prompt, boolean addSpecialTokens, boolean addGenerationPrompt) {
        return switch (prompt) {
            case Prompt.Raw r -> tokenizer.tokens(r.text(), addSpecialTokens);
            case Prompt.Chat c -> tokenizer.tokens(tokenizer.applyChatTemplate(c.messages(), addGenerationPrompt), addSpecialTokens);
            case Prompt.Tokens t -> throw new IllegalArgumentException("token ids need no tokenizing");
        };
    }

    /** The text of token ids, special tokens included. */
    public String detokenize(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= tokenizer.vocabSize()) {
                throw new ModelException("token id " + id + " is outside the vocabulary (0.." + (tokenizer.vocabSize() - 1) + ")");
            }
        }
        return tokenizer.decode(ids, 0, ids.length, false);
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
