package dev.arbiter.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.OutputFiles;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.run.Completion;
import dev.arbiter.run.CompletionStore;
import dev.arbiter.run.RunException;
import dev.arbiter.run.RunSamples;
import dev.arbiter.run.RunSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Every stored sample of a finished run, one record each, for other tools to read: JSON Lines or
 * Parquet, with the same fields in both. A slot without a completion is no record; the counts say how
 * many there were.
 */
public final class SampleExport {
    private SampleExport() {}

    public enum Format { JSONL, PARQUET }

    /**
     * One stored sample. {@code outcome} is the verdict's label, or "not_graded" when the completion has
     * no verdict, and then {@code extracted} and {@code reason} are null.
     */
    public record Sample(String benchmark, String model, String problemId, int sampleIndex, String prompt, String completion, String outcome,
                         String extracted, String reason, String finishReason, int promptTokens, int completionTokens, String generationHash) {}

    /** A field of every record, by its snake_case name, in the order both formats write it. */
    record Field(String name, boolean number, boolean nullable, Function<Sample, Object> value) {}

    static final List<Field> FIELDS = List.of(
            new Field("benchmark", false, false, Sample::benchmark),
            new Field("model", false, true, Sample::model),
            new Field("problem_id", false, false, Sample::problemId),
            new Field("sample_index", true, false, Sample::sampleIndex),
            new Field("prompt", false, false, Sample::prompt),
            new Field("completion", false, false, Sample::completion),
            new Field("outcome", false, false, Sample::outcome),
            new Field("extracted", false, true, Sample::extracted),
            new Field("reason", false, true, Sample::reason),
            new Field("finish_reason", false, true, Sample::finishReason),
            new Field("prompt_tokens", true, false, Sample::promptTokens),
            new Field("completion_tokens", true, false, Sample::completionTokens),
            new Field("generation_hash", false, false, Sample::generationHash));

    /** What an export wrote, and the slots it could not: missing ones are no record, not graded ones are. */
    public record Counts(long samples, int benchmarks, long missing, long notGraded) {
        /** The summary line: {@code exported 1,234 samples of 2 benchmarks to FILE (16 missing, 3 not graded)}. */
        public String line(Path out) {
            return String.format(Locale.ROOT, "exported %,d sample%s of %d benchmark%s to %s (%,d missing, %,d not graded)", samples,
                    samples == 1 ? "" : "s", benchmarks, benchmarks == 1 ? "" : "s", out, missing, notGraded);
        }
    }

    /**
     * Exports the run in folder {@code runDir}, reading its store ({@code storeOverride} when not null)
     * and its benchmarks through {@code problemsOf}, into {@code out}, written whole and then renamed.
     *
     * @throws RunException when {@code out} cannot be written, or the folder is not a readable run
     */
    public static Counts fromRun(Path runDir, String storeOverride, Function<String, List<Problem>> problemsOf, Format format, Path out)
            throws IOException {
        if (Files.isDirectory(out)) {
            throw new RunException(out + " is a folder; --out names the file to write");
        }
        Path tmp;
        try {
            tmp = OutputFiles.tempBeside(out);
        } catch (IOException e) {
            throw new RunException("cannot write " + out + ": " + why(e));
        }
        try {
            RunSummary run = RunSummary.openRun(runDir, storeOverride);
            List<RunSamples.BenchmarkSamples> read;
            try (CompletionStore store = CompletionStore.open(run.store())) {
                read = RunSamples.read(run, store, problemsOf);
            }
            List<Sample> samples = samples(run.model(), read);
            switch (format) {
                case JSONL -> writeJsonl(samples, tmp);
                case PARQUET -> ParquetSamples.write(samples, tmp);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return counts(read, samples.size());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The stored samples of a run as read back, in the run's order: benchmark, problem, sample index. */
    public static List<Sample> samples(String model, List<RunSamples.BenchmarkSamples> run) {
        List<Sample> out = new ArrayList<>();
        for (RunSamples.BenchmarkSamples b : run) {
            for (RunSamples.ProblemSamples p : b.problems()) {
                for (RunSamples.Slot slot : p.slots()) {
                    if (slot.stored().isEmpty()) {
                        continue;
                    }
                    Completion c = slot.stored().get();
                    String extracted = slot instanceof RunSamples.Graded g ? g.verdict().extracted() : null;
                    String reason = slot instanceof RunSamples.Graded g ? g.verdict().reason() : null;
                    out.add(new Sample(b.bench().name(), model, p.problem().id(), slot.index(), p.prompt(), c.text(), slot.label(), extracted,
                            reason, c.finishReason(), c.promptTokens(), c.completionTokens(), b.bench().generationHash()));
                }
            }
        }
        return out;
    }

    private static Counts counts(List<RunSamples.BenchmarkSamples> run, long samples) {
        long missing = 0;
        long notGraded = 0;
        for (RunSamples.BenchmarkSamples b : run) {
            for (RunSamples.ProblemSamples p : b.problems()) {
                for (RunSamples.Slot slot : p.slots()) {
                    missing += slot instanceof RunSamples.Missing ? 1 : 0;
                    notGraded += slot instanceof RunSamples.Ungraded ? 1 : 0;
                }
            }
        }
        return new Counts(samples, run.size(), missing, notGraded);
    }

    private static void writeJsonl(List<Sample> samples, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Sample s : samples) {
                ObjectNode o = Json.mapper().createObjectNode();
                for (Field f : FIELDS) {
                    Object v = f.value().apply(s);
                    if (v == null) {
                        o.putNull(f.name());
                    } else if (f.number()) {
                        o.put(f.name(), (Integer) v);
                    } else {
                        o.put(f.name(), (String) v);
                    }
                }
                w.write(Json.line(o));
                w.write('\n');
            }
        }
    }

    private static String why(IOException e) {
        return switch (e) {
            case FileAlreadyExistsException f -> f.getFile() + " is a file, not a folder";
            case AccessDeniedException a -> "permission denied";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
