package dev.arbiter.cli;

import dev.arbiter.ArbiterException;
import dev.arbiter.scaling.BehaviourCounts;
import dev.arbiter.scaling.Behaviours;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "behaviours", aliases = "behaviors", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Counts reasoning behaviours in a run's stored completions.",
            "Backtracking, verification, exploring alternatives and self-correction, found by a lexicon of marker",
            "patterns (docs/scaling.md; --lexicon for your own).",
            "Reports each behaviour against correctness and length, and, given runs at several token budgets,",
            "plots how often each appears as the budget grows. No model is called."},
        footer = {"", "Examples:",
            "  arbiter behaviours --from-run results/r1-7b-1a2b3c4d5e6f",
            "  arbiter behaviours --from-run results/r1-budget-4k --from-run results/r1-budget-16k --lexicon my-markers.json"})
final class BehavioursCommand extends CommandBase {
    @Option(names = "--from-run", required = true, paramLabel = "DIR", description = "A finished eval run folder; repeat for runs at other budgets.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--lexicon", paramLabel = "FILE", description = "A JSON object of behaviour name to a list of regular expressions (default: the shipped one).")
    Path lexicon;

    @Option(names = "--store", paramLabel = "FILE|URL", description = "The completion store, when not the runs' own.")
    String store;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the tables and the plot go (default: <first run>/behaviours).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Behaviours b;
        try {
            b = lexicon == null ? Behaviours.shipped() : Behaviours.load(lexicon);
        } catch (IllegalArgumentException e) {
            throw new ArbiterException(e.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
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
