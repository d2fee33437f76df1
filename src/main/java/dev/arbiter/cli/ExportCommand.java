package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.report.SampleExport;
import dev.arbiter.run.RunProblems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false)
final class ExportCommand extends CommandBase {
    @Option(names = "--from-run", required = true, paramLabel = "DIR") Path fromRun;
    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "jsonl|parquet") SampleExport.Format format;
    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
    @Option(names = "--store", paramLabel = "FILE|URL") String store;
    @Option(names = "--jsonl", paramLabel = "FILE") List<Path> jsonl = new ArrayList<>();
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        SampleExport.Counts c = SampleExport.fromRun(fromRun, store, RunProblems.loader(data.open(), window.selection(), jsonl), format, out);
        cl.getOut().println(c.line(out));
        cl.getOut().flush();
        return 0;
    }
}
