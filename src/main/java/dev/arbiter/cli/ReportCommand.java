package dev.arbiter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.report.Leaderboard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Merges the results of several `arbiter eval` runs into one leaderboard.",
            "One row per benchmark and model, sorted by benchmark then pass@1, written as leaderboard.md and summary.json."},
        footer = {"", "Example:", "  arbiter report results/model-a-1f2e3d4c5b6a results/model-b-0a9b8c7d6e5f --out results/leaderboard"})
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Folders written by `arbiter eval` (each holds summary.json).")
    List<Path> runs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged leaderboard goes.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Leaderboard.Row> rows = new ArrayList<>();
        ObjectNode config = Json.mapper().createObjectNode();
        var sources = config.putArray("merged_from");
        for (Path run : runs) {
            Path summary = run.resolve("summary.json");
            if (!Files.isRegularFile(summary)) {
                throw new Errors.UserError(run + " holds no summary.json; is it a folder written by `arbiter eval`?");
            }
            try {
                rows.addAll(Leaderboard.read(summary));
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new Errors.UserError(summary + " cannot be read as an `arbiter eval` summary: " + e.getMessage());
            }
            sources.add(run.toString());
        }
        rows.sort(Comparator.comparing(Leaderboard.Row::benchmark).thenComparing(r -> -r.metrics().passAt1().mean()));
        Leaderboard.write(out, config, rows, Json.mapper().createObjectNode(), null);
        spec.commandLine().getOut().print(Leaderboard.markdown(rows));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
