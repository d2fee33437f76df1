package dev.arbiter;

import java.util.concurrent.CountDownLatch;

/** How a server started from the command line ends: on Ctrl-C it closes what it holds, and its main thread waits for that. */
public final class Shutdown {
    private Shutdown() {}

    /** Runs {@code close} when the JVM shuts down, on a thread named {@code thread}; the latch opens once it has run. */
    public static CountDownLatch onShutdown(String thread, Runnable close) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close.run();
            stopped.countDown();
        }, thread));
        return stopped;
    }
}
