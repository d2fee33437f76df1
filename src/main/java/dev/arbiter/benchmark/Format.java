package dev.arbiter.benchmark;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Parses one published data format into {@link Problem}s. */
interface Format {

    /** The files of {@code source} this selection needs; all of them by default. */
    default List<Manifest.DataFile> required(Manifest manifest, Manifest.Source source, Selection selection) {
        return source.files();
    }

    /** Whether {@code source} can answer this selection; formats without selections take only the default. */
    default boolean covers(Manifest manifest, Manifest.Source source, Selection selection) {
        return selection.isDefault();
    }

    /**
     * Reads the located files (keyed by their manifest entry) and returns the problems plus the
     * number of records each file held, which the caller checks against the manifest.
     */
    Parsed parse(Manifest manifest, Manifest.Source source, Map<Manifest.DataFile, Path> files, Selection selection);

    record Parsed(List<Problem> problems, Map<Manifest.DataFile, Integer> fileRecords) {}

    static Format named(String name) {
        return switch (name) {
            case "aime2024_qwen" -> MathFormats.AIME_2024;
            case "aime2025" -> MathFormats.AIME_2025;
            case "amc23_qwen" -> MathFormats.AMC_2023;
            case "math500" -> MathFormats.MATH_500;
            case "omni_math" -> MathFormats.OMNI_MATH;
            case "livecodebench" -> LiveCodeBenchFormats.OFFICIAL;
            case "livecodebench_public_window" -> LiveCodeBenchFormats.PUBLIC_WINDOW;
            case "sandboxfusion_livecodebench" -> LiveCodeBenchFormats.SANDBOXFUSION;
            case "sandboxfusion_code_contests" -> CodeContestsFormat.INSTANCE;
            case "matharena" -> ChoiceFormats.MATHARENA;
            case "gpqa_csv" -> ChoiceFormats.GPQA;
            default -> throw new IllegalStateException("manifest names unknown format '" + name + "'");
        };
    }

    /** The single file of a one-file source. */
    static Map.Entry<Manifest.DataFile, Path> only(Map<Manifest.DataFile, Path> files) {
        if (files.size() != 1) {
            throw new IllegalStateException("expected one data file, got " + files.size());
        }
        return files.entrySet().iterator().next();
    }

    /** The file with the given role. */
    static Map.Entry<Manifest.DataFile, Path> role(Map<Manifest.DataFile, Path> files, String role) {
        return files.entrySet().stream()
                .filter(e -> role.equals(e.getKey().role()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no data file with role " + role));
    }
}
