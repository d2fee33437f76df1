package dev.arbiter.cli;

import dev.arbiter.ArbiterException;
import dev.arbiter.scaling.BehaviourCounts;
import dev.arbiter.scaling.Behaviours;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "behaviours", aliases = "behaviors", mixinStandardHelpOptions = true, sortOptions = false)
final class BehavioursCommand extends CommandBase {
    @Option(names = "--from-run", required = true, paramLabel = "DIR") List<Path> runs = new ArrayList<>();
    @Option(names = "--lexicon", paramLabel = "FILE") Path lexicon;
    @Option(names = "--store", paramLabel = "FILE|URL") String store;
    @Option(names = "--out", paramLabel = "DIR") Path out;

    @Override
    protected int run(CommandLine cl) throws Exception {
        Behaviours b;
        try {
            b = lexicon == null ? Behaviours.shipped() : Behaviours.load(lexicon);
        } catch (IllegalArgumentException e) {
            throw new ArbiterException(e.getMessage());
        }
        PrintWriter o = cl.getOut();
        BehaviourCounts counts = new BehaviourCounts(b);
        for (Path dir : runs) {
            counts.add(dir, store).forEach(o::println);
        }
        Path dest = out != null ? out : runs.getFirst().resolve("behaviours");
        counts.write(dest);
        o.printf("per completion: %s; rates and plot: behaviour-rates.csv, behaviours.png, behaviours.svg%n", dest.resolve("behaviours.csv"));
        o.flush();
        return 0;
    }
}
