package dev.arbiter.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The published formats of the math benchmarks, one JSON object per line each. */
final class MathFormats {
    private MathFormats() {}

    /** AoPS wiki URLs name the contest and problem: .../2024_AIME_I_Problems/Problem_1. */
    private static final Pattern AOPS = Pattern.compile("(\\d{4})_(AIME|AMC)_([0-9]*[A-Z]*)_Problems/Problem_(\\d+)");

    /** Qwen2.5-Math's aime24: id, problem, solution, answer (str), url. */
    static final Format AIME_2024 = perLine((m, row) -> {
        String url = row.optText("url");
        String id = url != null ? aopsId(url, row) : "aime24-" + row.text("id");
        return new Problem(id, m.name(), row.text("problem"), new MathAnswer(row.text("answer"), row.optText("solution")),
                new Metadata(null, null, null, null, "AIME 2024", url == null ? Map.of() : Map.of("url", url)));
    });

    /** AReaL's aime25: problem, answer (int), id "0".."29"; rows 0-14 are AIME I, 15-29 AIME II. */
    static final Format AIME_2025 = perLine((m, row) -> {
        int index = row.index();
        String exam = index < 15 ? "I" : "II";
        String id = "2025-" + exam + "-" + (index % 15 + 1);
        return new Problem(id, m.name(), row.text("problem"), new MathAnswer(row.text("answer"), null),
                new Metadata(null, null, null, null, "AIME 2025 " + exam, Map.of("source_id", row.text("id"))));
    });

    /** Qwen2.5-Math's amc23: id, problem, answer (float such as 27.0), url. */
    static final Format AMC_2023 = perLine((m, row) -> {
        String url = row.optText("url");
        String id = url != null ? aopsId(url, row) : "amc23-" + row.text("id");
        return new Problem(id, m.name(), row.text("problem"), new MathAnswer(row.text("answer"), null),
                new Metadata(null, null, null, null, "AMC 2023", url == null ? Map.of() : Map.of("url", url)));
    });

    /** PRM800K's MATH test split: problem, solution, answer, subject, level, unique_id. */
    static final Format MATH_500 = perLine((m, row) -> {
        String level = row.optText("level");
        Integer lvl = level == null ? null : parseLevel(level, row);
        return new Problem(row.text("unique_id"), m.name(), row.text("problem"),
                new MathAnswer(row.text("answer"), row.optText("solution")),
                new Metadata(row.optText("subject"), lvl, null, null, "MATH", Map.of()));
    });

    /** Omni-MATH: domain (list), difficulty (float), problem, solution, answer, source. Ids are line positions. */
    static final Format OMNI_MATH = perLine((m, row) -> {
        var domain = row.node().get("domain");
        String subject = domain != null && domain.isArray() && !domain.isEmpty() ? domain.get(0).asText() : null;
        List<String> domains = new ArrayList<>();
        if (domain != null && domain.isArray()) {
            domain.forEach(d -> domains.add(d.asText()));
        }
        return new Problem(String.valueOf(row.index()), m.name(), row.text("problem"),
                new MathAnswer(row.text("answer"), row.optText("solution")),
                new Metadata(subject, null, row.optText("difficulty"), null, row.optText("source"),
                        domains.size() > 1 ? Map.of("domains", String.join(" | ", domains)) : Map.of()));
    });

    private static Integer parseLevel(String level, Records.Row row) {
        try {
            return Integer.valueOf(level.replace("Level ", "").strip());
        } catch (NumberFormatException e) {
            throw row.error("level '" + level + "' is not a number");
        }
    }

    private static String aopsId(String url, Records.Row row) {
        Matcher mt = AOPS.matcher(url);
        if (!mt.find()) {
            throw row.error("url '" + url + "' does not name an AoPS contest problem");
        }
        return mt.group(1) + "-" + mt.group(3) + "-" + mt.group(4);
    }

    @FunctionalInterface
    private interface RowMapper {
        Problem map(Manifest manifest, Records.Row row);
    }

    private static Format perLine(RowMapper mapper) {
        return (manifest, source, files, selection) -> {
            Map.Entry<Manifest.DataFile, Path> file = Format.only(files);
            List<Records.Row> rows = Records.jsonLines(file.getValue());
            List<Problem> problems = new ArrayList<>(rows.size());
            for (Records.Row row : rows) {
                try {
                    problems.add(mapper.map(manifest, row));
                } catch (IllegalArgumentException e) {
                    throw row.error(e.getMessage());
                }
            }
            return new Format.Parsed(problems, Map.of(file.getKey(), rows.size()));
        };
    }
}
