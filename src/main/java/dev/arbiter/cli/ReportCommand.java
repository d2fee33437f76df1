package dev.arbiter.cli;

import dev.arbiter.report.Leaderboard;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "report", mixinStandardHelpOptions = true)
final class ReportCommand extends CommandBase {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Folders written by `arbiter eval` (each holds summary.json).")
    List<Path> runs;

    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;

    @Override
    protected int run(CommandLine cl) throws Exception {
        var merged = Leaderboard.merge(runs, out);
        cl.getOut().print(Leaderboard.markdown(merged.benchmarks()));
        cl.getOut().flush();
        return 0;
    }
}
