package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What a hub file that the manifest does not byte-pin held when it was first fetched: its sha256
 * and record count, kept in the cache beside it as {@code FILE.pin.json}. The pin outlives the file:
 * a later download of the same repo, revision and path must hash the same, or it is refused, so a
 * dataset changed upstream is caught rather than silently scored. Deleting the pin accepts the change.
 * Caches written before pins held a bare {@code FILE.sha256}; that is read as a pin without a count.
 */
record Pin(String sha256, Integer records, String url, String fetched) {
    static Path pathFor(Path cached) {
        return cached.resolveSibling(cached.getFileName() + ".pin.json");
    }

    private static Path legacyPathFor(Path cached) {
        return cached.resolveSibling(cached.getFileName() + ".sha256");
    }

    /** The pin recorded for the file that is, or was, cached at {@code cached}. */
    static Optional<Pin> read(Path cached) {
        Path p = pathFor(cached);
        try {
            if (Files.isRegularFile(p)) {
                JsonNode n = Records.parse(Files.readString(p, StandardCharsets.UTF_8), p.toString());
                String sha = n.path("sha256").asText("");
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new BenchmarkException(p + ": pin has no valid sha256; delete it to pin the file again");
                }
                return Optional.of(new Pin(sha, n.hasNonNull("records") ? n.get("records").asInt() : null,
                        n.path("url").asText(null), n.path("fetched").asText(null)));
            }
            Path legacy = legacyPathFor(cached);
            if (Files.isRegularFile(legacy)) {
                return Optional.of(new Pin(Files.readString(legacy).strip(), null, null, null));
            }
        } catch (IOException e) {
            throw new BenchmarkException(p + ": cannot read the pin (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    /** Writes the pin atomically, so a crash leaves the old pin or the new one, never half of one. */
    void write(Path cached) {
        Path p = pathFor(cached);
        Path part = p.resolveSibling(p.getFileName() + ".part");
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(part, Json.line(this) + "\n", StandardCharsets.UTF_8);
            Files.move(part, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BenchmarkException("cannot record the pin " + p + ": " + e.getMessage());
        }
    }

    /** As errors cite it: the sha256, and when it was pinned where known. */
    String describe() {
        return sha256 + (fetched == null ? "" : " (pinned at its first fetch, " + fetched + ")");
    }
}
