package dev.arbiter.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.run.RunException;
import dev.arbiter.run.InputFiles;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;

/** Perturbs the last assistant message of every ShareGPT record in a file, writing the result in one atomic rename. */
public final class PerturbFile {
    private PerturbFile() {}

    /** What was changed: records, units counted and changed, records left as they were, how thoughts were found, and notes. */
    public record Summary(int records, long total, long changed, int untouched, SortedMap<String, Integer> thoughtFoundBy,
                          SortedMap<String, Integer> notes) {
        /** What perturb prints: the counts, a line per note, and where the records went. */
        public List<String> lines(Perturber.Kind kind, double fraction, long seed, Path out) {
            List<String> lines = new ArrayList<>();
            lines.add(String.format("perturbed %d records (%s, fraction %s, seed %d): changed %d of %d %s (%.1f%%); %d records unchanged; thought found by %s",
                    records, kind.cliName, fraction, seed, changed, total, kind.unit, total == 0 ? 0.0 : 100.0 * changed / total, untouched, thoughtFoundBy));
            notes.forEach((n, c) -> lines.add(String.format("  %d records: %s", c, n)));
            lines.add("wrote " + out);
            return lines;
        }
    }

    /** One input record and where its assistant message sits. */
    private record Item(ObjectNode record, ObjectNode message, String text) {}

    /** The records of an input file, each checked: a ShareGPT record with an assistant message, not perturbed before. */
    public static final class Records {
        private final Path in;
        private final List<Item> items;

        private Records(Path in, List<Item> items) {
            this.in = in;
            this.items = items;
        }

        public int size() {
            return items.size();
        }
    }

    /** {@link #run(Records, Path, Perturber.Kind, double, long, Runnable)} with a bar on stderr. */
    public static Summary run(Records records, Path out, Perturber.Kind kind, double fraction, long seed) throws IOException {
        try (ProgressBar bar = dev.arbiter.Progress.bar("perturbing", records.size(), 0)) {
            return run(records, out, kind, fraction, seed, bar::step);
        }
    }

    /** Perturbs the records into {@code out}; {@code step} runs once per record. */
    public static Summary run(Records records, Path out, Perturber.Kind kind, double fraction, long seed, Runnable step) throws IOException {
        if (Files.isDirectory(out)) {
            throw new RunException(out + " is a folder; --out takes a file");
        }
        Path in = records.in;
        List<Item> items = records.items;
        if (kind == Perturber.Kind.INSERT && items.size() < 2) {
            throw new RunException(in + ": insert draws steps from other records, and it holds " + items.size());
        }
        MathVerifier verifier = kind == Perturber.Kind.WRONG_ANSWER ? new MathVerifier() : null;
        long total = 0;
        long changed = 0;
        int untouched = 0;
        SortedMap<String, Integer> where = new TreeMap<>();
        SortedMap<String, Integer> notes = new TreeMap<>();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = dev.arbiter.OutputFiles.tempBeside(out);
        try {
            Perturber p = new Perturber(kind, fraction, seed, items.stream().map(Item::text).toList(),
                    verifier == null ? null : (a, b) -> verifier.verify(a, "\\boxed{" + b + "}").equal());
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (int i = 0; i < items.size(); i++) {
                    Item it = items.get(i);
                    Perturber.Result r = p.apply(i, it.text());
                    it.message().put(it.message().has("value") ? "value" : "content", r.message());
                    it.record().set("perturbation", Json.mapper().valueToTree(r.audit()));
                    w.write(Json.line(it.record()));
                    w.write('\n');
                    total += r.audit().total();
                    changed += r.audit().changed();
                    untouched += r.audit().changed() == 0 ? 1 : 0;
                    where.merge(r.audit().thought(), 1, Integer::sum);
                    if (r.audit().note() != null) {
                        notes.merge(r.audit().note().replaceFirst("^\\d+ ", "N "), 1, Integer::sum);
                    }
                    step.run();
                }
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
            if (verifier != null) {
                verifier.close();
            }
        }
        return new Summary(items.size(), total, changed, untouched, where, notes);
    }

    /** Reads and checks every record of {@code in}; a bad one is an {@link RunException} naming its line. */
    public static Records read(Path in) {
        List<Item> items = new ArrayList<>();
        try (InputFiles.Lines lines = new InputFiles.Lines(in)) {
            for (String raw; (raw = lines.next()) != null; ) {
                if (raw.isBlank()) {
                    continue;
                }
                String where = in + ":" + lines.number();
                JsonNode n;
                try {
                    n = Json.mapper().readTree(raw);
                } catch (IOException e) {
                    throw new RunException(where + ": not valid JSON");
                }
                if (!(n instanceof ObjectNode rec) || !n.path("conversations").isArray()) {
                    throw new RunException(where + ": not a ShareGPT record (needs a \"conversations\" list)");
                }
                ObjectNode assistant = null;
                for (JsonNode m : n.get("conversations")) {
                    String from = m.path("from").asText(m.path("role").asText(""));
                    if ((from.equals("gpt") || from.equals("assistant")) && m instanceof ObjectNode mo) {
                        assistant = mo;
                    }
                }
                if (assistant == null) {
                    throw new RunException(where + ": no assistant message (from \"gpt\" or \"assistant\")");
                }
                JsonNode text = assistant.has("value") ? assistant.get("value") : assistant.get("content");
                if (text == null || !text.isTextual()) {
                    throw new RunException(where + ": the assistant message has no \"value\" string");
                }
                if (rec.has("perturbation")) {
                    throw new RunException(where + ": already perturbed; perturb the original data");
                }
                items.add(new Item(rec, assistant, text.asText()));
            }
        }
        if (items.isEmpty()) {
            throw new RunException(in + ": no records");
        }
        return new Records(in, items);
    }
}
