package dev.arbiter.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real data lies: ../shared beside the clone (CI lays it there). Tests that need it skip
 * without it, except where ARBITER_REQUIRE_DATA is set (CI sets it), where they fail.
 */
public final class Shared {
    private Shared() {}

    public static Path root() {
        String prop = System.getProperty("arbiter.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        p = p.toAbsolutePath().normalize();
        boolean present = Files.isDirectory(p.resolve("datasets"));
        if (!present && System.getenv("ARBITER_REQUIRE_DATA") != null) {
            throw new IllegalStateException("real data not found at " + p + "/datasets (ARBITER_REQUIRE_DATA is set)");
        }
        assumeTrue(present, "real data not found at " + p + "/datasets; these tests need ../shared beside the project");
        return p;
    }

    public static Path datasets() {
        return root().resolve("datasets");
    }
}
