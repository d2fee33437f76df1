package dev.arbiter.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import dev.arbiter.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One hardened container whose PID 1 is the driver, attached once: requests go down its stdin as
 * JSON lines and answers come back on its stdout. The driver runs one job at a time, in the order
 * the requests arrive; a request sent while another runs waits in the driver's input.
 */
final class DockerWorker implements Closeable {
    static final String LABEL = "arbiter.sandbox";
    static final String OWNER_LABEL = "arbiter.owner";
    private static final String EOF_MARK = "\u0000eof";
    private static final AtomicLong IDS = new AtomicLong();

    private final DockerClient docker;
    final String containerId;
    /** The pool position this container fills; a replacement takes the same one (and the same CPU). */
    final int slot;
    /** The languages the driver found compilers and runtimes for in this image (its hello says). */
    volatile Set<Language> languages = Set.of(Language.PYTHON);
    private final ByteQueueInputStream stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderrTail = new StringBuilder();
    private final Closeable attach;
    private volatile boolean dead;
    /** Whether it was given up on because an answer did not come in time, rather than because it stopped. */
    private volatile boolean lateAnswer;

    private DockerWorker(DockerClient docker, String containerId, int slot, ByteQueueInputStream stdin, Closeable attach) {
        this.docker = docker;
        this.slot = slot;
        this.stdin = stdin;
        this.containerId = containerId;
        this.attach = attach;
    }

    /**
     * Starts one container for pool position {@code slot}. With {@code hostCpus > 0} it is pinned to
     * one CPU, counting down from the last: a container's processes then stay on one core, so the
     * kernel's work for each fork and exit is not spread over cores (measured here: about 4% more
     * runs/s at two containers on two cores), and with fewer containers than cores the first core,
     * where this JVM and Docker's relay tend to run, is the one left free (on a 2-core VM, one
     * container graded 58-63 programs/s through the reward server on CPU 1, 48-55 on CPU 0).
     */
    static DockerWorker start(DockerClient docker, SandboxConfig config, String owner, int slot, int hostCpus) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of(
                        "/tmp", "rw,nosuid,nodev,size=" + config.tmpfsMb() + "m,mode=1777",
                        "/run/arbiter", "rw,nosuid,nodev,noexec,size=" + config.tmpfsMb() * 2 + "m,mode=0700",
                        // A compiled program, root's: the job may run it, never change it.
                        "/run/arbiter-bin", "rw,nosuid,nodev,exec,size=" + config.tmpfsMb() + "m,mode=0755"))
                // The driver and its fork servers run as root with these three alone: to switch each
                // job to a uid of its own, and to kill what the job leaves. The job keeps none.
                .withCapDrop(Capability.ALL)
                .withCapAdd(Capability.SETUID, Capability.SETGID, Capability.KILL)
                .withSecurityOpts(List.of("no-new-privileges", "seccomp=" + SeccompProfile.json()))
                .withMemory((long) config.containerMemoryMb() << 20)
                .withMemorySwap((long) config.containerMemoryMb() << 20)
                .withPidsLimit(config.pidsLimit())
                // A SysV segment lives only while some process has it attached, so it is charged to a
                // process the driver can kill, not left to fill the container's memory after the job.
                // (The job's processes also carry an out-of-memory score of 1000, so they go first.)
                .withSysctls(Map.of("kernel.shm_rmid_forced", "1"))
                .withNanoCPUs((long) (config.cpus() * 1e9))
                .withCpusetCpus(hostCpus > 0 ? Integer.toString(hostCpus - 1 - slot % hostCpus) : null)
                .withAutoRemove(true)
                .withInit(false);
        CreateContainerResponse created = docker.createContainerCmd(config.image())
                .withHostConfig(host)
                .withUser("0:0")
                .withWorkingDir("/tmp")
                .withCmd("python3", "-I", "-u", "/sandbox/driver.py")
                .withEnv("PYTHONDONTWRITEBYTECODE=1", "PYTHONHASHSEED=0")
                .withLabels(Map.of(LABEL, "1", OWNER_LABEL, owner))
                // Nothing in a sandbox has state worth a graceful stop: a daemon shutting down kills it at
                // once, and its job runs again on another host, rather than the daemon waiting on it.
                .withStopSignal("SIGKILL")
                .withNetworkDisabled(true)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withStdinOpen(true)
                .withStdInOnce(true)
                .withTty(false)
                .exec();
        String id = created.getId();
        Holder holder = new Holder();
        ResultCallback.Adapter<Frame> callback = docker.attachContainerCmd(id)
                .withStdIn(holder.stdin)
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(true)
                .exec(holder);
        DockerWorker w = new DockerWorker(docker, id, slot, holder.stdin, callback);
        holder.bind(w);
        try {
            callback.awaitStarted(20, TimeUnit.SECONDS);
            docker.startContainerCmd(id).exec();
            JsonNode hello = w.next(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            if (hello == null || !hello.path("ready").asBoolean()) {
                String why = hello == null ? w.stderrTail() : hello.path("error").asText(w.stderrTail());
                throw new SandboxException("sandbox driver did not start in container " + id.substring(0, 12) + ": " + why);
            }
            if (hello.path("uid").asInt(-1) == hello.path("job_uid").asInt(-1)) {
                throw new SandboxException("sandbox driver in container " + id.substring(0, 12) + " runs as the jobs' uid; rebuild the image");
            }
            if (hello.has("languages")) {
                Set<Language> found = EnumSet.noneOf(Language.class);
                hello.get("languages").forEach(l -> Language.parse(l.asText()).ifPresent(found::add));
                w.languages = Set.copyOf(found);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.close();
            throw new SandboxException("interrupted while starting a sandbox");
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /** Sends one request without waiting; returns its id, or null when the worker is dead. */
    String send(ObjectNode request) {
        String id = Long.toString(IDS.incrementAndGet());
        request.put("id", id);
        try {
            stdin.offer((Json.line(request) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            dead = true;
            return null;
        }
        return id;
    }

    /** Waits until the deadline for the answer to request {@code id}; null means the worker is dead. */
    JsonNode answer(String id, long deadlineNanos) {
        while (true) {
            JsonNode answer = next(deadlineNanos);
            if (answer == null) {
                lateAnswer = !dead;
                dead = true;
                return null;
            }
            if (id.equals(answer.path("id").asText(null))) {
                return answer;
            }
        }
    }

    private JsonNode next(long deadlineNanos) {
        try {
            while (true) {
                long wait = deadlineNanos - System.nanoTime();
                String line = wait <= 0 ? null : lines.poll(wait, TimeUnit.NANOSECONDS);
                if (line == null || line == EOF_MARK) {
                    if (line == EOF_MARK) {
                        lines.add(EOF_MARK);
                        dead = true;
                    }
                    return null;
                }
                try {
                    return Json.mapper().readTree(line);
                } catch (IOException e) {
                    // Not ours: the protocol is one JSON object per line.
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean dead() {
        return dead;
    }

    boolean lateAnswer() {
        return lateAnswer;
    }

    String shortId() {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    String stderrTail() {
        synchronized (stderrTail) {
            return stderrTail.toString().strip().replace('\n', ' ');
        }
    }

    /** Stops taking work at once, without a word to the daemon: whoever waits on an answer from here stops waiting now. */
    void abandon() {
        dead = true;
        lines.add(EOF_MARK);
        stdin.close();
    }

    @Override
    public void close() {
        abandon();
        try {
            attach.close();
        } catch (IOException ignored) {
            // Removing the container below ends the stream anyway.
        }
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException ignored) {
            // Auto-removed already.
        } catch (RuntimeException e) {
            // "removal already in progress" from auto-remove: wait until it is done, so that nothing of
            // a closed pool is left to see.
            awaitGone(10_000);
        }
    }

    private void awaitGone(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            try {
                docker.inspectContainerCmd(containerId).exec();
            } catch (NotFoundException gone) {
                return;
            } catch (RuntimeException other) {
                return; // the daemon itself is in trouble: the next pool there removes what is left
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The attach callback: assembles stdout into lines, keeps the tail of stderr. */
    private static final class Holder extends ResultCallback.Adapter<Frame> {
        final ByteQueueInputStream stdin = new ByteQueueInputStream();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private volatile DockerWorker worker;

        void bind(DockerWorker w) {
            this.worker = w;
        }

        @Override
        public void onNext(Frame frame) {
            DockerWorker w = worker;
            if (w == null) {
                return;
            }
            byte[] payload = frame.getPayload();
            if (frame.getStreamType() == StreamType.STDERR) {
                synchronized (w.stderrTail) {
                    w.stderrTail.append(new String(payload, StandardCharsets.UTF_8));
                    if (w.stderrTail.length() > 4000) {
                        w.stderrTail.delete(0, w.stderrTail.length() - 4000);
                    }
                }
                return;
            }
            int start = 0;
            for (int i = 0; i < payload.length; i++) {
                if (payload[i] == '\n') {
                    partial.write(payload, start, i - start);
                    w.lines.add(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                    start = i + 1;
                }
            }
            partial.write(payload, start, payload.length - start);
        }

        @Override
        public void onError(Throwable t) {
            finish();
        }

        @Override
        public void onComplete() {
            finish();
        }

        private void finish() {
            DockerWorker w = worker;
            if (w != null) {
                w.dead = true;
                w.lines.add(EOF_MARK);
            }
        }
    }
}
