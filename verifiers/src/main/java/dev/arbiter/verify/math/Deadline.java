package dev.arbiter.verify.math;

/** A point in time past which a verdict stops working and reports a timeout. */
record Deadline(long atNanos) {
    static Deadline after(java.time.Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos());
    }

    boolean passed() {
        return System.nanoTime() - atNanos > 0;
    }

    /** The deadline of the verdict this thread is working on, for code too deep to be handed one. */
    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    static void enter(Deadline d) {
        CURRENT.set(d);
    }

    static void leave() {
        CURRENT.remove();
    }

    static void checkCurrent() {
        Deadline d = CURRENT.get();
        if (d != null) {
            d.check();
        }
    }

    void check() {
        if (passed()) {
            throw new Exceeded();
        }
    }

    /** Unwinds a verdict whose deadline has passed. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("deadline passed", null, false, false);
        }
    }
}
