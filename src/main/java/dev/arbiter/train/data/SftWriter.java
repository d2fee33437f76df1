package dev.arbiter.train.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.run.RunException;
import dev.arbiter.verify.Outcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Writes curated SFT data into a folder: sharegpt.jsonl, alpaca.jsonl, rejected.jsonl and stats.json.
 *
 * <p>A rerun over the same folder is safe: the files are first written whole into a hidden
 * {@code .curate-partial} folder inside it, then each is moved over the old one in one atomic rename,
 * stats.json last. A run killed before that leaves the earlier output as it was; no reader ever sees a
 * half-written file. A folder holding anything but these files is refused, so nothing of the user's is
 * overwritten.
 */
public final class SftWriter {
    private SftWriter() {}

    /** Which verdict makes SFT data: CORRECT (Sky-T1's rejection sampling) or WRONG (the paper's "wrong answers" set). */
    /** Which verdicts become SFT data: correct ones, or the wrong answers (a program out of time is one). */
    public enum Keep {
        CORRECT,
        WRONG;

        java.util.function.Predicate<Outcome> wants() {
            return this == CORRECT ? Outcome::correct : o -> o == Outcome.WRONG || o == Outcome.PROGRAM_TIMEOUT;
        }
    }

    public static final List<String> FILES = List.of("sharegpt.jsonl", "alpaca.jsonl", "rejected.jsonl", "stats.json");
    private static final String PARTIAL = ".curate-partial";

    /** One source's counts; {@code keptLength} describes the kept responses. How many samples there were, were kept and rejected, and how many had each outcome (every outcome named, by its label). */
    public record Counts(int samples, int kept, int rejected, Map<String, Integer> outcomes,
                         @JsonProperty("kept_length") LengthStats keptLength) {
        public int count(Outcome o) {
            return outcomes.getOrDefault(o.label(), 0);
        }

        /** One line for people: kept of all, by outcome (correct and wrong always shown), and the kept lengths in {@code unit}. */
        public String describe(String source, String unit) {
            StringBuilder by = new StringBuilder();
            outcomes.forEach((o, k) -> {
                if (k > 0 || o.equals(Outcome.CORRECT.label()) || o.equals(Outcome.WRONG.label())) {
                    by.append(by.isEmpty() ? "" : ", ").append(o).append(' ').append(k);
                }
            });
            LengthStats l = keptLength;
            return String.format("%s: kept %d of %d (%s); kept %s min %d mean %.1f median %.1f p90 %.1f max %d",
                    source, kept, samples, by, unit, l.min(), l.mean(), l.median(), l.p90(), l.max());
        }
    }

    /** Everything stats.json says: per source, and all sources together. */
    public record Summary(Map<String, Counts> sources, Counts total) {}

    /** @throws RunException when {@code out} is a file or holds files other than curation's own */
    public static void checkOut(Path out) throws IOException {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new RunException(out + " is a file; --out takes a folder");
        }
        Set<String> ours = Set.of(FILES.get(0), FILES.get(1), FILES.get(2), FILES.get(3), PARTIAL);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(out)) {
            for (Path p : ds) {
                if (!ours.contains(p.getFileName().toString())) {
                    throw new RunException(out + " holds " + p.getFileName() + ", which curate did not write; give a new or empty folder");
                }
            }
        }
    }

    /**
     * Writes the four files.
     *
     * @param length a response's length in {@code lengthUnit}
     * @param about what stats.json says about the run (inputs, options); the counts are added to it
     */
    public static Summary write(Path out, List<Judged> judged, Keep keep, String system, ToIntFunction<String> length, ObjectNode about)
            throws IOException {
        checkOut(out);
        Path tmp = out.resolve(PARTIAL);
        dev.arbiter.OutputFiles.deleteTree(tmp);
        Files.createDirectories(tmp);
        java.util.function.Predicate<Outcome> wanted = keep.wants();
        Map<String, List<Judged>> bySource = new TreeMap<>();
        Map<String, List<Integer>> lengths = new TreeMap<>();
        List<Integer> allLengths = new ArrayList<>();
        try (BufferedWriter sg = writer(tmp.resolve(FILES.get(0)));
             BufferedWriter al = writer(tmp.resolve(FILES.get(1)));
             BufferedWriter rj = writer(tmp.resolve(FILES.get(2)))) {
            for (Judged j : judged) {
                Candidate c = j.candidate();
                bySource.computeIfAbsent(c.source(), k -> new ArrayList<>()).add(j);
                if (wanted.test(j.outcome())) {
                    line(sg, SftRecords.shareGpt(c, system));
                    line(al, SftRecords.alpaca(c, system));
                    int len = length.applyAsInt(c.response());
                    lengths.computeIfAbsent(c.source(), k -> new ArrayList<>()).add(len);
                    allLengths.add(len);
                } else {
                    line(rj, SftRecords.rejected(j));
                }
            }
        }
        Map<String, Counts> sources = new LinkedHashMap<>();
        bySource.forEach((s, js) -> sources.put(s, counts(js, wanted, lengths.getOrDefault(s, List.of()))));
        Summary summary = new Summary(sources, counts(judged, wanted, allLengths));
        ObjectNode stats = about.deepCopy();
        stats.put("keep", keep.name().toLowerCase(java.util.Locale.ROOT));
        stats.set("total", Json.mapper().valueToTree(summary.total()));
        stats.set("sources", Json.mapper().valueToTree(summary.sources()));
        Files.writeString(tmp.resolve(FILES.get(3)), Json.pretty(stats) + "\n", StandardCharsets.UTF_8);
        for (String f : FILES) { // stats.json last: once it is new, so is everything
            Files.move(tmp.resolve(f), out.resolve(f), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        dev.arbiter.OutputFiles.deleteTree(tmp);
        return summary;
    }

    private static Counts counts(List<Judged> js, java.util.function.Predicate<Outcome> wanted, List<Integer> keptLengths) {
        Map<String, Integer> by = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            by.put(o.label(), 0);
        }
        js.forEach(j -> by.merge(j.outcome().label(), 1, Integer::sum));
        int kept = (int) js.stream().filter(j -> wanted.test(j.outcome())).count();
        return new Counts(js.size(), kept, js.size() - kept, by, LengthStats.of(keptLengths));
    }

    private static BufferedWriter writer(Path p) throws IOException {
        return Files.newBufferedWriter(p, StandardCharsets.UTF_8);
    }

    private static void line(BufferedWriter w, ObjectNode n) throws IOException {
        w.write(Json.line(n));
        w.write('\n');
    }
}
