package dev.arbiter.cli;

import dev.arbiter.cli.options.FinishedRunOptions;
import dev.arbiter.report.SampleExport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false)
final class ExportCommand extends CommandBase {
    @Option(names = "--from-run", required = true, paramLabel = "DIR") Path fromRun;
    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "jsonl|parquet") SampleExport.Format format;
    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
    @CommandLine.Mixin FinishedRunOptions finished;

    @Override
    protected int run(CommandLine cl) throws Exception {
        SampleExport.Counts c = SampleExport.fromRun(fromRun, finished.store(), finished.problems(), format, out);
        cl.getOut().println(c.line(out));
        cl.getOut().flush();
        return 0;
    }
}
