package dev.arbiter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on stderr. On a terminal it is a bar redrawn in place; anywhere else (a log file, a pipe,
 * CI) a bar's carriage returns would pile up in one endless line, so it is a plain line now and then
 * and a last one when the work ends.
 */
public final class Progress {
    /** How often a redirected stderr gets a line. */
    static final Duration PLAIN_EVERY = Duration.ofSeconds(15);

    private Progress() {}

    /** A bar for {@code max} steps, {@code done} of them finished before it starts. */
    public static ProgressBar bar(String task, long max, long done) {
        return builder(task, max).startsFrom(done, Duration.ZERO).build();
    }

    /**
     * A bar that shows itself only once the work has run for {@code after}, so short runs stay quiet; it takes the
     * count done so far, from any one thread at a time.
     */
    public static Delayed delayed(String task, long max, Duration after) {
        return new Delayed(task, max, System.nanoTime() + after.toNanos());
    }

    /** See {@link #delayed}. */
    public static final class Delayed implements AutoCloseable {
        private final String task;
        private final long max;
        private final long showAt;
        private ProgressBar bar;

        private Delayed(String task, long max, long showAt) {
            this.task = task;
            this.max = max;
            this.showAt = showAt;
        }

        public void stepTo(long done) {
            if (bar != null) {
                bar.stepTo(done);
            } else if (System.nanoTime() - showAt > 0) {
                bar = bar(task, max, done);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** The builder behind {@link #bar}, for callers that set a unit. */
    public static ProgressBarBuilder builder(String task, long max) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII).continuousUpdate();
        return stderrIsTerminal()
                ? b.setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500)
                : b.setConsumer(new PlainLines(System.err, PLAIN_EVERY)).setUpdateIntervalMillis(1000);
    }

    /**
     * Whether stderr is a terminal. On Linux the answer is where file descriptor 2 points; elsewhere
     * the JDK's console, which only knows about stdin and stdout, stands in.
     */
    public static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** Prints a rendered bar as a whole line at most once per interval, and the last one on close. */
    static final class PlainLines implements ProgressBarConsumer {
        private final PrintStream out;
        private final long everyNanos;
        private long lastPrinted;
        private boolean printedAny;
        private String pending;

        PlainLines(PrintStream out, Duration every) {
            this.out = out;
            this.everyNanos = every.toNanos();
        }

        @Override
        public int getMaxRenderedLength() {
            return 120;
        }

        @Override
        public synchronized void accept(String rendered) {
            String line = clean(rendered);
            long now = System.nanoTime();
            if (!printedAny || now - lastPrinted >= everyNanos) {
                print(line, now);
            } else {
                pending = line;
            }
        }

        @Override
        public synchronized void close() {
            if (pending != null) {
                print(pending, System.nanoTime());
            }
        }

        private void print(String line, long now) {
            out.println(line);
            out.flush();
            printedAny = true;
            lastPrinted = now;
            pending = null;
        }

        /** The renderer's text without control characters, so a log holds plain lines. */
        static String clean(String rendered) {
            return rendered.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "").replaceAll("[\\r\\n\\p{Cntrl}]", "").strip();
        }
    }
}
