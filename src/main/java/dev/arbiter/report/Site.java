package dev.arbiter.report;

import dev.arbiter.OutputFiles;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.JudgeCascade;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSamples;
import dev.arbiter.run.RunSummary;
import dev.arbiter.run.ShardCoverage;
import dev.arbiter.run.TruncationPolicy;
import dev.arbiter.scaling.Progress;
import dev.arbiter.scaling.RunCurves;
import dev.arbiter.verify.math.MathVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The report as a static site: the leaderboard (index.html, and as leaderboard.md and summary.json), a page
 * per run (runs/ID/index.html) and a page per problem (runs/ID/BENCHMARK/I.html), with KaTeX, marked and the
 * site's own script under assets/.
 * It opens from file:// and from any static host; nothing is fetched when it is viewed. The site is
 * written into a fresh folder beside {@code out} and put in its place in one rename, so a reader never
 * sees half of it.
 */
public final class Site {
    private Site() {}

    /** What was written: the merged summary, the runs, the grid's rows, the scores kept apart as not comparable, and the pages. */
    public record Written(Path out, RunSummary merged, List<String> runIds, int rows, int apart, int pages) {}

    /**
     * Builds the site of {@code runDirs}, each read with its own store unless {@code storeOverride} is given;
     * {@code problemsOf} loads a benchmark's problems by name as the runs loaded them.
     *
     * @throws RunException when a folder is not a finished run or its store is not there, or is a shard's (naming the shards
     *     still missing slots, if any)
     */
    public static Written write(List<Path> runDirs, String storeOverride, Function<String, List<Problem>> problemsOf, Path out, PrintWriter log)
            throws IOException {
        Instant started = Instant.now();
        List<SiteRun> runs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        // one verifier clusters the answers of every run's curves
        try (MathVerifier verifier = new MathVerifier()) {
            for (Path dir : runDirs) {
                RunSummary summary = RunSummary.openRun(dir, storeOverride);
                List<RunSamples.BenchmarkSamples> benchmarks;
                Map<String, Map<String, CompletionStore.StoredJudgement>> judgements = new java.util.HashMap<>();
                try (CompletionStore store = CompletionStore.open(summary.store())) {
                    ShardCoverage.requireAllShards(dir, summary, store);
                    if (summary.config().shard() != null) {
                        throw new RunException(dir + " is " + summary.config().shard().label() + "'s folder, which scores no run; every shard is"
                                + " done, so `arbiter eval` with the shards' options and --gather --shard-count " + summary.config().shard().count()
                                + " writes the whole run's report: give its folder");
                    }
                    benchmarks = RunSamples.read(summary, store, problemsOf);
                    for (RunSamples.BenchmarkSamples b : benchmarks) {
                        judgements.put(b.bench().name(), JudgeCascade.stored(store, b));
                    }
                }
                Curves curves = curves(dir, summary, benchmarks, verifier);
                runs.add(new SiteRun(uniqueId(dir, ids), dir, summary, benchmarks, curves.svg(), curves.note(), judgements));
                log.println("read " + dir + ": " + summary.model() + ", " + benchmarks.size() + " benchmarks");
                log.flush();
            }
        }
        Grid grid = Grid.of(runs);
        List<RunSummary.Row> rows = new ArrayList<>();
        runs.forEach(r -> rows.addAll(r.summary().benchmarks()));
        RunSummary merged = RunSummary.finished(started, RunSummary.Config.merged(runDirs.stream().map(Path::toString).toList()),
                Leaderboard.sorted(rows), null);
        Path tmp = OutputFiles.tempDirBeside(out);
        int pages = 0;
        try {
            SiteAssets.write(tmp);
            merged.write(tmp);
            Files.writeString(tmp.resolve("leaderboard.md"), Leaderboard.markdown(merged.benchmarks()), StandardCharsets.UTF_8);
            writePage(tmp.resolve("index.html"), LeaderboardHtml.page(grid, runs));
            pages++;
            for (SiteRun run : runs) {
                Path dir = tmp.resolve("runs").resolve(run.id());
                writePage(dir.resolve("index.html"), RunHtml.page(run));
                pages++;
                for (RunSamples.BenchmarkSamples b : run.benchmarks()) {
                    for (int i = 0; i < b.problems().size(); i++) {
                        writePage(dir.resolve(slug(b.bench().name())).resolve(i + ".html"), ProblemHtml.page(run, b, i));
                        pages++;
                    }
                }
            }
            replace(tmp, out);
        } catch (IOException | RuntimeException e) {
            OutputFiles.deleteTree(tmp);
            throw e;
        }
        return new Written(out, merged, runs.stream().map(SiteRun::id).toList(), grid.rows().size(), grid.apart().size(), pages);
    }

    /** A benchmark's name as a file and anchor name: letters, digits, dot, dash and underscore. */
    static String slug(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]+", "-");
        return s.startsWith(".") ? "_" + s : s;
    }

    /** A run's sample-budget curves as SVG, or why there are none. */
    private record Curves(String svg, String note) {}

    private static Curves curves(Path dir, RunSummary run, List<RunSamples.BenchmarkSamples> read, MathVerifier verifier) {
        if (run.n() < 2) {
            return new Curves(null, "n is 1, so there is no curve over k");
        }
        TruncationPolicy policy = "excluded".equals(run.config().truncated()) ? TruncationPolicy.EXCLUDE : TruncationPolicy.AS_GRADED;
        try {
            return new Curves(RunCurves.svg(RunCurves.of(dir, run, read, verifier, policy, Progress.NONE)), null);
        } catch (RunException e) {
            return new Curves(null, e.getMessage());
        }
    }

    private static String uniqueId(Path dir, Set<String> taken) {
        String base = slug(dir.toAbsolutePath().normalize().getFileName().toString());
        String id = base;
        for (int i = 2; !taken.add(id); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    private static void writePage(Path file, String html) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    /** Puts the finished site where the old one was: the old one is moved aside first, then deleted. */
    private static void replace(Path fresh, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            if (!Files.isDirectory(out) || !(Files.exists(out.resolve("index.html")) || isEmpty(out))) {
                throw new RunException(out + " exists and is not a site Arbiter wrote (no index.html); give a new folder or that one");
            }
            old = OutputFiles.tempDirBeside(out);
            Files.move(out, old.resolve("site"), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, out, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            OutputFiles.deleteTree(old);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
