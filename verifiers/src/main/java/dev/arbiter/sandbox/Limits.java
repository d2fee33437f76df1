package dev.arbiter.sandbox;

/**
 * Per-run limits, enforced inside the container by the driver: wall time (the driver kills the
 * run), CPU time and address space (rlimits), and the size of its output and of any file it writes.
 */
public record Limits(long wallMs, long cpuMs, int memoryMb, long outputBytes, long fileBytes) {
    public static final Limits DEFAULT = new Limits(10_000, 10_000, 1024, 8L << 20, 16L << 20);

    public Limits {
        if (wallMs < 1 || cpuMs < 1) {
            throw new IllegalArgumentException("time limits must be at least 1 ms");
        }
        if (memoryMb < 16) {
            throw new IllegalArgumentException("memory limit must be at least 16 MiB, got " + memoryMb);
        }
        if (outputBytes < 1 || fileBytes < 1) {
            throw new IllegalArgumentException("output and file limits must be positive");
        }
    }

    public Limits withWallMs(long ms) {
        return new Limits(ms, cpuMs, memoryMb, outputBytes, fileBytes);
    }

    public Limits withCpuMs(long ms) {
        return new Limits(wallMs, ms, memoryMb, outputBytes, fileBytes);
    }

    public Limits withMemoryMb(int mb) {
        return new Limits(wallMs, cpuMs, mb, outputBytes, fileBytes);
    }
}
