package dev.arbiter.cli;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The commands' progress bars. */
final class Progress {
    private Progress() {}

    /** A progress bar on stderr, updated twice a second; {@code done} of {@code max} are finished already. */
    static ProgressBar bar(String task, long max, long done) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).startsFrom(done, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500).continuousUpdate().build();
    }
}
