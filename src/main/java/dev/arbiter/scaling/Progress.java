package dev.arbiter.scaling;

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
}
