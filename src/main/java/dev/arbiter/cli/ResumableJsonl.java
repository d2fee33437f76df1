package dev.arbiter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Predicate;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Output files of JSON lines that a killed run can resume. Commands append one line per input in
 * input order and flush it; a rerun counts the complete lines and carries on after them.
 */
final class ResumableJsonl {
    private ResumableJsonl() {}

    /**
     * What an earlier run left: its complete lines, the last of them (null when none), and the bytes
     * they take; anything after them is a line torn by a kill.
     */
    record Done(int lines, JsonNode last, long bytes) {}

    /** {@link #scan}, then cuts off a torn last line so that it is written again. */
    static Done resume(Path out, Predicate<JsonNode> complete) throws IOException {
        Done done = scan(out, complete);
        cut(out, done);
        return done;
    }

    /**
     * Counts the complete lines of {@code out}: JSON objects that pass {@code complete} and end in a
     * newline. Only the last line may be incomplete; any other bad line means the file is not
     * this command's output, and it is left alone rather than cut.
     */
    static Done scan(Path out, Predicate<JsonNode> complete) throws IOException {
        if (!Files.exists(out)) {
            return new Done(0, null, 0);
        }
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
                        throw new Errors.UserError(out + ":" + (good + 1) + ": not a line this command writes; give another --out");
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
        return new Done(good, last, keep);
    }

    /** Cuts {@code out} after the complete lines of {@code done}. */
    static void cut(Path out, Done done) throws IOException {
        if (Files.exists(out) && done.bytes() < Files.size(out)) {
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
                ch.truncate(done.bytes());
            }
        }
    }

    private static JsonNode parse(byte[] line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** A progress bar on stderr, updated twice a second; {@code done} of {@code max} are finished already. */
    static ProgressBar progress(String task, long max, long done) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).startsFrom(done, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(500).continuousUpdate().build();
    }
}
