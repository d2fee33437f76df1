package dev.arbiter.scaling;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;

/** How a long sweep reports: progress per task, and result lines as they are known. */
public interface Progress {
    /** A task of {@code max} steps, {@code done} of them finished already. */
    Task start(String task, long max, long done);

    /** One line of results, for the user to read while the sweep goes on. */
    void line(String text);

    /** One task's progress. */
    interface Task extends AutoCloseable {
        /** All steps up to {@code done} are finished. */
        void stepTo(long done);

        /** One more step is finished. */
        void step();

        @Override
        void close();
    }

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public Task start(String task, long max, long done) {
            return new Task() {
                @Override
                public void stepTo(long n) {}

                @Override
                public void step() {}

                @Override
                public void close() {}
            };
        }

        @Override
        public void line(String text) {}
    };

    /** Result lines on {@code out} as they come, progress bars on stderr. */
    static Progress bars(PrintWriter out) {
        return new Progress() {
            @Override
            public Task start(String task, long max, long done) {
                ProgressBar bar = dev.arbiter.Progress.bar(task, max, done);
                return new Task() {
                    @Override
                    public void stepTo(long n) {
                        bar.stepTo(n);
                    }

                    @Override
                    public void step() {
                        bar.step();
                    }

                    @Override
                    public void close() {
                        bar.close();
                    }
                };
            }

            @Override
            public void line(String text) {
                out.println(text);
            }
        };
    }
}
