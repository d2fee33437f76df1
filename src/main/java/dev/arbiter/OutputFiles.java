package dev.arbiter;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files for outputs written whole and renamed into place. {@link Files#createTempFile}
 * makes files only their owner may read, which a rename then hands on to the report; these are
 * created like any other output, with the modes the umask leaves (0644 under the usual 022).
 */
public final class OutputFiles {
    private OutputFiles() {}

    /** A new empty file beside {@code target}, named after it, for writing and then moving over it. */
    public static Path tempBeside(Path target) throws IOException {
        return beside(target, false);
    }

    /** A new empty folder beside {@code target}, named after it, for filling and then moving in its place. */
    public static Path tempDirBeside(Path target) throws IOException {
        return beside(target, true);
    }

    /** Deletes a folder and everything in it; one that is not there is fine. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path beside(Path target, boolean folder) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
            try {
                return folder ? Files.createDirectory(tmp) : Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }
}
