package dev.arbiter.reward;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Readiness of a running sandbox: whether its Docker daemon still answers and still holds the image.
 * A probe never waits on Docker (Kubernetes gives a probe one second by default, and a daemon that
 * hangs can take longer): it answers what the last check found and, when that check is older than
 * the interval, starts the next one on a virtual thread. Docker's own message is the reason.
 */
final class SandboxReadiness implements Readiness {
    private final Supplier<Optional<String>> check;
    private final long intervalNanos;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Optional<String> last = Optional.empty();
    private volatile long checkedAt = System.nanoTime();

    /** {@code check} says why the sandbox cannot run programs now, or nothing; the sandbox has just started, so it starts ready. */
    SandboxReadiness(Supplier<Optional<String>> check, Duration interval) {
        this.check = check;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public Optional<String> problem() {
        if (System.nanoTime() - checkedAt >= intervalNanos && checking.compareAndSet(false, true)) {
            Thread.ofVirtual().name("arbiter-reward-sandbox-check").start(() -> {
                Optional<String> found;
                try {
                    found = check.get();
                } catch (RuntimeException e) {
                    found = Optional.of(e.toString());
                }
                last = found.map(why -> "sandbox unavailable: " + why);
                checkedAt = System.nanoTime();
                checking.set(false);
            });
        }
        return last;
    }
}
