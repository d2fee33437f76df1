package dev.arbiter.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real data lies: ../shared beside the clone (CI lays it there). */
public final class Shared {
    private Shared() {}

    public static Path root() {
        String prop = System.getProperty("arbiter.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        p = p.toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("datasets"))) {
            throw new IllegalStateException("real data not found at " + p + "/datasets; tests expect ../shared beside the project");
        }
        return p;
    }

    public static Path datasets() {
        return root().resolve("datasets");
    }
}
