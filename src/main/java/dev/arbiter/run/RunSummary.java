package dev.arbiter.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run folder's summary.json: which Arbiter made it and when, the resolved config, one row of
 * metrics per benchmark, and what the run did (requests, failures, ungraded samples). Written and read
 * in snake_case; a figure that is not a number (NaN) is written as null and read back as NaN.
 * {@code arbiter eval} writes it, {@code arbiter report} merges rows of several, and scale, behaviours
 * and curate find a finished run's samples through its config.
 */
public record RunSummary(String arbiterVersion, String gitCommit, Instant startedAt, Instant finishedAt, Double wallS, Machine machine,
                         Config config, List<Row> benchmarks, Run run) {
    public static final String FILE = "summary.json";

    public RunSummary {
        benchmarks = benchmarks == null ? List.of() : List.copyOf(benchmarks);
        run = run == null ? Run.EMPTY : run;
        config = config == null ? Config.merged(List.of()) : config;
    }

    /**
     * The resolved config. For a run of eval every field but the optional ones (model_revision,
     * served, in_process, device) is set; a merged report has only merged_from.
     *
     * @param generation the generation spec in its canonical form (see {@link GenerationSpec#canonicalJson()})
     * @param truncated "graded" or "excluded"
     * @param store the completion store, its password redacted
     * @param shard the slice of the run's slots this summary covers (its rows are then empty: a shard scores no run), or null for the whole run
     * @param reproduce what else changes output and the command that makes the run again (null in summaries written before it)
     */
    public record Config(JsonNode generation, String generationHash, String runKey, Integer n, String truncated, String extraction,
                         String verifier, String store, String out, List<Integer> k, List<Bench> benchmarks, String model, String strategy,
                         String modelRevision, List<String> endpoints, JsonNode served, String inProcess, String device,
                         List<String> mergedFrom, RunPart.Shard shard, RunSettings reproduce) {
        public Config {
            k = k == null ? List.of() : List.copyOf(k);
            benchmarks = benchmarks == null ? List.of() : List.copyOf(benchmarks);
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            mergedFrom = mergedFrom == null ? List.of() : List.copyOf(mergedFrom);
            generation = generation == null || generation.isNull() ? null : generation; // JSON null reads as a NullNode
            served = served == null || served.isNull() ? null : served;
        }

        /** The config of a report merged from other runs' folders. */
        public static Config merged(List<String> from) {
            return new Config(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, from, null, null);
        }

        public Config withStore(String location) {
            return new Config(generation, generationHash, runKey, n, truncated, extraction, verifier, location, out, k, benchmarks, model, strategy,
                    modelRevision, endpoints, served, inProcess, device, mergedFrom, shard, reproduce);
        }
    }

    /** One benchmark of the run: the generation hash, verifier and problem ids that find its samples in the store. */
    public record Bench(String name, int problems, String generationHash, String verifier, List<String> problemIds) {
        public Bench {
            problemIds = problemIds == null ? null : List.copyOf(problemIds);
        }

        public boolean code() {
            return verifier.startsWith("arbiter-code/");
        }
    }

    /**
     * One benchmark's row; {@code breakdown} maps a label (subject, level, ...) to its groups' metrics; {@code cascade} holds the
     * LLM-judge cascade's figures beside the rule-only ones in {@code metrics}, or null when no judge was asked.
     */
    public record Row(String benchmark, String model, MetricSummary metrics, Map<String, Map<String, MetricSummary>> breakdown,
                      Cascade cascade) {
        public Row {
            breakdown = breakdown == null ? Map.of() : breakdown;
        }

        public Row(String benchmark, String model, MetricSummary metrics, Map<String, Map<String, MetricSummary>> breakdown) {
            this(benchmark, model, metrics, breakdown, null);
        }

        public Row(String benchmark, String model, MetricSummary metrics) {
            this(benchmark, model, metrics, Map.of());
        }
    }

    /**
     * The figures with an LLM judge's rulings on the rule-rejected answers: {@code metrics} counts a judge-accepted answer
     * correct and leaves out a sample whose ruling is missing. {@code judge} is the judge's identity (model, prompt
     * fingerprint, reply budget); {@code judged} the rule-rejected samples it was asked about (stored rulings included), of
     * which it accepted, rejected, or gave no ruling on ({@code missing}, by cause); {@code calls} the requests this run made.
     */
    public record Cascade(String judge, MetricSummary metrics, long judged, long accepted, long rejected, long missing,
                          List<NotGraded> missingCauses, long calls) {
        public Cascade {
            missingCauses = missingCauses == null ? List.of() : List.copyOf(missingCauses);
        }
    }

    /**
     * What the run did. HTTP counts are set for served models (preflight: the checks before sampling), engine counts in-process;
     * {@code sift} only under that strategy.
     */
    public record Run(Map<String, BenchmarkRun> benchmarks, Long httpRequests, Long retries, Long preflightRequests, Long preflightRetries,
                      Long engineSteps, Long engineMaxRows, Sift sift) {
        static final Run EMPTY = new Run(Map.of(), null, null, null, null, null, null, null);

        public Run {
            benchmarks = benchmarks == null ? Map.of() : new LinkedHashMap<>(benchmarks);
        }
    }

    /** One benchmark's requests and what came of them; {@code notGraded} counts samples without a verdict by reason. */
    public record BenchmarkRun(int requested, int stored, int failed, long promptTokens, long completionTokens, List<RequestFailures.Group> failures,
                               List<NotGraded> notGraded) {
        public BenchmarkRun {
            failures = failures == null ? List.of() : List.copyOf(failures);
            notGraded = notGraded == null ? List.of() : List.copyOf(notGraded);
        }
    }

    public record NotGraded(String reason, long count) {}

    /** SIFT's answers by the branch they ended at, and its calls by purpose. */
    public record Sift(Map<String, Long> branches, Map<String, Calls> calls, long totalCalls) {}

    public record Calls(long calls, long cached, long promptTokens, long completionTokens) {}

    /** The machine a run was graded on (null in summaries written before it was recorded). */
    public record Machine(String host, String os, String arch, int cores, long memoryMb, String runtime) {
        public static Machine current() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = null;
            }
            long memory = java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getTotalMemorySize() / (1024 * 1024) : 0;
            return new Machine(host, System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), memory, Runtime.version().toString());
        }

        /** The machine in one line, as a report shows it. */
        public String describe() {
            return (host == null ? "" : host + ": ") + os + " " + arch + ", " + cores + " cores, " + String.format(java.util.Locale.ROOT, "%,d", memoryMb)
                    + " MiB, Java " + runtime;
        }
    }

    /** This summary for a run that started at {@code startedAt} and ends now, stamped with this build and machine. */
    public static RunSummary finished(Instant startedAt, Config config, List<Row> rows, Run run) {
        Instant end = Instant.now();
        BuildInfo b = BuildInfo.current();
        return new RunSummary(b.version(), b.commit(), startedAt, end, Duration.between(startedAt, end).toMillis() / 1000.0, Machine.current(), config,
                rows, run);
    }

    public String model() {
        return config.model();
    }

    public int n() {
        return config.n() == null ? 0 : config.n();
    }

    public String store() {
        return config.store();
    }

    /** The same run with another store location (a moved file, or a URL with its password). */
    public RunSummary withStore(String location) {
        return new RunSummary(arbiterVersion, gitCommit, startedAt, finishedAt, wallS, machine, config.withStore(location), benchmarks, run);
    }

    // ---- JSON

    private static final ObjectMapper MAPPER = Json.mapper().copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new SimpleModule("nan-as-null")
                    .addSerializer(Double.class, new NanAsNull())
                    .addSerializer(double.class, new NanAsNull())
                    .addDeserializer(Double.class, new NullAsNan())
                    .addDeserializer(double.class, new NullAsNan()));

    public String toJson() {
        return pretty(this) + "\n";
    }

    /** A part of a summary (its config, say) as summary.json writes it. */
    public static String pretty(Object part) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(part);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static RunSummary fromJson(String json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        if (!root.has("arbiter_version")) {
            upgrade((ObjectNode) root);
        }
        return MAPPER.treeToValue(root, RunSummary.class);
    }

    /** Writes {@code dir}/summary.json through a temporary file and a rename. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".part");
        Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads {@code dir}/summary.json, of this version or of one written before it.
     *
     * @throws RunException with a message for the user when the folder has none or it cannot be read
     */
    public static RunSummary read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new RunException(dir + " is not a run folder: it has no " + FILE + " (give the folder `arbiter eval` reported)");
        }
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new RunException(file + " cannot be read as an `arbiter eval` summary: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * Reads a finished eval run, checked for what finding its samples needs: n, the store, the model, and
     * each benchmark's problem ids.
     *
     * @throws RunException with a message for the user when the folder is not a readable run
     */
    public static RunSummary readRun(Path dir) {
        RunSummary s = read(dir);
        Path file = dir.resolve(FILE);
        Config c = s.config();
        if (c.n() == null || c.n() < 1 || c.store() == null || c.model() == null) {
            throw new RunException(file + ": no n, store or model in its config; is it from `arbiter eval`?");
        }
        if (c.store().contains("password=***")) {
            throw new RunException(file + ": the store's password is not saved with the run; pass --store with the full URL");
        }
        for (Bench b : c.benchmarks()) {
            if (b.problemIds() == null) {
                throw new RunException(file + ": benchmark " + b.name() + " lists no problem ids (the run predates them); "
                        + "run the same `arbiter eval` again: it reuses every stored sample and rewrites the summary");
            }
        }
        if (c.benchmarks().isEmpty()) {
            throw new RunException(file + ": the run has no benchmarks");
        }
        return s;
    }

    /**
     * A finished run with its store: {@code storeOverride} when given, else the run's own, which must
     * be there to read.
     *
     * @throws RunException with a message for the user when the folder is not a readable run or its store is missing
     */
    public static RunSummary openRun(Path dir, String storeOverride) {
        RunSummary run = readRun(dir);
        String location = storeOverride != null ? storeOverride : run.store();
        if (!location.startsWith("jdbc:") && !Files.isRegularFile(Path.of(location))) {
            throw new RunException("the run's store " + location + " is not there (run from the folder you ran `arbiter eval` in, or pass --store)");
        }
        return run.withStore(location);
    }

    /**
     * Brings a summary written before this record (no arbiter_version) to its form, in place: metrics
     * were in camelCase, "NaN" strings stood for NaN, the run's per-benchmark counts sat beside its
     * totals, and the model was only in the generation spec.
     */
    private static void upgrade(ObjectNode root) {
        for (JsonNode row : root.path("benchmarks")) {
            if (row instanceof ObjectNode r) {
                if (r.get("metrics") instanceof ObjectNode m) {
                    r.set("metrics", snakeMetrics(m));
                }
                if (r.get("breakdown") instanceof ObjectNode bd) {
                    bd.fields().forEachRemaining(label -> {
                        if (label.getValue() instanceof ObjectNode groups) {
                            groups.fields().forEachRemaining(g -> {
                                if (g.getValue() instanceof ObjectNode gm) {
                                    g.setValue(snakeMetrics(gm));
                                }
                            });
                        }
                    });
                }
            }
        }
        if (root.get("config") instanceof ObjectNode c && !c.has("model") && c.path("generation").has("model")) {
            c.set("model", c.path("generation").path("model"));
        }
        if (root.get("run") instanceof ObjectNode run && !run.has("benchmarks")) {
            ObjectNode per = MAPPER.createObjectNode();
            List<String> moved = new ArrayList<>();
            run.fields().forEachRemaining(e -> {
                if (e.getValue().isObject() && !e.getKey().equals("sift")) {
                    moved.add(e.getKey());
                }
            });
            moved.forEach(k -> per.set(k, run.remove(k)));
            run.remove("sift"); // its old shape has no branch map; its counts are in the stored calls
            run.set("benchmarks", per);
        }
    }

    /** A metrics object with camelCase field names in snake_case; the keys of its maps (k, outcome labels) are left alone. */
    private static ObjectNode snakeMetrics(ObjectNode m) {
        ObjectNode out = MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            boolean fieldsInside = e.getKey().equals("passAt1") || e.getKey().equals("extraction");
            if (fieldsInside && v instanceof ObjectNode o) {
                v = snakeMetrics(o);
            } else if (e.getKey().equals("missing") && v.isArray()) {
                var arr = MAPPER.createArrayNode();
                v.forEach(x -> arr.add(x instanceof ObjectNode o ? snakeMetrics(o) : x));
                v = arr;
            } else if (e.getKey().endsWith("PassAt1") && v instanceof ObjectNode o) {
                v = snakeMetrics(o);
            }
            out.set(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(e.getKey()), v);
        }
        return out;
    }

    private static final class NanAsNull extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value == null || value.isNaN() || value.isInfinite()) {
                gen.writeNull();
            } else {
                gen.writeNumber(value);
            }
        }
    }

    private static final class NullAsNan extends JsonDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                String s = p.getText().strip();
                return s.equalsIgnoreCase("NaN") ? Double.NaN : Double.valueOf(s);
            }
            return p.getDoubleValue();
        }

        @Override
        public Double getNullValue(DeserializationContext ctxt) {
            return Double.NaN;
        }
    }
}
