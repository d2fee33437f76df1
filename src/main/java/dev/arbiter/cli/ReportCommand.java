package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.report.Leaderboard;
import dev.arbiter.report.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false)
final class ReportCommand extends CommandBase {
    @Option(names = "--from-run", required = true, paramLabel = "DIR") List<Path> runs;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--store", paramLabel = "FILE|URL") String store;
    @Option(names = "--jsonl", paramLabel = "FILE") List<Path> jsonl = new ArrayList<>();
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        Site.Written w = Site.write(runs, store, data.open().runProblems(window.selection(), jsonl), out, cl.getErr());
        cl.getOut().print(Leaderboard.markdown(w.merged().benchmarks()));
        cl.getOut().printf("%nwrote %s: %d runs, %d models in the grid, %d scores kept apart as not comparable, %d pages%n",
                w.out().resolve("index.html"), w.runIds().size(), w.rows(), w.apart(), w.pages());
        return 0;
    }
}
