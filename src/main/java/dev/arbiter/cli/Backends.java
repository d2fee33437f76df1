package dev.arbiter.cli;

import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.RetryPolicy;
import dev.arbiter.inference.TokenCodec;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelHub;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;

/** Opens the model a command names: OpenAI-compatible endpoints, or a model folder run in this process. */
final class Backends {
    /** The backend, its tokenizer, the name the store keys it by, and how to describe what it did. */
    record Opened(InferenceBackend backend, TokenCodec codec, String modelId, OpenAiClient client, LocalEngine local) implements AutoCloseable {
        String stats() {
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

    private Backends() {}

    static Opened open(CommandLine cl, List<URI> endpoints, String model, dev.arbiter.cli.options.EngineOptions engine, Duration timeout) {
        if (model == null || model.isBlank()) {
            throw new CommandLine.ParameterException(cl, "--model is required");
        }
        if (!endpoints.isEmpty()) {
            String key = System.getenv().getOrDefault("ARBITER_API_KEY", System.getenv("OPENAI_API_KEY"));
            OpenAiClient client = new OpenAiClient(endpoints, key, RetryPolicy.DEFAULT);
            return new Opened(client, client.tokenCodec(model, timeout), model, client, null);
        }
        if (!Files.isDirectory(Path.of(model)) && !model.contains("/")) {
            throw new CommandLine.ParameterException(cl, "name at least one --endpoint for a served model, or give --model a model folder "
                    + "or a Hugging Face id (org/name) to run it in-process");
        }
        Path dir = ModelHub.fromEnvironment().resolve(model);
        String id = ModelHub.fingerprint(dir);
        LocalEngine local = engine.open(dir, id);
        return new Opened(local, local.tokenCodec(), id, null, local);
    }
}
