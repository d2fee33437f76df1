package dev.arbiter.report;

import dev.arbiter.run.Evaluation;
import java.io.IOException;
import java.io.PrintWriter;

/** What an eval run leaves: its report's files in its folder, and its leaderboard and notes for the user. */
public final class RunReport {
    private RunReport() {}

    /** Writes the report and prints the leaderboard and the run's notes to {@code out}; nothing when no benchmark got a row. */
    public static void write(Evaluation.Result r, PrintWriter out) throws IOException {
        if (r.summary() == null) {
            return;
        }
        Leaderboard.writeRun(r.outDir(), r.summary(), r.pages());
        out.print(Leaderboard.markdown(r.summary().benchmarks()));
        r.notes().forEach(out::println);
        out.flush();
    }
}
