package dev.arbiter.cli;

import dev.arbiter.report.Leaderboard;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Merges the results of several `arbiter eval` runs into one leaderboard.",
            "One row per benchmark and model, sorted by benchmark then pass@1, written as leaderboard.md and summary.json."},
        footer = {"", "Example:", "  arbiter report results/model-a-1f2e3d4c5b6a results/model-b-0a9b8c7d6e5f --out results/leaderboard"})
final class ReportCommand extends CommandBase {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Folders written by `arbiter eval` (each holds summary.json).")
    List<Path> runs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged leaderboard goes.")
    Path out;

    @Override
    public Integer call() throws Exception {
        var merged = Leaderboard.merge(runs, out);
        spec.commandLine().getOut().print(Leaderboard.markdown(merged.benchmarks()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
