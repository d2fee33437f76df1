package dev.arbiter.report;

import dev.arbiter.run.Evaluation;
import java.io.IOException;
import java.io.PrintWriter;

/** What an eval run leaves: its report's files in its folder, and its leaderboard and notes for the user. */
public final class RunReport {
    private RunReport() {}

    /**
     * Writes the report (none when no benchmark got a row) and prints the leaderboard and the run's notes to {@code out}, then its
     * warnings to {@code err}, last, where what to do next is read.
     */
    public static void write(Evaluation.Result r, PrintWriter out, PrintWriter err) throws IOException {
        if (r.summary() != null) {
            Leaderboard.writeRun(r.outDir(), r.summary(), r.pages());
            out.print(Leaderboard.markdown(r.summary().benchmarks()));
            r.notes().forEach(out::println);
            out.flush();
        }
        r.warnings().forEach(err::println);
        err.flush();
    }
}
