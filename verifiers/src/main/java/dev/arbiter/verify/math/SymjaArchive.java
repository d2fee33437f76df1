package dev.arbiter.verify.math;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Records the Symja children's class-data archive for this build, so that the first verdict that
 * needs Symja starts its child in about 1 s instead of 2 to 3. The launcher runs it after a build.
 */
public final class SymjaArchive {
    private SymjaArchive() {}

    public static void main(String[] args) throws InterruptedException {
        long t0 = System.nanoTime();
        Path archive = SymjaPool.recordArchiveNow(120, TimeUnit.SECONDS);
        if (archive == null) {
            System.err.println("arbiter: no Symja class-data archive recorded ("
                    + (SymjaPool.trainingFailure() == null ? "no cache folder" : SymjaPool.trainingFailure())
                    + "); Symja children will start more slowly");
            System.exit(1);
        }
        System.err.printf("arbiter: Symja class-data archive ready in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, archive);
    }
}
