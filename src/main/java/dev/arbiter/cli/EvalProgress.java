package dev.arbiter.cli;

import dev.arbiter.Progress;
import dev.arbiter.run.Evaluation;
import me.tongfei.progressbar.ProgressBar;

/** The eval run's progress as a bar per benchmark on stderr, with the tokens generated so far. */
final class EvalProgress implements Evaluation.Progress {
    @Override
    public Bar start(String task, long max, long done) {
        ProgressBar bar = Progress.bar(task, max, done);
        return new Bar() {
            @Override
            public void stepTo(long d, long tokens) {
                bar.stepTo(d);
                bar.setExtraMessage(tokens + " tokens");
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
