package dev.arbiter.demo;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.inference.engine.Backends;
import dev.arbiter.inference.engine.ModelConfig;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.inference.engine.Safetensors;
import dev.arbiter.inference.engine.TinyModel;
import dev.arbiter.report.RunReport;
import dev.arbiter.run.Evaluation;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.RunPart;
import dev.arbiter.run.RunException;
import dev.arbiter.run.Strategy;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.math.MathConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole job on a machine with nothing but this build: a tiny random-weight model made in the
 * model cache, sampled in this process on a slice of MATH-500 (and LiveCodeBench problems when the
 * Docker sandbox can start), graded, and reported like any `arbiter eval` run. Its scores are near
 * zero by construction; what it shows is the path a real model takes.
 */
public final class Demo {
    /** The cache entry of the demo model; a new revision when its shape changes. */
    static final String REPO = "arbiter/tiny-demo";
    static final String REVISION = "v1";

    /**
     * @param mathProblems how many MATH-500 problems (its first ones)
     * @param codeProblems how many LiveCodeBench problems when the sandbox can start (0: none)
     * @param store the completion store (a rerun reuses its samples)
     * @param out the report's folder, or null for eval's default under results/
     * @param device the engine's device, for the run's config
     */
    public record Settings(int mathProblems, int codeProblems, int n, int maxTokens, String store, Path out, String device) {}

    private Demo() {}

    /**
     * Makes the model if the cache lacks it, samples, grades, writes the report, and prints the leaderboard, where the report
     * is and what to run next.
     */
    public static Evaluation.Result run(Settings s, ModelHub hub, Benchmarks data, Backends.EngineStarter engine, Evaluation.Progress progress,
                                        PrintWriter out, PrintWriter err) throws Exception {
        Evaluation evaluation = prepare(s, model(hub), data, err);
        Evaluation.Result r = evaluation.run(false, engine, null, progress, out, err);
        RunReport.write(r, out, err);
        if (r.summary() != null) {
            next(r.outDir()).forEach(out::println);
            out.flush();
        }
        return r;
    }

    /** The demo model's folder in the cache, written the first time. */
    static Path model(ModelHub hub) {
        Path dir = hub.cached(REPO, REVISION);
        if (!Files.isRegularFile(dir.resolve(".complete"))) {
            TinyModel.write(dir, new TinyModel.Spec(ModelConfig.Architecture.QWEN2, 64, 128, 2, 4, 2, 0, 200, true, 0.3, 7,
                    Safetensors.DType.F32, 2048));
            try {
                Files.writeString(dir.resolve(".complete"), "");
            } catch (IOException e) {
                throw new RunException("cannot write the demo model into the cache at " + dir + ": " + e.getMessage());
            }
        }
        return dir;
    }

    /** The evaluation of the demo model on the slices; the code slice only when the sandbox can start (else a line says why not). */
    static Evaluation prepare(Settings s, Path model, Benchmarks data, PrintWriter err) {
        List<String> names = new ArrayList<>(List.of("math500"));
        if (s.codeProblems() > 0) {
            Optional<String> why = Sandbox.unavailable(SandboxConfig.defaults());
            if (why.isEmpty()) {
                names.add("livecodebench");
            } else {
                err.println("arbiter demo: no LiveCodeBench problem, the sandbox cannot start: " + why.get());
                err.flush();
            }
        }
        Evaluation.Settings es = new Evaluation.Settings(names, List.of(), Selection.DEFAULT, List.of(), model.toString(), null, s.n(),
                s.maxTokens(), 0.6, 0.95, 0, false, PromptTemplates.MATH, PromptTemplates.CODE, List.of(), null, null, 32, 600,
                MathConfig.Extraction.FLEXIBLE, false, s.store(), s.out(), Strategy.SAMPLE, s.device(), RunPart.WHOLE,
                SandboxConfig.defaults());
        List<Benchmarks.Loaded> loaded = new ArrayList<>();
        for (String name : names) {
            Benchmarks.Loaded l = data.load(name, Selection.DEFAULT);
            int k = name.equals("math500") ? s.mathProblems() : s.codeProblems();
            loaded.add(new Benchmarks.Loaded(l.name(), l.title(), l.kind(), l.problems().subList(0, Math.min(k, l.problems().size())), l.origin(),
                    l.location(), l.note()));
        }
        return Evaluation.prepare(es, loaded);
    }

    /** Where the report is, and what to run next on a real model. */
    static List<String> next(Path report) {
        return List.of(
                "",
                "report: " + report.resolve("index.html") + " (also leaderboard.md and summary.json there)",
                "The demo model has random weights, so its scores are near zero. Next, a real model served by vLLM or `arbiter serve`:",
                "  arbiter eval --benchmark aime24 --benchmark math500 --benchmark livecodebench \\",
                "      --endpoint http://localhost:8000 --model <served model name> --n 16 --max-tokens 32768 --temperature 0.6 --top-p 0.95",
                "or one run in this process, from a model folder or a Hugging Face id:",
                "  arbiter eval --benchmark math500 --limit 20 --model Qwen/Qwen2.5-0.5B-Instruct --n 4 --max-tokens 1024");
    }
}
