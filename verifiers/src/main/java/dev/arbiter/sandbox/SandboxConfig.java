package dev.arbiter.sandbox;

import java.util.List;

/**
 * How the pool's containers are made. Each container gets one CPU, a memory ceiling above the
 * per-run limit (the driver and its bookkeeping live there too), a pids ceiling that stops fork
 * bombs, and a small tmpfs as its only writable place. With {@code pinCpus} each container is also
 * held to one core of the Docker host, round robin. {@code containers} is the count on each of the
 * {@code hosts}: the pool runs that many on every Docker daemon it is given.
 */
public record SandboxConfig(String image, int containers, int containerMemoryMb, long pidsLimit, double cpus, int tmpfsMb,
                            boolean pinCpus, List<DockerHost> hosts) {
    public static final String DEFAULT_IMAGE = "arbiter/sandbox-python:1";
    /** The image with every {@link Language}'s compiler and runtime ({@code sandbox/build-offline.sh --polyglot}). */
    public static final String POLYGLOT_IMAGE = "arbiter/sandbox-polyglot:1";

    public SandboxConfig {
        if (containers < 1) {
            throw new IllegalArgumentException("need at least one container");
        }
        if (containerMemoryMb < 64 || pidsLimit < 8 || cpus <= 0 || tmpfsMb < 1) {
            throw new IllegalArgumentException("container limits too small");
        }
        hosts = DockerHost.distinct(hosts);
    }

    /**
     * One container per core but one (at least one), pinned, the image from ARBITER_SANDBOX_IMAGE
     * or the default. The core left over is for this JVM and Docker's stream relay, which every
     * request and answer pass through; measured on a 2-core VM, one container graded 58-63 short
     * programs/s through the reward server where two graded 48. ARBITER_SANDBOX_CONTAINERS=N sets
     * the count for every command; ARBITER_SANDBOX_PIN=0 leaves the containers free to move
     * between cores. ARBITER_DOCKER_HOSTS (comma-separated) names the Docker daemons to spread over;
     * without it, the one docker-java finds (DOCKER_HOST, else the local socket).
     */
    public static SandboxConfig defaults() {
        String image = System.getenv().getOrDefault("ARBITER_SANDBOX_IMAGE", DEFAULT_IMAGE);
        boolean pin = !"0".equals(System.getenv("ARBITER_SANDBOX_PIN"));
        String hosts = System.getenv("ARBITER_DOCKER_HOSTS");
        return new SandboxConfig(image, containers(System.getenv("ARBITER_SANDBOX_CONTAINERS"), Runtime.getRuntime().availableProcessors()),
                1536, 128, 1.0, 64, pin, hosts == null || hosts.isBlank() ? List.of(DockerHost.local()) : DockerHost.parseList(hosts));
    }

    /** The count asked for in ARBITER_SANDBOX_CONTAINERS, else the default for this many cores. */
    static int containers(String asked, int cores) {
        if (asked == null || asked.isBlank()) {
            return defaultContainers(cores);
        }
        int n;
        try {
            n = Integer.parseInt(asked.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 256) {
            throw new SandboxException("ARBITER_SANDBOX_CONTAINERS must be a whole number from 1 to 256, got '" + asked + "'");
        }
        return n;
    }

    static int defaultContainers(int cores) {
        return Math.max(1, cores - 1);
    }

    public SandboxConfig withImage(String image) {
        return new SandboxConfig(image, containers, containerMemoryMb, pidsLimit, cpus, tmpfsMb, pinCpus, hosts);
    }

    /** These settings on the polyglot image (ARBITER_SANDBOX_POLYGLOT_IMAGE, else {@link #POLYGLOT_IMAGE}). */
    public SandboxConfig polyglot() {
        return withImage(System.getenv().getOrDefault("ARBITER_SANDBOX_POLYGLOT_IMAGE", POLYGLOT_IMAGE));
    }

    public SandboxConfig withContainers(int n) {
        return new SandboxConfig(image, n, containerMemoryMb, pidsLimit, cpus, tmpfsMb, pinCpus, hosts);
    }

    public SandboxConfig withPinnedCpus(boolean pin) {
        return new SandboxConfig(image, containers, containerMemoryMb, pidsLimit, cpus, tmpfsMb, pin, hosts);
    }

    public SandboxConfig withHosts(List<DockerHost> hosts) {
        return new SandboxConfig(image, containers, containerMemoryMb, pidsLimit, cpus, tmpfsMb, pinCpus, hosts);
    }

    /** Containers over all hosts: how many jobs the pool runs at once when every host is up. */
    public int totalContainers() {
        return containers * hosts.size();
    }
}
