package dev.arbiter.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Output files of JSON lines that a killed run can resume. A line that is not the writer's own is an
 * {@link RunException}.
 * Commands append one line per input in
 * input order and flush it; a rerun counts the complete lines and carries on after them. Lines that
 * must be made again (a grading the sandbox could not finish, say) are replaced by {@link #rewrite},
 * which swaps in a whole new file at once, so a kill leaves either the old file or the new one.
 */
public final class ResumableJsonl {
    private ResumableJsonl() {}

    /**
     * What an earlier run left: its complete lines, the last of them (null when none), and the bytes
     * they take; anything after them is a line torn by a kill. {@code redo} holds the complete lines
     * to make again, by their index from 0.
     */
    public record Done(int lines, JsonNode last, long bytes, SortedMap<Integer, JsonNode> redo) {
        public Done {
            redo = Collections.unmodifiableSortedMap(new TreeMap<>(redo));
        }

        public Done(int lines, JsonNode last, long bytes) {
            this(lines, last, bytes, new TreeMap<>());
        }
    }

    /** {@link #scan}, then cuts off a torn last line so that it is written again. */
    public static Done resume(Path out, Predicate<JsonNode> complete) throws IOException {
        return resume(out, complete, n -> false);
    }

    /** {@link #scan} with the lines to make again, then cuts off a torn last line. */
    public static Done resume(Path out, Predicate<JsonNode> complete, Predicate<JsonNode> redo) throws IOException {
        Done done = scan(out, complete, redo);
        cut(out, done);
        return done;
    }

    /**
     * Counts the complete lines of {@code out}: JSON objects that pass {@code complete} and end in a
     * newline. Only the last line may be incomplete; any other bad line means the file is not
     * this command's output, and it is left alone rather than cut.
     */
    public static Done scan(Path out, Predicate<JsonNode> complete) throws IOException {
        return scan(out, complete, n -> false);
    }

    /** {@link #scan(Path, Predicate)}, also noting the complete lines that pass {@code redo}. */
    public static Done scan(Path out, Predicate<JsonNode> complete, Predicate<JsonNode> redo) throws IOException {
        if (!Files.exists(out)) {
            return new Done(0, null, 0);
        }
        SortedMap<Integer, JsonNode> again = new TreeMap<>();
        int good = 0;
        long keep = 0;
        long pos = 0;
        JsonNode last = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(out)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                int from = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] != '\n') {
                        continue;
                    }
                    line.write(buf, from, i - from);
                    from = i + 1;
                    JsonNode node = parse(line.toByteArray());
                    if (node == null || !node.isObject() || !complete.test(node)) {
                        throw new RunException(out + ":" + (good + 1) + ": not a line this command writes; give another --out");
                    }
                    if (redo.test(node)) {
                        again.put(good, node);
                    }
                    good++;
                    last = node;
                    keep = pos + i + 1;
                    line.reset();
                }
                line.write(buf, from, n - from);
                pos += n;
            }
        }
        return new Done(good, last, keep, again);
    }

    /** Cuts {@code out} after the complete lines of {@code done}. */
    public static void cut(Path out, Done done) throws IOException {
        if (Files.exists(out) && done.bytes() < Files.size(out)) {
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
                ch.truncate(done.bytes());
            }
        }
    }

    /**
     * Replaces lines of {@code out} (by index from 0; each value one line, without its newline) and
     * keeps every other byte as it is. The new file is written beside the old one, forced to disk and
     * renamed over it in one step: a run killed meanwhile leaves the old file whole. Every index must
     * name a complete line.
     */
    public static void rewrite(Path out, Map<Integer, String> lines) throws IOException {
        Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".rewrite.tmp");
        try {
            int line = 0;
            try (InputStream in = Files.newInputStream(out);
                    OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16)) {
                byte[] buf = new byte[1 << 16];
                boolean replaced = start(os, lines, 0);
                for (int n; (n = in.read(buf)) > 0; ) {
                    int from = 0;
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != '\n') {
                            continue;
                        }
                        if (!replaced) {
                            os.write(buf, from, i + 1 - from);
                        }
                        from = i + 1;
                        line++;
                        replaced = start(os, lines, line);
                    }
                    if (!replaced) {
                        os.write(buf, from, n - from);
                    }
                }
            }
            int lineCount = line;
            if (lines.keySet().stream().anyMatch(k -> k < 0 || k >= lineCount)) {
                throw new IllegalArgumentException("line to replace past the " + lineCount + " complete lines of " + out + ": " + lines.keySet());
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(out));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the new file keeps the default permissions.
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes line {@code index}'s replacement, when it has one; true when it did. */
    private static boolean start(OutputStream os, Map<Integer, String> lines, int index) throws IOException {
        String s = lines.get(index);
        if (s == null) {
            return false;
        }
        os.write(s.getBytes(StandardCharsets.UTF_8));
        os.write('\n');
        return true;
    }

    private static JsonNode parse(byte[] line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
