package dev.arbiter.inference.engine;

import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.RetryPolicy;
import dev.arbiter.inference.TokenCodec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The model a command names: OpenAI-compatible endpoints, or a model folder (or Hugging Face id) run
 * in this process. It lives beside the engine because it opens one; served models need only the client.
 */
public final class Backends {
    private Backends() {}

    /** Starts the in-process engine on a model folder, under the id the store keys it by (how: the command's device options). */
    @FunctionalInterface
    public interface EngineStarter {
        LocalEngine open(Path dir, String id);
    }

    /**
     * A resolved model. Served: {@code dir} is null and {@code id} is the name the servers know. In-process: {@code dir} is the
     * folder and {@code id} the digest of its weights, which names it in the store.
     */
    public record Target(List<URI> endpoints, String name, Path dir, String id) {
        public Target {
            endpoints = List.copyOf(endpoints);
        }

        public boolean served() {
            return dir == null;
        }

        /** The in-process model's context (max_position_embeddings). */
        public int context() {
            return ModelConfig.read(dir).maxPositions();
        }
    }

    /** The backend, its tokenizer, the name the store keys it by, and how to describe what it did. */
    public record Opened(InferenceBackend backend, TokenCodec codec, String modelId, OpenAiClient client, LocalEngine local) implements AutoCloseable {
        public String stats() {
            if (client != null) {
                return "HTTP requests " + client.stats().requests() + ", retries " + client.stats().retries();
            }
            return "in-process on " + local.model().device() + ": " + local.stats().steps() + " engine steps";
        }

        @Override
        public void close() {
            if (local != null) {
                local.close();
            }
        }
    }

    /**
     * Which model {@code model} names: served when endpoints are given, else a folder or a Hugging Face id
     * (fetched into the cache when online).
     *
     * @throws IllegalArgumentException when the name cannot be a model (a usage error)
     */
    public static Target resolve(List<URI> endpoints, String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--model is required");
        }
        if (!endpoints.isEmpty()) {
            return new Target(endpoints, model, null, model);
        }
        if (!Files.isDirectory(Path.of(model)) && !model.contains("/")) {
            throw new IllegalArgumentException("name at least one --endpoint for a served model, or give --model a model folder "
                    + "or a Hugging Face id (org/name) to run it in-process");
        }
        Path dir = ModelHub.fromEnvironment().resolve(model);
        return new Target(List.of(), model, dir, ModelHub.fingerprint(dir));
    }

    /** A client of the endpoints, with the API key from ARBITER_API_KEY or OPENAI_API_KEY. */
    public static OpenAiClient client(List<URI> endpoints) {
        String key = System.getenv().getOrDefault("ARBITER_API_KEY", System.getenv("OPENAI_API_KEY"));
        return new OpenAiClient(endpoints, key, RetryPolicy.DEFAULT);
    }

    /** Opens the model with its tokenizer (a served model's is fetched, waiting at most {@code timeout}). */
    public static Opened open(List<URI> endpoints, String model, EngineStarter engine, Duration timeout) {
        Target t = resolve(endpoints, model);
        if (t.served()) {
            OpenAiClient client = client(endpoints);
            return new Opened(client, client.tokenCodec(model, timeout), model, client, null);
        }
        LocalEngine local = engine.open(t.dir(), t.id());
        return new Opened(local, local.tokenCodec(), t.id(), null, local);
    }
}
