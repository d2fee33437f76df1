package dev.arbiter.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.SandboxOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.cli.options.TestTimeoutOption;
import dev.arbiter.train.data.Candidate;
import dev.arbiter.train.data.Curation;
import dev.arbiter.train.data.SftWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "curate", mixinStandardHelpOptions = true, sortOptions = false)
final class CurateCommand extends CommandBase {
    @Option(names = "--run", paramLabel = "DIR") Path run;
    @Option(names = "--store", paramLabel = "FILE|URL") String store;
    @Option(names = "--jsonl", paramLabel = "FILE") List<Path> jsonl = new ArrayList<>();
    @Option(names = "--generations", paramLabel = "FILE") Path generations;
    @Option(names = "--references") boolean references;
    @Option(names = "--benchmark", paramLabel = "NAME") String benchmark;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--keep", defaultValue = "correct", paramLabel = "correct|wrong") SftWriter.Keep keep;
    @Option(names = "--system", paramLabel = "TEXT") String system;
    @Option(names = "--prompt-template", paramLabel = "TEXT") String promptTemplate;
    @Option(names = "--tokenizer", paramLabel = "MODEL_DIR") Path tokenizer;
    @CommandLine.Mixin TestTimeoutOption timeout;
    @CommandLine.Mixin SandboxOptions sandbox;
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        Curation.Input input;
        try {
            input = new Curation.Input(run, store, jsonl, generations, references, benchmark, promptTemplate, window.selection());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Curation.Settings settings = new Curation.Settings(keep, system, timeout.seconds(), sandbox.config());
        SftWriter.checkOut(out);
        ObjectNode about = Curation.about();
        List<Candidate> candidates = Curation.candidates(input, data.open(), about);
        PrintWriter o = cl.getOut();
        long t0 = System.nanoTime();
        Curation.Result r = Curation.curate(candidates, settings, out, tokenizer, about);
        r.lines(keep, tokenizer == null ? "chars" : "tokens", (System.nanoTime() - t0) / 1e9, out).forEach(o::println);
        o.flush();
        String unjudged = r.unjudged();
        if (unjudged != null) {
            cl.getErr().println("arbiter: " + unjudged);
            cl.getErr().flush();
            return Errors.FAILURE;
        }
        return 0;
    }
}
