package dev.arbiter.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.json.Json;
import dev.arbiter.judge.LlmJudge;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.math.MathConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One `arbiter eval` run: the problems and how they are asked ({@link #prepare}), then sampling what
 * the store lacks, and grading ({@link #run}, in {@link EvalLoop}); the summary and the page's view come back for the report. Every
 * completion is stored the moment it arrives, so a rerun requests only the missing samples.
 */
public final class Evaluation {
    /**
     * What a run is asked to do, as the command line gives it.
     *
     * @param ks the k of pass@k and maj@k, or null for powers of two up to n, and n
     * @param limit only the first N problems of each benchmark, or null
     * @param out where the report goes, or null for results/&lt;model&gt;-&lt;benchmarks&gt;-&lt;run hash&gt;
     * @param device the in-process engine's device, for the config (null when served)
     * @param part all the run's slots, one shard's slice, or none (gathering what the shards stored)
     */
    public record Settings(List<String> benchmarks, List<Path> jsonl, Selection selection, List<URI> endpoints, String model,
                           String modelRevision, int n, int maxTokens, double temperature, double topP, long seed, boolean raw, String template,
                           String codeTemplate, List<String> stop, List<Integer> ks, Integer limit, int concurrency, int timeoutS,
                           MathConfig.Extraction extraction, boolean excludeTruncated, String store, Path out, Strategy strategy, String device,
                           RunPart part, SandboxConfig sandbox) {
        /** @throws IllegalArgumentException when the settings contradict each other (a usage error) */
        public Settings {
            benchmarks = List.copyOf(benchmarks);
            jsonl = List.copyOf(jsonl);
            endpoints = List.copyOf(endpoints);
            stop = List.copyOf(stop);
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("--model is required (on the command line or in --config)");
            }
            if (benchmarks.isEmpty() && jsonl.isEmpty()) {
                throw new IllegalArgumentException("name at least one --benchmark or --jsonl");
            }
            if (n < 1 || concurrency < 1 || timeoutS < 1 || (limit != null && limit < 1)) {
                throw new IllegalArgumentException("--n, --concurrency, --timeout-s and --limit must be at least 1");
            }
            List<Integer> k = new ArrayList<>(ks != null ? ks : Metrics.defaultKs(n));
            if (strategy.needsAllN() && !k.contains(n)) {
                k.add(n);
            }
            for (int x : k) {
                if (x < 1 || x > n) {
                    throw new IllegalArgumentException("--k values must be between 1 and --n (" + n + "), got " + x);
                }
            }
            ks = List.copyOf(k);
            if (!template.contains("{problem}") || !codeTemplate.contains("{problem}")) {
                throw new IllegalArgumentException("--template and --code-template must contain {problem}");
            }
            part = part == null ? RunPart.WHOLE : part;
            if (modelRevision != null && (modelRevision.isBlank() || endpoints.isEmpty())) {
                throw new IllegalArgumentException(modelRevision.isBlank() ? "--model-revision must not be blank"
                        : "--model-revision names a served model; an in-process model is named by a digest of its weights");
            }
        }

        public Duration timeout() {
            return Duration.ofSeconds(timeoutS);
        }

        /** These settings asking for at most {@code maxTokens} tokens per sample. */
        Settings withMaxTokens(int maxTokens) {
            return new Settings(benchmarks, jsonl, selection, endpoints, model, modelRevision, n, maxTokens, temperature, topP, seed, raw, template,
                    codeTemplate, stop, ks, limit, concurrency, timeoutS, extraction, excludeTruncated, store, out, strategy, device, part, sandbox);
        }

        boolean boxed() {
            return extraction == MathConfig.Extraction.BOXED;
        }

        String mathVerifier() {
            return EvalRunner.mathVerifier(boxed());
        }
    }

    /** A progress display for one benchmark's sampling; {@code done} of {@code max} were stored before. */
    public interface Progress {
        Bar start(String task, long max, long done);

        /** One benchmark's display. */
        interface Bar extends AutoCloseable {
            void stepTo(long done, long tokens);

            @Override
            void close();
        }

        Progress NONE = (task, max, done) -> new Bar() {
            @Override
            public void stepTo(long d, long tokens) {}

            @Override
            public void close() {}
        };

        /** A bar per benchmark on stderr, with the tokens generated so far. */
        static Progress bars() {
            return (task, max, done) -> {
                me.tongfei.progressbar.ProgressBar bar = dev.arbiter.Progress.bar(task, max, done);
                return new Bar() {
                    @Override
                    public void stepTo(long d, long tokens) {
                        bar.stepTo(d);
                        bar.setExtraMessage(tokens + " tokens");
                    }

                    @Override
                    public void close() {
                        bar.close();
                    }
                };
            };
        }
    }

    /** Makes each answer through several calls (SIFT), wrapping the model; what it did goes into summary.json. */
    public interface StrategyBackend extends InferenceBackend, AutoCloseable {
        RunSummary.Sift tally();

        /** One line for the user: where the answers settled, and the calls made. */
        String line();

        @Override
        void close();

        /** Opens one over the run's store and model; {@code identity} is the served model's identity, or null. */
        interface Factory {
            StrategyBackend open(CompletionStore store, InferenceBackend model, String modelId, String identity, boolean chat, Duration timeout);
        }
    }

    /**
     * What came of a run: its summary and each benchmark's problems (null and empty when no benchmark got a row, or in a
     * dry run), its store (the location itself, not redacted), the report's folder, lines for the user after the leaderboard ({@code notes}) and then on stderr ({@code warnings}: failed requests by
     * cause, why samples are missing and what helps), and the exit code: 1 when samples are still missing or nothing was graded.
     */
    public record Result(RunSummary summary, Map<String, List<Problem>> problems, String store, Path outDir, List<String> notes,
                         List<String> warnings, int exitCode) {
        public Result {
            problems = problems == null ? Map.of() : Map.copyOf(problems);
        }
    }

    private final Settings settings;
    private final Backends.Target target;
    private final GenerationSpec mathSpec;
    private final List<EvalPlan> plans;
    private final Instant started = Instant.now();
    private final String preset;
    private final List<Preset.Use> presetUses;
    /** The LLM judge of the cascade (see {@link JudgeCascade}), or null. */
    private LlmJudge.Settings judge;
    /** Whether --max-tokens is the default, which a served context too small for it lowers. */
    private boolean fitMaxTokens;

    private Evaluation(Settings settings, Backends.Target target, GenerationSpec mathSpec, List<EvalPlan> plans, String preset,
                       List<Preset.Use> presetUses) {
        this.settings = settings;
        this.target = target;
        this.mathSpec = mathSpec;
        this.plans = plans;
        this.preset = preset;
        this.presetUses = List.copyOf(presetUses);
    }

    /** This run, recorded as made under {@code preset} with {@code uses} of its settings (which the settings already hold). */
    public Evaluation withPreset(String preset, List<Preset.Use> uses) {
        Evaluation e = new Evaluation(settings, target, mathSpec, plans, preset, uses);
        e.judge = judge;
        e.fitMaxTokens = fitMaxTokens;
        return e;
    }

    /**
     * Marks --max-tokens as the default, not the user's: a served model whose context (GET /v1/models) cannot
     * hold it after the longest prompt gets what fits instead, said on stderr, rather than a refusal.
     */
    public Evaluation fittingDefaultMaxTokens() {
        this.fitMaxTokens = true;
        return this;
    }

    /** Sends the answers the rules reject to this judge, for cascade figures beside the rule-only ones; null for none. */
    public Evaluation judgedBy(LlmJudge.Settings judge) {
        this.judge = judge;
        return this;
    }

    public List<EvalPlan> plans() {
        return plans;
    }

    /**
     * Resolves the model and loads the problems: nothing is requested yet.
     *
     * @throws IllegalArgumentException for a model name or sampling settings that cannot work (a usage error)
     * @throws RunException when --max-tokens leaves no room for a prompt in an in-process model's context
     */
    public static Evaluation prepare(Settings s, Benchmarks data) {
        Backends.Target target = target(s); // the model first: a bad model folder is named before any data is read
        List<Benchmarks.Loaded> loaded;
        try {
            loaded = data.loadAll(s.benchmarks(), s.selection(), s.jsonl());
        } catch (IllegalArgumentException e) { // bad data, not a bad flag
            throw new RunException(e.getMessage());
        }
        return prepare(s, target, loaded);
    }

    /** The same, on problems already loaded (each cut to --limit here). */
    public static Evaluation prepare(Settings s, List<Benchmarks.Loaded> loaded) {
        return prepare(s, target(s), loaded);
    }

    private static Backends.Target target(Settings s) {
        Backends.Target target = Backends.resolve(s.endpoints(), s.model());
        int context;
        try {
            context = target.served() ? Integer.MAX_VALUE : target.context();
        } catch (IllegalArgumentException e) { // a model folder that cannot be read, not a bad flag
            throw new RunException(target.dir() + ": " + e.getMessage());
        }
        if (s.maxTokens() >= context) {
            throw new RunException("--max-tokens " + s.maxTokens() + " leaves no room for a prompt in " + target.dir() + "'s context of " + context
                    + " tokens (max_position_embeddings); lower --max-tokens below " + context + " minus the longest prompt's tokens");
        }
        return target;
    }

    private static Evaluation prepare(Settings s, Backends.Target target, List<Benchmarks.Loaded> loaded) {
        String id = target.id();
        GenerationSpec gen = s.strategy() == Strategy.SIFT
                ? new GenerationSpec(id + " " + Strategy.SIFT.storeTag(), "{problem}", !s.raw(), s.temperature(), s.topP(), s.maxTokens(), s.seed(), s.stop())
                : new GenerationSpec(id, s.template(), !s.raw(), s.temperature(), s.topP(), s.maxTokens(), s.seed(), s.stop());
        GenerationSpec codeGen = new GenerationSpec(id, s.codeTemplate(), !s.raw(), s.temperature(), s.topP(), s.maxTokens(), s.seed(), s.stop());
        List<EvalPlan> plans = new ArrayList<>();
        for (Benchmarks.Loaded l : loaded) {
            var ps = s.limit() == null ? l.problems() : l.problems().subList(0, Math.min(s.limit(), l.problems().size()));
            plans.add(new EvalPlan(l.name(), ps, l.kind() == Kind.CODE ? codeGen : gen, s.n(), s.timeout(), s.concurrency()));
        }
        return new Evaluation(s, target, gen, plans, null, List.of());
    }

    /**
     * Runs it: checks a served model before any sample, prints the resolved config to {@code err}, then (unless a dry run, which
     * prints what would be requested to {@code out} and stops) samples and grades.
     *
     * @param engine starts the in-process engine (unused for a served model)
     * @param strategies opens the SIFT backend (used only under that strategy)
     */
    public Result run(boolean dryRun, Backends.EngineStarter engine, StrategyBackend.Factory strategies, Progress progress, PrintWriter out,
                      PrintWriter err) throws Exception {
        Settings s = settings;
        OpenAiClient client = target.served() ? Backends.client(s.endpoints()) : null;
        try (CompletionStore st = CompletionStore.open(s.store())) {
            List<EvalPlan> runPlans = plans;
            EvalPreflight.Served served = null;
            OpenAiClient.Stats preflight = null;
            if (client != null) {
                // before any sample: the name, the context, and which model the name stands for; a gather asks nothing and
                // takes the identity the shards recorded
                served = s.part() instanceof RunPart.Gather ? EvalPreflight.recorded("eval", s.model(), s.modelRevision(), !s.raw(), s.maxTokens(), st, err)
                        : EvalPreflight.check("eval", client, s.model(), s.modelRevision(), !s.raw(), s.maxTokens(), fitMaxTokens, runPlans, st, !dryRun,
                        s.timeout(), err);
                preflight = client.stats();
                String identity = served.identity();
                int maxTokens = served.maxTokens();
                s = s.withMaxTokens(maxTokens);
                runPlans = runPlans.stream().map(p -> new EvalPlan(p.benchmark(), p.problems(), p.spec().withIdentity(identity).withMaxTokens(maxTokens),
                        p.n(), p.timeout(), p.concurrency())).toList();
            }
            GenerationSpec gen = served == null ? mathSpec : mathSpec.withIdentity(served.identity()).withMaxTokens(served.maxTokens());
            String runKey = runKey(runPlans);
            String label = s.modelRevision() != null ? target.id() + "@" + s.modelRevision() : target.id();
            Path outDir = s.out() != null ? s.out() : Path.of("results", (label + "-" + String.join("+", runPlans.stream().map(EvalPlan::benchmark).toList()))
                    .replaceAll("[^A-Za-z0-9.+_-]+", "_").replaceAll("^(.{100}).*", "$1") + "-" + runKey.substring(0, 12)
                    + (readsMath(runPlans) && s.boxed() ? "-boxed" : "")
                    + (s.part() instanceof RunPart.Shard sh ? "-shard-" + sh.index() + "-of-" + sh.count() : ""));
            refuseOverwrite(outDir, runKey, s.n(), s.part() instanceof RunPart.Shard sh ? sh : null);
            RunSummary.Config config = config(s, runPlans, gen, runKey, outDir, served);
            err.println("arbiter eval: resolved config");
            err.println(RunSummary.pretty(config));
            if (judge != null) {
                err.println("judge cascade: math answers the rules reject or cannot read go to " + judge.identity() + " at " + judge.endpoint());
            }
            err.flush();
            ShardCoverage coverage = s.part() instanceof RunPart.Gather g ? ShardCoverage.of(st, config.benchmarks(), s.n(), g.count()) : null;
            if (dryRun && coverage != null) {
                out.println("gather: " + coverage.line());
                out.flush();
                return new Result(null, null, s.store(), outDir, List.of(), List.of(), coverage.complete() ? 0 : 1);
            }
            if (dryRun) {
                for (EvalPlan p : runPlans) {
                    List<SampleSlot> missing = st.missing(p.spec().hash(), p.problemIds(), s.n());
                    int total = p.problems().size() * s.n();
                    if (s.part() instanceof RunPart.Shard sh) {
                        int mine = sh.size(p.problems().size(), s.n());
                        int todo = sh.slice(p.problemIds(), missing).size();
                        out.printf("%s: %d problems x %d samples = %d; %s takes %d; stored %d; would request %d (max %d tokens each)%n", p.benchmark(),
                                p.problems().size(), s.n(), total, sh.label(), mine, mine - todo, todo, s.maxTokens());
                    } else {
                        out.printf("%s: %d problems x %d samples = %d; stored %d; would request %d (max %d tokens each)%n", p.benchmark(),
                                p.problems().size(), s.n(), total, total - missing.size(), missing.size(), s.maxTokens());
                    }
                }
                out.flush();
                return new Result(null, null, s.store(), outDir, List.of(), List.of(), 0);
            }
            if (coverage != null) {
                if (!coverage.complete()) {
                    throw new RunException("cannot gather the run yet: " + coverage.line() + "; no report was written");
                }
                EvalLoop loop = new EvalLoop(s, st, null, progress, err, judge == null ? null : new LlmJudge(judge));
                return loop.run(runPlans, label, config, outDir, started, client, preflight, null, null);
            }
            try (LocalEngine local = client == null ? engine.open(target.dir(), target.id()) : null) {
                InferenceBackend backend = local != null ? local : client;
                StrategyBackend sift = null;
                if (s.strategy() == Strategy.SIFT) {
                    if (runPlans.stream().anyMatch(Evaluation::code)) {
                        throw new RunException("--strategy sift answers math problems; leave code benchmarks out");
                    }
                    sift = strategies.open(st, backend, target.id(), gen.modelIdentity(), !s.raw(), s.timeout());
                    backend = sift;
                }
                try {
                    EvalLoop loop = new EvalLoop(s, st, backend, progress, err, judge == null ? null : new LlmJudge(judge));
                    return loop.run(runPlans, label, config, outDir, started, client, preflight, local, sift);
                } finally {
                    if (sift != null) {
                        sift.close();
                    }
                }
            }
        }
    }

    private RunSummary.Config config(Settings s, List<EvalPlan> runPlans, GenerationSpec gen, String runKey, Path outDir, EvalPreflight.Served served) {
        List<RunSummary.Bench> benches = runPlans.stream().map(p -> new RunSummary.Bench(p.benchmark(), p.problems().size(), p.spec().hash(),
                code(p) ? EvalRunner.codeVerifier(CodeGrader.Settings.LCB_DEFAULT) : s.mathVerifier(), p.problemIds())).toList();
        return new RunSummary.Config(Json.mapper().valueToTree(parse(gen.canonicalJson())), gen.hash(), runKey, s.n(),
                s.excludeTruncated() ? "excluded" : "graded", s.extraction().name().toLowerCase(), s.mathVerifier(), CompletionStore.redacted(s.store()),
                outDir.toString(), s.ks(), benches, target.id(), s.strategy().cliName(), s.modelRevision(),
                s.endpoints().stream().map(URI::toString).toList(), served == null ? null : served.info(),
                target.served() ? null : target.dir().toString(), target.served() ? null : s.device(), null,
                s.part() instanceof RunPart.Shard sh ? sh : null, RunSettings.of(s, runPlans, target.served(), preset, presetUses));
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean code(EvalPlan p) {
        return p.problems().getFirst().kind() == Kind.CODE;
    }

    private static boolean readsMath(List<EvalPlan> plans) {
        return plans.stream().anyMatch(p -> !code(p));
    }

    /**
     * What makes two runs' reports differ, apart from n and k (a run raised to a larger n is the same
     * run, grown; {@link #refuseOverwrite} keeps a smaller n from replacing it): each benchmark's
     * problems and generation key (the model's identity included), the strategy, how truncated samples
     * count, and, where math is graded, the extraction the figures use. Hex SHA-256.
     */
    private String runKey(List<EvalPlan> plans) {
        ObjectNode k = Json.mapper().createObjectNode().put("strategy", settings.strategy().cliName()).put("truncated", settings.excludeTruncated());
        if (readsMath(plans) && settings.extraction() != MathConfig.Extraction.FLEXIBLE) {
            k.put("extraction", settings.extraction().name().toLowerCase()); // absent for the default, so flexible runs keep their folders
        }
        var bs = k.putArray("benchmarks");
        for (EvalPlan p : plans) {
            ObjectNode b = bs.addObject().put("name", p.benchmark()).put("generation_hash", p.spec().hash());
            p.problemIds().forEach(b.putArray("problem_ids")::add);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.line(k).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A folder that holds another run's report is never written over, nor this run's report made with more samples, nor
     * one part of a run (a shard, or the whole run) by another.
     */
    private static void refuseOverwrite(Path outDir, String runKey, int n, RunPart.Shard shard) {
        if (!Files.isRegularFile(outDir.resolve(RunSummary.FILE))) {
            return;
        }
        RunSummary.Config there;
        try {
            there = RunSummary.read(outDir).config();
        } catch (RunException e) {
            throw new RunException(e.getMessage() + "; it is not a report this run can replace: pass another --out, or remove it");
        }
        if (!runKey.equals(there.runKey())) {
            List<String> names = there.benchmarks().stream().map(RunSummary.Bench::name).toList();
            String hash = there.generationHash() == null ? "?" : there.generationHash().replaceAll("^(.{12}).*", "$1");
            throw new RunException(outDir + " holds the report of another run (" + (there.model() == null ? "?" : there.model()) + " on "
                    + (names.isEmpty() ? "?" : String.join(", ", names)) + ", generation " + hash + "); pass another --out, or remove that folder");
        }
        if (!java.util.Objects.equals(shard, there.shard())) {
            throw new RunException(outDir + " holds " + (there.shard() == null ? "the whole run's report" : there.shard().label() + "'s summary")
                    + "; " + (shard == null ? "the whole run" : shard.label()) + " would replace it: give each shard its own --out, and the whole"
                    + " run another");
        }
        int had = there.n() == null ? 0 : there.n();
        if (had > n) {
            throw new RunException(outDir + " holds this run's report at --n " + had + "; --n " + n + " would replace it with fewer samples"
                    + " per problem; pass --n " + had + " or more (stored samples are reused), or another --out");
        }
    }
}
