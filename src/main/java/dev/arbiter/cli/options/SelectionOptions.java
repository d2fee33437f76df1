package dev.arbiter.cli.options;

import dev.arbiter.benchmark.Selection;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** LiveCodeBench's release and date window. */
public final class SelectionOptions {
    @Option(names = "--release", paramLabel = "TAG") String release;
    @Option(names = "--from", paramLabel = "YYYY-MM-DD") LocalDate from;
    @Option(names = "--to", paramLabel = "YYYY-MM-DD") LocalDate to;

    public Selection selection() {
        return new Selection(release, from, to);
    }

    /** Whether any of the three was given. */
    public boolean given() {
        return release != null || from != null || to != null;
    }
}
