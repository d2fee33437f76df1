package dev.arbiter.report;

import dev.arbiter.run.Evaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What an eval run leaves: summary.json and leaderboard.md in its folder, the site of the run in its site/
 * folder, and an index.html there that opens the run's page; and for the user its leaderboard and notes.
 * A shard leaves its summary.json only.
 */
public final class RunReport {
    private RunReport() {}

    /**
     * Writes the report (none when no benchmark got a row) and prints the leaderboard and the run's notes to {@code out}, then its
     * warnings to {@code err}, last, where what to do next is read.
     */
    public static void write(Evaluation.Result r, PrintWriter out, PrintWriter err) throws IOException {
        if (r.summary() != null && r.summary().config().shard() != null) {
            // a shard scores no run: its summary alone, so nothing in its folder reads as the run's leaderboard
            r.summary().write(r.outDir());
            r.notes().forEach(out::println);
            out.flush();
        } else if (r.summary() != null) {
            Leaderboard.write(r.outDir(), r.summary());
            Site.Written site = Site.write(List.of(r.outDir()), r.store(), name -> r.problems().get(name), r.outDir().resolve("site"),
                    new PrintWriter(new StringWriter()));
            redirect(r.outDir().resolve("index.html"), "site/runs/" + site.runIds().getFirst() + "/index.html");
            out.print(Leaderboard.markdown(r.summary().benchmarks()));
            r.notes().forEach(out::println);
            out.flush();
        }
        r.warnings().forEach(err::println);
        err.flush();
    }

    /** A page that opens {@code target}, so the run folder's index.html is where its report starts. */
    private static void redirect(Path file, String target) throws IOException {
        String t = Html.esc(target);
        Path tmp = dev.arbiter.OutputFiles.tempBeside(file);
        Files.writeString(tmp, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url=" + t
                + "\"><title>Run report</title></head><body><p>The report is at <a href=\"" + t + "\">" + t + "</a>.</p></body></html>\n",
                StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
