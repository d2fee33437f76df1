package dev.arbiter.cli.options;

import dev.arbiter.benchmark.Selection;
import java.time.LocalDate;
import picocli.CommandLine.Option;

/** LiveCodeBench's release and date window. */
public final class SelectionOptions {
    @Option(names = "--release", paramLabel = "TAG",
            description = "LiveCodeBench release: release_v1..release_v6, release_latest, v1..v6 or vI_vJ (default: the manifest's).")
    String release;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "LiveCodeBench: first contest date, inclusive.")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "LiveCodeBench: last contest date, inclusive.")
    LocalDate to;

    public Selection selection() {
        return new Selection(release, from, to);
    }

    /** Whether any of the three was given. */
    public boolean given() {
        return release != null || from != null || to != null;
    }
}
