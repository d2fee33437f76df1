package dev.arbiter.cli;

import dev.arbiter.Ports;
import dev.arbiter.Shutdown;
import dev.arbiter.cli.options.FinishedRunOptions;
import dev.arbiter.report.Leaderboard;
import dev.arbiter.report.Published;
import dev.arbiter.report.PublishedComparison;
import dev.arbiter.report.Site;
import dev.arbiter.report.SiteServer;
import dev.arbiter.run.RunSummary;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false)
final class ReportCommand extends CommandBase {
    @Option(names = "--from-run", required = true, paramLabel = "DIR") List<Path> runs;
    @Option(names = "--out", paramLabel = "DIR") Path out;
    @Option(names = "--serve") boolean serve;
    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST") String host;
    @Option(names = "--port", defaultValue = "8080", paramLabel = "P") int port;
    @Option(names = "--compare-published") boolean comparePublished;
    @Option(names = "--published-model", paramLabel = "NAME") String publishedModel;
    @CommandLine.Mixin FinishedRunOptions finished;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if (publishedModel != null && !comparePublished) {
            throw new CommandLine.ParameterException(cl, "--published-model goes with --compare-published");
        }
        if (comparePublished) {
            Published data = Published.load();
            for (Path run : runs) {
                var result = PublishedComparison.compare(run.toString(), RunSummary.read(run), publishedModel, data);
                cl.getOut().print(PublishedComparison.markdown(result));
            }
            cl.getOut().flush();
            if (out == null && !serve) {
                return 0;
            }
        }
        if (serve == (out != null)) {
            throw new CommandLine.ParameterException(cl, "give --out DIR (write the site) or --serve (serve it on localhost), one of them");
        }
        var problems = finished.problems();
        if (serve) {
            Ports.requireFree(host, port, "--port");
            SiteServer server = SiteServer.start(runs, finished.store(), problems, host, port);
            var stopped = Shutdown.onShutdown("arbiter-report-stop", () -> {
                try {
                    server.close();
                } catch (java.io.IOException e) {
                    cl.getErr().println("arbiter report: " + e.getMessage());
                }
            });
            cl.getErr().printf("arbiter report: serving %s; each page load shows what the runs' stores hold then; Ctrl-C stops%n", server.uri());
            cl.getErr().flush();
            stopped.await();
            return 0;
        }
        Site.Written w = Site.write(runs, finished.store(), problems, out, cl.getErr());
        cl.getOut().print(Leaderboard.markdown(w.merged().benchmarks()));
        cl.getOut().printf("%nwrote %s: %d runs, %d models in the grid, %d scores kept apart as not comparable, %d pages%n",
                w.out().resolve("index.html"), w.runIds().size(), w.rows(), w.apart(), w.pages());
        return 0;
    }
}
