package dev.arbiter.cli;

import dev.arbiter.Progress;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.UserJsonl;
import dev.arbiter.inference.InferenceBackend;
import dev.arbiter.inference.OpenAiClient;
import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.inference.RetryPolicy;
import dev.arbiter.json.Json;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.report.Leaderboard;
import dev.arbiter.report.RunPage;
import dev.arbiter.run.Completion;
import dev.arbiter.run.StoredVerdict;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.EvalPlan;
import dev.arbiter.run.EvalRunner;
import dev.arbiter.run.GenerationSpec;
import dev.arbiter.run.MetricSummary;
import dev.arbiter.run.Metrics;
import dev.arbiter.run.ProblemSamples;
import dev.arbiter.run.RequestFailures;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.verify.CodeTestVerifier;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.util.function.BiPredicate;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Samples a model on benchmarks, through OpenAI-compatible endpoints or in this process, and grades it.",
            "Without --endpoint, --model is a model folder (or a Hugging Face id) run by the in-process engine.",
            "Math is graded by the math verifier, code in the Docker sandbox by LiveCodeBench's rules;",
            "it writes a leaderboard (pass@1 with its error, pass@k, maj@k) to results/.",
            "Every completion is stored the moment it arrives, keyed by model, prompt, sampling and sample index:",
            "run the same command again after a crash or with a larger --n and only the missing samples are requested."},
        footer = {"", "Examples:",
            "  arbiter eval --benchmark aime24 --benchmark math500 --endpoint http://gpu1:8000 --endpoint http://gpu2:8000 \\",
            "      --model deepseek-ai/DeepSeek-R1-Distill-Qwen-7B --n 16 --max-tokens 32768 --temperature 0.6 --top-p 0.95",
            "  arbiter eval --jsonl my_problems.jsonl --endpoint http://localhost:8000 --model m --n 4 --dry-run",
            "  arbiter eval --benchmark math500 --limit 20 --model ./Qwen2.5-0.5B-Instruct --n 4 --max-tokens 1024   (in-process)"})
final class EvalCommand implements Callable<Integer> {
    static final String DEFAULT_TEMPLATE = dev.arbiter.run.DefaultPrompts.MATH;
    static final String DEFAULT_CODE_TEMPLATE = dev.arbiter.run.DefaultPrompts.CODE;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A YAML file of these options by their long names, kebab- or snake_case (benchmark: [aime24], n: 16, top_p: 0.95, ...); flags on the command line win.")
    Path configFile;

    @Option(names = "--benchmark", paramLabel = "NAME", description = "A shipped benchmark, math or code (see `arbiter benchmarks list`); repeatable.")
    List<String> benchmarks = new ArrayList<>();

    @Option(names = "--jsonl", paramLabel = "FILE", description = "Your own math problems: JSONL with id, prompt and answer fields; repeatable.")
    List<Path> jsonl = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "URL", description = "An OpenAI-compatible server, e.g. http://localhost:8000; repeat to spread load.")
    List<URI> endpoints = new ArrayList<>();

    @Option(names = "--model", paramLabel = "NAME|DIR",
            description = "The model name the servers know; without --endpoint, a model folder or Hugging Face id run in-process (required).")
    String model;

    @Option(names = "--model-revision", paramLabel = "REV",
            description = {"A served model's revision, in the store key: samples are kept apart per revision, and a served model",
                "whose fingerprint differs from the one recorded for that revision is refused, as under a bare name (docs/eval.md)."})
    String modelRevision;

    @Option(names = "--n", defaultValue = "4", paramLabel = "N", description = "Samples per problem (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--max-tokens", defaultValue = "32768", paramLabel = "T", description = "Token budget per sample (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.6", paramLabel = "T", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "Nucleus sampling (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Base seed; sample i is requested with seed + i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--raw", description = "Send the prompt to /v1/completions instead of as one chat message.")
    boolean raw;

    @Option(names = "--template", paramLabel = "TEXT", description = "Prompt template with {problem} (default: asks for reasoning and a \\boxed{} answer).")
    String template = DEFAULT_TEMPLATE;

    @Option(names = "--code-template", paramLabel = "TEXT", description = "Prompt template for code benchmarks, with {problem} (default: asks for one fenced Python program).")
    String codeTemplate = DEFAULT_CODE_TEMPLATE;

    @Option(names = "--stop", paramLabel = "TEXT", description = "A stop string; repeatable.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--k", split = ",", paramLabel = "K", description = "The k for pass@k and maj@k (default: powers of 2 up to n, and n).")
    List<Integer> ks;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N problems of each benchmark.")
    Integer limit;

    @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N", description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--timeout-s", defaultValue = "3600", paramLabel = "S", description = "Per-request timeout; long generations need long ones (default: ${DEFAULT-VALUE}).")
    int timeoutS;

    @Option(names = "--extraction", defaultValue = "flexible", paramLabel = "flexible|boxed",
            description = {"Which math reading the leaderboard's figures use (default: ${DEFAULT-VALUE}): flexible takes an answer wherever",
                "the verifier finds one; boxed only the final \\boxed{} (lm-eval's strict-match). Both pass@1 figures and the",
                "boxed rate are reported either way."})
    MathConfig.Extraction extraction;

    @Option(names = "--exclude-truncated", description = "Leave samples cut off at --max-tokens out of the metrics (default: graded as they stand).")
    boolean excludeTruncated;

    @Option(names = "--store", defaultValue = "results/store.db", paramLabel = "FILE|URL",
            description = "The completion store: a SQLite file, or a jdbc:postgresql:// URL shared by a team (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the report goes (default: results/<model>-<benchmarks>-<run hash>); a folder with another run's report is refused.")
    Path out;

    @Option(names = "--strategy", defaultValue = "sample", paramLabel = "S", converter = StrategyName.class,
            description = {"How each of the n answers is made (default: ${DEFAULT-VALUE}):",
                "sample: one completion each; self-consistency: also reports the majority vote of the n samples, grouped by the",
                "verifier's equivalence (maj@n); best-of-n: also reports the oracle pick, the verifier choosing (pass@n, an upper",
                "bound); sift: each answer comes from SIFT's sticker stages (3 to 11 calls), counted by stage. Math only for sift."})
    dev.arbiter.scaling.Strategy strategy;

    @Option(names = "--dry-run", description = "Print the resolved config and how many requests the run would make, then stop.")
    boolean dryRun;

    @CommandLine.Mixin
    dev.arbiter.cli.options.EngineOptions engineOptions;

    @CommandLine.Mixin
    dev.arbiter.cli.options.SelectionOptions window;

    @CommandLine.Mixin
    dev.arbiter.cli.options.DataOptions data;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (configFile != null) {
            applyConfig(cl);
        }
        if (model == null || model.isBlank()) {
            throw new CommandLine.ParameterException(cl, "--model is required (on the command line or in --config)");
        }
        if (benchmarks.isEmpty() && jsonl.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "name at least one --benchmark or --jsonl");
        }
        if (n < 1 || concurrency < 1 || timeoutS < 1 || (limit != null && limit < 1)) {
            throw new CommandLine.ParameterException(cl, "--n, --concurrency, --timeout-s and --limit must be at least 1");
        }
        List<Integer> kList = new ArrayList<>(ks != null ? ks : defaultKs(n));
        if (strategy.needsAllN() && !kList.contains(n)) {
            kList.add(n);
        }
        for (int k : kList) {
            if (k < 1 || k > n) {
                throw new CommandLine.ParameterException(cl, "--k values must be between 1 and --n (" + n + "), got " + k);
            }
        }
        if (!template.contains("{problem}") || !codeTemplate.contains("{problem}")) {
            throw new CommandLine.ParameterException(cl, "--template and --code-template must contain {problem}");
        }
        if (modelRevision != null && (modelRevision.isBlank() || endpoints.isEmpty())) {
            throw new CommandLine.ParameterException(cl, modelRevision.isBlank() ? "--model-revision must not be blank"
                    : "--model-revision names a served model; an in-process model is named by a digest of its weights");
        }
        // without endpoints the model runs in this process; its folder's fingerprint names it in the store
        Path localDir = null;
        String modelId = model;
        if (endpoints.isEmpty()) {
            if (!java.nio.file.Files.isDirectory(Path.of(model)) && !model.contains("/")) {
                throw new CommandLine.ParameterException(cl, "name at least one --endpoint for a served model, or give --model a model folder "
                        + "or a Hugging Face id (org/name) to run it in-process");
            }
            localDir = ModelHub.fromEnvironment().resolve(model);
            modelId = ModelHub.fingerprint(localDir);
            int context = dev.arbiter.inference.engine.ModelConfig.read(localDir).maxPositions();
            if (maxTokens >= context) {
                throw new Errors.UserError("--max-tokens " + maxTokens + " leaves no room for a prompt in " + localDir + "'s context of " + context
                        + " tokens (max_position_embeddings); lower --max-tokens below " + context + " minus the longest prompt's tokens");
            }
        }
        GenerationSpec gen;
        GenerationSpec codeGen;
        try {
            gen = strategy == dev.arbiter.scaling.Strategy.SIFT
                    ? new GenerationSpec(modelId + " " + dev.arbiter.scaling.Strategy.SIFT.storeTag(), "{problem}", !raw, temperature, topP, maxTokens, seed, stop)
                    : new GenerationSpec(modelId, template, !raw, temperature, topP, maxTokens, seed, stop);
            codeGen = new GenerationSpec(modelId, codeTemplate, !raw, temperature, topP, maxTokens, seed, stop);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        List<EvalPlan> plans = plans(gen, codeGen);
        String key = System.getenv().getOrDefault("ARBITER_API_KEY", System.getenv("OPENAI_API_KEY"));
        OpenAiClient client = localDir == null ? new OpenAiClient(endpoints, key, RetryPolicy.DEFAULT) : null;
        PrintWriter err = cl.getErr();
        PrintWriter outW = cl.getOut();
        try (CompletionStore st = CompletionStore.open(store)) {
            EvalPreflight.Served served = null;
            if (client != null) {
                // before any sample: the name, the context, and which model the name stands for
                served = EvalPreflight.check("eval", client, model, modelRevision, !raw, maxTokens, plans, st, !dryRun, Duration.ofSeconds(timeoutS), err);
                preflight = client.stats();
                String identity = served.identity();
                gen = gen.withIdentity(identity);
                plans = plans.stream().map(p -> new EvalPlan(p.benchmark(), p.problems(), p.spec().withIdentity(identity), p.n(), p.timeout(),
                        p.concurrency())).toList();
            }
            String hash = gen.hash();
            String runKey = runKey(plans);
            String label = modelRevision != null ? modelId + "@" + modelRevision : modelId;
            Path outDir = out != null ? out : Path.of("results", (label + "-" + String.join("+", plans.stream().map(EvalPlan::benchmark).toList()))
                    .replaceAll("[^A-Za-z0-9.+_-]+", "_").replaceAll("^(.{100}).*", "$1") + "-" + runKey.substring(0, 12)
                    + (readsMath(plans) && extraction == MathConfig.Extraction.BOXED ? "-boxed" : ""));
            refuseOverwrite(outDir, runKey, n);
            ObjectNode config = Json.mapper().createObjectNode();
            config.set("generation", Json.mapper().readTree(gen.canonicalJson()));
            config.put("generation_hash", hash).put("run_key", runKey).put("n", n).put("truncated", excludeTruncated ? "excluded" : "graded")
                    .put("extraction", extraction.name().toLowerCase())
                    .put("verifier", mathVerifierName()).put("store", CompletionStore.redacted(store)).put("out", outDir.toString());
            kList.forEach(config.putArray("k")::add);
            var bs = config.putArray("benchmarks");
            for (EvalPlan p : plans) {
                ObjectNode b = bs.addObject().put("name", p.benchmark()).put("problems", p.problems().size()).put("generation_hash", p.spec().hash());
                boolean code = p.problems().getFirst().kind() == Kind.CODE;
                b.put("verifier", code ? EvalRunner.codeVerifier(CodeGrader.Settings.LCB_DEFAULT) : mathVerifierName());
                p.problemIds().forEach(b.putArray("problem_ids")::add);
            }
            config.put("model", modelId).put("strategy", strategy.cliName());
            if (modelRevision != null) {
                config.put("model_revision", modelRevision);
            }
            var eps = config.putArray("endpoints");
            endpoints.forEach(u -> eps.add(u.toString()));
            if (served != null) {
                config.set("served", served.info());
            }
            if (localDir != null) {
                config.put("in_process", localDir.toString()).put("device", engineOptions.device());
            }
            err.println("arbiter eval: resolved config");
            err.println(Json.pretty(config));
            err.flush();
            if (dryRun) {
                for (EvalPlan p : plans) {
                    int missing = st.missing(p.spec().hash(), p.problemIds(), n).size();
                    outW.printf("%s: %d problems x %d samples = %d; stored %d; would request %d (max %d tokens each)%n", p.benchmark(),
                            p.problems().size(), n, p.problems().size() * n, p.problems().size() * n - missing, missing, maxTokens);
                }
                outW.flush();
                return 0;
            }
            try (LocalEngine local = localDir == null ? null : engineOptions.open(localDir, modelId)) {
                InferenceBackend backend = local != null ? local : client;
                if (strategy == dev.arbiter.scaling.Strategy.SIFT) {
                    if (plans.stream().anyMatch(p -> p.problems().getFirst().kind() == Kind.CODE)) {
                        throw new Errors.UserError("--strategy sift answers math problems; leave code benchmarks out");
                    }
                    sift = new dev.arbiter.scaling.SiftBackend(st, new dev.arbiter.scaling.CallCounter(backend), modelId, gen.modelIdentity(),
                            !raw, Duration.ofSeconds(timeoutS));
                    backend = sift;
                }
                try {
                    return evaluate(st, plans, backend, client, local, config, label, hash, kList, outDir, err, outW);
                } finally {
                    if (sift != null) {
                        sift.close();
                    }
                }
            }
        }
    }

    /**
     * What makes two runs' reports differ, apart from n and k (a run raised to a larger n is the same
     * run, grown; {@link #refuseOverwrite} keeps a smaller n from replacing it): each benchmark's
     * problems and generation key (the model's identity included), the strategy, how truncated samples
     * count, and, where math is graded, the extraction the figures use. Hex SHA-256.
     */
    private String runKey(List<EvalPlan> plans) {
        ObjectNode k = Json.mapper().createObjectNode().put("strategy", strategy.cliName()).put("truncated", excludeTruncated);
        if (readsMath(plans) && extraction != MathConfig.Extraction.FLEXIBLE) {
            k.put("extraction", extraction.name().toLowerCase()); // absent for the default, so flexible runs keep their folders
        }
        var bs = k.putArray("benchmarks");
        for (EvalPlan p : plans) {
            ObjectNode b = bs.addObject().put("name", p.benchmark()).put("generation_hash", p.spec().hash());
            p.problemIds().forEach(b.putArray("problem_ids")::add);
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Json.line(k).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean readsMath(List<EvalPlan> plans) {
        return plans.stream().anyMatch(p -> p.problems().getFirst().kind() != Kind.CODE);
    }

    /** A folder that holds another run's report is never written over, nor this run's report made with more samples. */
    private static void refuseOverwrite(Path outDir, String runKey, int n) {
        Path summary = outDir.resolve("summary.json");
        if (!java.nio.file.Files.isRegularFile(summary)) {
            return;
        }
        com.fasterxml.jackson.databind.JsonNode there;
        try {
            there = Json.mapper().readTree(summary.toFile()).path("config");
        } catch (java.io.IOException e) {
            throw new Errors.UserError(summary + " is not a report this run can replace (" + e.getMessage().lines().findFirst().orElse("")
                    + "); pass another --out, or remove it");
        }
        if (!there.path("run_key").asText().equals(runKey)) {
            List<String> names = new ArrayList<>();
            there.path("benchmarks").forEach(b -> names.add(b.path("name").asText()));
            throw new Errors.UserError(outDir + " holds the report of another run (" + there.path("model").asText("?") + " on "
                    + (names.isEmpty() ? "?" : String.join(", ", names)) + ", generation " + there.path("generation_hash").asText("?").replaceAll("^(.{12}).*", "$1")
                    + "); pass another --out, or remove that folder");
        }
        int had = there.path("n").asInt(0);
        if (had > n) {
            throw new Errors.UserError(outDir + " holds this run's report at --n " + had + "; --n " + n + " would replace it with fewer samples"
                    + " per problem; pass --n " + had + " or more (stored samples are reused), or another --out");
        }
    }

    private dev.arbiter.scaling.SiftBackend sift;
    /** The client's counts when the checks before sampling were done, so the report counts sampling apart. */
    private OpenAiClient.Stats preflight;

    /** Strategy names as written on the command line: self-consistency, best-of-n. */
    static final class StrategyName implements CommandLine.ITypeConverter<dev.arbiter.scaling.Strategy> {
        @Override
        public dev.arbiter.scaling.Strategy convert(String value) {
            for (var s : dev.arbiter.scaling.Strategy.values()) {
                if (s.cliName().equalsIgnoreCase(value.strip())) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a strategy; choose sample, self-consistency, best-of-n or sift");
        }
    }

    private int evaluate(CompletionStore st, List<EvalPlan> plans, InferenceBackend backend, OpenAiClient client, LocalEngine local,
                         ObjectNode config, String modelId, String hash, List<Integer> kList, Path outDir, PrintWriter err, PrintWriter outW)
            throws Exception {
        List<Leaderboard.Row> rows = new ArrayList<>();
        List<RunPage.BenchmarkView> pages = new ArrayList<>();
        ObjectNode runInfo = Json.mapper().createObjectNode();
        int stillMissing = 0;
        List<String> noRow = new ArrayList<>();
        Map<String, List<RequestFailures.Group>> failures = new java.util.LinkedHashMap<>();
        try (MathVerifier engine = new MathVerifier();
                CodeTestVerifier code = CodeTestVerifier.starting(() -> Sandbox.start(SandboxConfig.defaults()), CodeGrader.Settings.LCB_DEFAULT,
                        2 * SandboxConfig.defaults().containers())) {
            MathAnswerVerifier flexible = new MathAnswerVerifier(engine, engine.defaults().withExtraction(MathConfig.Extraction.FLEXIBLE));
            MathAnswerVerifier boxed = flexible.with(engine.defaults().withExtraction(MathConfig.Extraction.BOXED));
            BiPredicate<String, String> sameAnswer = (a, b) -> engine.verify(a, b).equal();
            for (EvalPlan p : plans) {
                EvalRunner.Generated g;
                int total = p.problems().size() * n;
                int before = total - st.missing(p.spec().hash(), p.problemIds(), n).size();
                if (before > 0) {
                    err.printf("%s: resuming: %d of %d samples stored%n", p.benchmark(), before, total);
                    err.flush();
                }
                try (ProgressBar bar = Progress.bar(p.benchmark(), total, before)) {
                    g = EvalRunner.generate(p, backend, st, (done, all, tokens) -> {
                        bar.stepTo(before + done);
                        bar.setExtraMessage(tokens + " tokens");
                    });
                }
                ObjectNode info = runInfo.putObject(p.benchmark());
                info.put("requested", g.requested()).put("stored", g.stored()).put("failed", g.failed())
                        .put("prompt_tokens", g.promptTokens()).put("completion_tokens", g.completionTokens());
                if (!g.failures().isEmpty()) {
                    failures.put(p.benchmark(), g.failures());
                    var fs = info.putArray("failures");
                    g.failures().forEach(f -> fs.addObject().put("cause", f.cause()).put("status", f.status()).put("permanent", f.permanent()).put("message", f.message())
                            .put("count", f.count()).put("example", f.example()));
                }
                if (before + g.stored() == 0) {
                    stillMissing += total; // nothing to grade: no leaderboard row of NaN
                    continue;
                }
                boolean isCode = p.problems().getFirst().kind() == Kind.CODE;
                List<String> notGraded = java.util.Collections.synchronizedList(new ArrayList<>());
                TruncationPolicy policy = excludeTruncated ? TruncationPolicy.EXCLUDE : TruncationPolicy.AS_GRADED;
                String verifierName;
                List<ProblemSamples> graded;
                MetricSummary m;
                if (isCode) {
                    verifierName = EvalRunner.codeVerifier(CodeGrader.Settings.LCB_DEFAULT);
                    graded = EvalRunner.grade(p, st, code, verifierName, null, notGraded::add);
                    m = Metrics.summarize(graded, n, kList, policy, 0);
                } else {
                    // Both readings are graded and stored; the leaderboard's figures use the one asked for.
                    boolean strict = extraction == MathConfig.Extraction.BOXED;
                    List<String> otherNotGraded = java.util.Collections.synchronizedList(new ArrayList<>());
                    List<ProblemSamples> flex = EvalRunner.grade(p, st, flexible, EvalRunner.mathVerifier(false), sameAnswer,
                            (strict ? otherNotGraded : notGraded)::add);
                    List<ProblemSamples> box = EvalRunner.grade(p, st, boxed, EvalRunner.mathVerifier(true), sameAnswer,
                            (strict ? notGraded : otherNotGraded)::add);
                    graded = strict ? box : flex;
                    verifierName = mathVerifierName();
                    MetricSummary mf = Metrics.summarize(flex, n, kList, policy, 0);
                    MetricSummary mb = Metrics.summarize(box, n, kList, policy, 0);
                    m = (strict ? mb : mf).withExtraction(new MetricSummary.Extraction(extraction.name().toLowerCase(), mf.passAt1(),
                            mb.passAt1(), 1 - mb.noAnswerRate()));
                }
                notGraded.stream().sorted().limit(5).forEach(f -> err.println("  not graded: " + f));
                if (notGraded.size() > 5) {
                    err.println("  not graded: " + (notGraded.size() - 5) + " more");
                }
                Map<String, Long> causes = notGradedByCause(notGraded);
                if (!causes.isEmpty()) {
                    var ng = info.putArray("not_graded");
                    causes.forEach((why, count) -> ng.addObject().put("reason", why).put("count", count));
                }
                if (graded.stream().allMatch(ps -> ps.samples().isEmpty())) {
                    // samples, but not one verdict (the sandbox down, say): no row of NaN, the causes instead
                    noRow.add(p.benchmark() + " has no row: none of its " + (before + g.stored()) + " samples got a verdict ("
                            + String.join("; ", causes.entrySet().stream().limit(3).map(e -> e.getValue() + " x " + e.getKey()).toList())
                            + (causes.size() > 3 ? "; and " + (causes.size() - 3) + " other causes" : "") + ")");
                    stillMissing += total;
                    continue;
                }
                Map<String, Map<String, MetricSummary>> breakdown = new java.util.TreeMap<>();
                for (String label : List.of("subject", "level", "difficulty")) {
                    if (graded.stream().anyMatch(ps -> ps.labels().containsKey(label))) {
                        breakdown.put(label, Metrics.byLabel(graded, label, n, List.of(1), policy, 0));
                    }
                }
                rows.add(new Leaderboard.Row(p.benchmark(), modelId, m, breakdown));
                pages.add(new RunPage.BenchmarkView(p.benchmark(), modelId, m, views(p, st, verifierName)));
                stillMissing += m.missing().stream().mapToInt(x -> x.want() - x.have()).sum();
            }
        }
        if (sift != null) {
            ObjectNode s = runInfo.putObject("sift");
            sift.branches().forEach((b, c) -> s.put(b.name().toLowerCase(), c));
            ObjectNode calls = s.putObject("calls");
            for (var t : sift.counter().tallies()) {
                calls.putObject(t.purpose()).put("calls", t.calls()).put("cached", t.cached()).put("prompt_tokens", t.promptTokens())
                        .put("completion_tokens", t.completionTokens());
            }
        }
        if (client != null) {
            OpenAiClient.Stats stats = client.stats();
            runInfo.put("http_requests", stats.requests() - preflight.requests()).put("retries", stats.retries() - preflight.retries())
                    .put("preflight_requests", preflight.requests()).put("preflight_retries", preflight.retries());
        } else {
            Generator.Stats es = local.stats();
            runInfo.put("engine_steps", es.steps()).put("engine_max_rows", es.maxRows());
        }
        if (rows.isEmpty()) {
            return noSamples(failures, noRow, stillMissing, err);
        }
        Leaderboard.write(outDir, config, rows, runInfo, RunPage.html(modelId + " (" + hash.substring(0, 12) + ")", pages));
        outW.print(Leaderboard.markdown(rows));
        for (Leaderboard.Row r : rows) {
            switch (strategy) {
                case SELF_CONSISTENCY -> outW.printf("%s self-consistency (majority of %d votes, answers grouped by the verifier): %.4f%n",
                        r.benchmark(), n, r.metrics().majAtK().get(n));
                case BEST_OF_N -> outW.printf("%s best-of-%d (the verifier picks; an upper bound): %.4f%n", r.benchmark(), n, r.metrics().passAtK().get(n));
                default -> { }
            }
        }
        if (sift != null) {
            outW.println("sift: " + sift.branches().entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue())
                    .reduce((a, b) -> a + ", " + b).orElse("no new answers") + "; calls " + sift.counter().totalCalls()
                    + " (by stage in summary.json)");
        }
        if (client != null) {
            outW.printf("requests %d, retries %d (and %d before sampling: models, context, fingerprint); report in %s%n",
                    client.stats().requests() - preflight.requests(), client.stats().retries() - preflight.retries(), preflight.requests(), outDir);
        } else {
            outW.printf("in-process on %s: %d engine steps, up to %d sequences per step; report in %s%n", local.model().device(),
                    local.stats().steps(), local.stats().maxRows(), outDir);
        }
        outW.flush();
        printFailures(failures, err);
        noRow.forEach(l -> err.println("arbiter eval: " + l));
        if (stillMissing > 0) {
            err.println("arbiter eval: " + missingLine(failures, stillMissing));
            return 1;
        }
        return 0;
    }

    /** Ends a run that has no graded sample: the failures and the ungraded by cause, and what to do; no report, so no leaderboard of NaN. */
    private static int noSamples(Map<String, List<RequestFailures.Group>> failures, List<String> noRow, int missing, PrintWriter err) {
        printFailures(failures, err);
        noRow.forEach(l -> err.println("arbiter eval: " + l));
        err.println("arbiter eval: " + (noRow.isEmpty() ? "no sample arrived" : "no sample got a verdict") + ", so no report: "
                + missingLine(failures, missing));
        err.flush();
        return 1;
    }

    /** Why samples got no verdict ("id#i: reason" each), as reason and count, the most common first. */
    private static Map<String, Long> notGradedByCause(List<String> notGraded) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        notGraded.forEach(f -> counts.merge(f.substring(f.indexOf(": ") + 2), 1L, Long::sum));
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The failed requests of each benchmark, grouped by cause with the server's own message and a count, after the progress output. */
    private static void printFailures(Map<String, List<RequestFailures.Group>> failures, PrintWriter err) {
        if (failures.isEmpty()) {
            return;
        }
        err.println("arbiter eval: failed requests by cause:");
        failures.forEach((bench, groups) -> groups.forEach(g -> err.println("  " + bench + ": " + g.line())));
        err.flush();
    }

    /**
     * Why samples are missing and what helps: a permanent refusal needs the request changed (rerunning
     * cannot help), an unreachable server needs starting; anything else is worth the same command again.
     */
    private static String missingLine(Map<String, List<RequestFailures.Group>> failures, int missing) {
        List<RequestFailures.Group> all = failures.values().stream().flatMap(List::stream).toList();
        var permanent = all.stream().filter(RequestFailures.Group::permanent).findFirst();
        if (permanent.isPresent()) {
            RequestFailures.Group g = permanent.get();
            int refused = all.stream().filter(RequestFailures.Group::permanent).mapToInt(RequestFailures.Group::count).sum();
            return missing + " samples are missing; " + refused + " of them were refused (" + g.cause() + ", permanent: " + g.message()
                    + "), so running the same command again will not help: " + EvalPreflight.fix(g.status(), g.message())
                    + (missing > refused ? " (a rerun may still fetch or grade the other " + (missing - refused) + ")" : "");
        }
        var unreachable = all.stream().filter(g -> g.cause().equals("unreachable")).findFirst();
        if (unreachable.isPresent()) {
            return missing + " samples are missing: the server became unreachable (" + unreachable.get().message() + "); start it again,"
                    + " then run the same command to fetch only those";
        }
        return missing + " samples are still missing (failed requests, or programs the sandbox could not grade); run the same"
                + " command again to fetch or grade only those";
    }

    private List<EvalPlan> plans(GenerationSpec gen, GenerationSpec codeGen) {
        Benchmarks b = data.open();
        List<EvalPlan> plans = new ArrayList<>();
        List<Benchmarks.Loaded> loaded = new ArrayList<>();
        for (String name : benchmarks) {
            loaded.add(b.load(name, window.selection()));
        }
        for (Path f : jsonl) {
            loaded.add(b.loadJsonl(f, new UserJsonl.Mapping(Kind.MATH, Map.of())));
        }
        for (Benchmarks.Loaded l : loaded) {
            List<Problem> ps = limit == null ? l.problems() : l.problems().subList(0, Math.min(limit, l.problems().size()));
            plans.add(new EvalPlan(l.name(), ps, l.kind() == Kind.CODE ? codeGen : gen, n, Duration.ofSeconds(timeoutS), concurrency));
        }
        return plans;
    }

    /** Sets each option the YAML file names, unless the command line gave it. */
    private void applyConfig(CommandLine cl) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(dev.arbiter.run.InputFiles.read(configFile));
        } catch (java.io.IOException e) {
            throw new Errors.UserError(configFile + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new Errors.UserError(configFile + ": expected a mapping of option names to values");
        }
        var fields = root.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            // the printed config's snake_case keys name the same options as the kebab-case flags
            CommandLine.Model.OptionSpec opt = spec.findOption("--" + e.getKey().replace('_', '-'));
            if (opt == null || e.getKey().equals("config")) {
                throw new Errors.UserError(configFile + ": unknown option '" + e.getKey() + "' (see `arbiter eval --help`)");
            }
            if (cl.getParseResult().hasMatchedOption(opt)) {
                continue; // the command line wins
            }
            var mapper = Json.mapper();
            com.fasterxml.jackson.databind.JavaType type = java.util.Collection.class.isAssignableFrom(opt.type())
                    ? mapper.getTypeFactory().constructCollectionType(List.class, opt.auxiliaryTypes()[0])
                    : mapper.getTypeFactory().constructType(opt.type());
            com.fasterxml.jackson.databind.JsonNode value = e.getValue();
            if (type.isCollectionLikeType() && !value.isArray()) {
                value = mapper.createArrayNode().add(value);
            }
            try {
                opt.setValue(mapper.convertValue(value, type));
            } catch (IllegalArgumentException ex) {
                throw new Errors.UserError(configFile + ": '" + e.getKey() + "' should be " + type.getRawClass().getSimpleName().toLowerCase()
                        + (type.isCollectionLikeType() ? " of " + opt.auxiliaryTypes()[0].getSimpleName() : "") + ", got " + value);
            }
        }
    }

    private String mathVerifierName() {
        return EvalRunner.mathVerifier(extraction == MathConfig.Extraction.BOXED);
    }

    /** Every problem with its stored samples and verdicts, for the run's HTML page. */
    private List<RunPage.ProblemView> views(EvalPlan plan, CompletionStore st, String verifierName) {
        String hash = plan.spec().hash();
        List<RunPage.ProblemView> out = new ArrayList<>();
        for (Problem p : plan.problems()) {
            Map<Integer, StoredVerdict> verdicts = st.verdictsWithAnswers(hash, p.id(), verifierName);
            List<RunPage.SampleView> samples = new ArrayList<>();
            int correct = 0;
            int graded = 0;
            for (Completion c : st.completions(hash, p.id())) {
                if (c.sampleIndex() >= n) {
                    continue;
                }
                StoredVerdict v = verdicts.get(c.sampleIndex());
                String outcome = v == null ? "ungraded" : v.outcome().label();
                correct += v != null && v.outcome().correct() ? 1 : 0;
                graded += v != null ? 1 : 0;
                samples.add(new RunPage.SampleView(c.sampleIndex(), outcome, v == null ? null : v.extracted(), c.finishReason(),
                        c.completionTokens(), c.text()));
            }
            String gold = p.gold() instanceof MathAnswer a ? a.answer() : p.gold() instanceof CodeTests t ? t.tests().size() + " tests" : "";
            out.add(new RunPage.ProblemView(p.id(), plan.prompt(p), gold, graded == 0 ? 0 : (double) correct / graded, samples));
        }
        return out;
    }

    static List<Integer> defaultKs(int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 1; k <= n; k *= 2) {
            out.add(k);
        }
        if (out.getLast() != n) {
            out.add(n);
        }
        return out;
    }
}
