package dev.arbiter.sandbox;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A call to a Docker daemon that may hang, bounded by a deadline. docker-java's unix-socket
 * transport ignores read timeouts, so the bound is kept here: the call runs on a virtual thread and
 * is given up on at the deadline; what it returns later goes to {@code late} (to close a container
 * that started after all, say).
 */
final class Deadline {
    private Deadline() {
    }

    static <T> T within(Duration limit, String what, Callable<T> call, Consumer<T> late) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().name("arbiter-docker-call").start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.thenAccept(late);
            throw new SandboxException(what + " did not answer within " + limit.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.thenAccept(late);
            throw new SandboxException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new SandboxException(what + " failed: " + Sandbox.reason(e.getCause()), e.getCause());
        }
    }

    static void within(Duration limit, String what, Runnable call) {
        within(limit, what, () -> {
            call.run();
            return null;
        }, x -> { });
    }
}
