package dev.arbiter.scaling;

import dev.arbiter.inference.Generation;
import dev.arbiter.inference.GenerationRequest;
import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.GenerationSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The extra model calls of strategies and sweeps (answer steps, SIFT stages, forced continuations),
 * each stored in the completion store the moment it returns and looked up before it is made, so a
 * re-run or a resume after a kill pays only for what is missing. A call is keyed by what is sent:
 * the spec (model, its identity, purpose, sampling, budget, stops) and the SHA-256 of the exact prompt
 * text. The identity is the one eval's samples are keyed by (a served model's fingerprint or revision),
 * so another model served under the same name never gets these calls from the store.
 */
public final class StrategyCalls {
    private final CompletionStore store;
    private final CallCounter counter;
    private final String model;
    private final String identity;
    private final boolean chat;
    private final Duration timeout;

    /** How one call samples. */
    public record Decoding(double temperature, double topP, int maxTokens, long seed, List<String> stop) {
        public Decoding {
            stop = List.copyOf(stop);
        }

        public Decoding withMaxTokens(int m) {
            return new Decoding(temperature, topP, m, seed, stop);
        }

        public Decoding withStop(List<String> s) {
            return new Decoding(temperature, topP, maxTokens, seed, s);
        }
    }

    public StrategyCalls(CompletionStore store, CallCounter counter, String model, boolean chat, Duration timeout) {
        this(store, counter, model, null, chat, timeout);
    }

    /** @param identity what tells the model apart from others under its name, as in {@link GenerationSpec#modelIdentity()}; null for none */
    public StrategyCalls(CompletionStore store, CallCounter counter, String model, String identity, boolean chat, Duration timeout) {
        this.store = store;
        this.counter = counter;
        this.model = model;
        this.identity = identity;
        this.chat = chat;
        this.timeout = timeout;
    }

    public CallCounter counter() {
        return counter;
    }

    public boolean chat() {
        return chat;
    }

    /** Sample {@code index} of {@code prompt} for {@code purpose}: from the store if made before, else from the model. */
    public Generation call(String purpose, String prompt, Decoding d, int index) {
        GenerationSpec spec = new GenerationSpec(model, "strategy " + purpose, chat, d.temperature(), d.topP(), d.maxTokens(), d.seed(), d.stop())
                .withIdentity(identity);
        String hash = store.register(spec);
        String key = "sha256:" + sha256(prompt);
        for (Completion c : store.completions(hash, key)) {
            if (c.sampleIndex() == index) {
                counter.cached(purpose);
                return new Generation(c.text(), c.finishReason(), c.promptTokens(), c.completionTokens());
            }
        }
        Generation g = counter.as(purpose).generate(new GenerationRequest(model, prompt, chat, d.maxTokens(), d.temperature(), d.topP(),
                spec.seedOf(index), d.stop(), timeout));
        store.put(hash, new Completion(key, index, g.text(), g.finishReason(), g.promptTokens(), g.completionTokens()));
        return g;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
