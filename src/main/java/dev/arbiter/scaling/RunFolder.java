package dev.arbiter.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import dev.arbiter.run.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a finished `arbiter eval` run folder says about itself (its summary.json): the model, n,
 * the store, and per benchmark the generation hash, verifier and problem ids that find its samples.
 */
public record RunFolder(Path dir, String model, int n, String store, List<Bench> benchmarks) {
    /** One benchmark of the run. */
    public record Bench(String name, String generationHash, String verifier, List<String> problemIds, int maxTokens) {
        public boolean code() {
            return verifier.startsWith("arbiter-code/");
        }
    }

    public RunFolder {
        benchmarks = List.copyOf(benchmarks);
    }

    /** @throws IllegalArgumentException with a message for the user when the folder is not a readable run */
    public static RunFolder read(Path dir) {
        Path summary = dir.resolve("summary.json");
        if (!Files.isRegularFile(summary)) {
            throw new IllegalArgumentException(dir + " is not a run folder: it has no summary.json (give the folder `arbiter eval` reported)");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(summary.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(summary + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode config = root.path("config");
        int n = config.path("n").asInt(0);
        String store = config.path("store").asText(null);
        String model = config.path("model").asText(config.path("generation").path("model").asText(null));
        if (n < 1 || store == null || model == null) {
            throw new IllegalArgumentException(summary + ": no n, store or model in its config; is it from `arbiter eval`?");
        }
        if (store.contains("password=***")) {
            throw new IllegalArgumentException(summary + ": the store's password is not saved with the run; pass --store with the full URL");
        }
        int maxTokens = config.path("generation").path("max_tokens").asInt(0);
        List<Bench> out = new ArrayList<>();
        for (JsonNode b : config.path("benchmarks")) {
            JsonNode ids = b.path("problem_ids");
            if (!ids.isArray()) {
                throw new IllegalArgumentException(summary + ": benchmark " + b.path("name").asText() + " lists no problem ids (the run predates them); "
                        + "run the same `arbiter eval` again: it reuses every stored sample and rewrites the summary");
            }
            List<String> pids = new ArrayList<>();
            ids.forEach(i -> pids.add(i.asText()));
            out.add(new Bench(b.path("name").asText(), b.path("generation_hash").asText(), b.path("verifier").asText(), pids, maxTokens));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(summary + ": the run has no benchmarks");
        }
        return new RunFolder(dir, model, n, store, out);
    }

    /** The run with another store location (a moved file, or a URL with its password). */
    public RunFolder withStore(String location) {
        return new RunFolder(dir, model, n, location, benchmarks);
    }

    /**
     * A run folder with its store: {@code storeOverride} when given, else the run's own. An unreadable
     * folder or a missing store file is the user's to fix, an {@link InputException}.
     */
    public static RunFolder open(Path dir, String storeOverride) {
        RunFolder run;
        try {
            run = read(dir);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        String location = storeOverride != null ? storeOverride : run.store();
        if (!location.startsWith("jdbc:") && !Files.isRegularFile(Path.of(location))) {
            throw new InputException("the run's store " + location + " is not there (run from the folder you ran `arbiter eval` in, or pass --store)");
        }
        return run.withStore(location);
    }
}
