package dev.arbiter.sandbox;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Docker daemon as the pool sees it: its clients, its container slots that have no container
 * now, and whether it is in (answering) or out, and why. Every call made here to the daemon is
 * bounded by a deadline, so a daemon that hangs is found out rather than waited on.
 */
final class PoolHost {
    static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

    final DockerHost host;
    /** For containers and their attach streams, which live as long as a container does: no response timeout. */
    private volatile DockerClient docker;
    private volatile DockerClient control;
    /** The image's id on this daemon, as the last check found it. */
    private volatile String imageId;
    /** The daemon's core count for pinning, 0 for none. */
    volatile int cpus;
    /** Why the host is out, or null while it is in. */
    private volatile String out;
    final Set<Integer> vacant = ConcurrentHashMap.newKeySet();
    final AtomicLong jobs = new AtomicLong();
    /** Jobs that were running here when the host was lost, and ran again elsewhere. */
    final AtomicLong moved = new AtomicLong();

    PoolHost(DockerHost host) {
        this.host = host;
    }

    DockerClient docker() {
        return docker;
    }

    DockerClient control() {
        return control;
    }

    String imageId() {
        return imageId;
    }

    /** Connects if not yet connected and checks the daemon answers and holds the image; the reason it cannot serve, or null. */
    String check(String image) {
        try {
            Deadline.within(CONTROL_TIMEOUT.multipliedBy(2), "Docker at " + host, () -> {
                DockerClient c = control;
                if (c == null) {
                    c = host.connect(CONTROL_TIMEOUT);
                    control = c;
                } else {
                    c.pingCmd().exec();
                }
                imageId = Sandbox.checkImage(c, image, host);
                if (docker == null) {
                    docker = host.connect(null);
                }
                return null;
            }, x -> { });
            return null;
        } catch (SandboxException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "Docker at " + host + " did not answer: " + Sandbox.reason(e);
        }
    }

    /** Whether the daemon still answers a ping; the reason when it does not. */
    String ping() {
        DockerClient c = control;
        if (c == null) {
            return "not connected";
        }
        try {
            Deadline.within(CONTROL_TIMEOUT, "Docker at " + host, () -> c.pingCmd().exec());
            return null;
        } catch (RuntimeException e) {
            return "Docker at " + host + " stopped answering: " + Sandbox.reason(e);
        }
    }

    String out() {
        return out;
    }

    /** Marks the host out; false when it already was. Callers hold this object's lock with the pool's bookkeeping. */
    synchronized boolean takeOut(String why) {
        if (out != null) {
            return false;
        }
        out = why;
        return true;
    }

    synchronized void bringIn() {
        out = null;
    }

    void close() {
        if (docker != null) {
            DockerHost.closeQuietly(docker);
        }
        if (control != null) {
            DockerHost.closeQuietly(control);
        }
    }

    @Override
    public String toString() {
        return host.uri();
    }
}
