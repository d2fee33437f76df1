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
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }
}
