package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Formats of the newer catalogue entries: MathArena's competitions and GPQA's multiple choice. */
final class ChoiceFormats {
    private ChoiceFormats() {}

    /**
     * MathArena's hub datasets (aime_2026, hmmt_feb_2025, ...): problem_idx, problem, answer (an
     * integer or LaTeX text), and in some problem_type (a list). Ids are the problem_idx.
     */
    static final Format MATHARENA = (manifest, source, files, selection) -> {
        Map.Entry<Manifest.DataFile, Path> file = Format.only(files);
        List<Records.Row> rows = Records.table(file.getValue());
        List<Problem> problems = new ArrayList<>(rows.size());
        Set<String> ids = new HashSet<>();
        for (Records.Row row : rows) {
            String id = row.text("problem_idx");
            if (!ids.add(id)) {
                throw row.error("duplicate problem_idx " + id);
            }
            JsonNode types = row.node().get("problem_type");
            List<String> typeNames = new ArrayList<>();
            if (types != null && types.isArray()) {
                types.forEach(t -> typeNames.add(t.asText()));
            }
            try {
                problems.add(new Problem(id, manifest.name(), row.text("problem"), new MathAnswer(row.text("answer"), null),
                        new Metadata(typeNames.isEmpty() ? null : typeNames.get(0), null, null, null, manifest.title(),
                                typeNames.size() > 1 ? Map.of("problem_types", String.join(" | ", typeNames)) : Map.of())));
            } catch (IllegalArgumentException e) {
                throw row.error(e.getMessage());
            }
        }
        return new Format.Parsed(problems, Map.of(file.getKey(), rows.size()));
    };

    /**
     * GPQA's CSV (gpqa_diamond.csv and its siblings): Question, Correct Answer, Incorrect Answer
     * 1-3, Record ID, High-level domain, Subdomain. The four options are shuffled per problem with
     * the manifest's seed; the gold is the letter the correct answer lands on.
     */
    static final Format GPQA = (manifest, source, files, selection) -> {
        if (manifest.choices() == null) {
            throw new IllegalStateException("manifest " + manifest.name() + " needs choices.shuffle_seed for format gpqa_csv");
        }
        Map.Entry<Manifest.DataFile, Path> file = Format.only(files);
        List<Records.Row> rows = Records.csv(file.getValue());
        List<Problem> problems = new ArrayList<>(rows.size());
        Set<String> ids = new HashSet<>();
        for (Records.Row row : rows) {
            String recordId = blankToNull(row.optText("Record ID"));
            String id = recordId != null ? recordId : "gpqa-" + row.index();
            if (!ids.add(id)) {
                throw row.error("duplicate Record ID " + id);
            }
            List<String> options = List.of(row.text("Correct Answer"), row.text("Incorrect Answer 1"), row.text("Incorrect Answer 2"),
                    row.text("Incorrect Answer 3"));
            try {
                MultipleChoice.Question q = MultipleChoice.shuffled(row.text("Question"), options, 0, manifest.choices().shuffleSeed(), id);
                String sub = blankToNull(row.optText("Subdomain"));
                problems.add(new Problem(id, manifest.name(), q.prompt(), q.gold(),
                        new Metadata(blankToNull(row.optText("High-level domain")), null, null, null, "GPQA",
                                sub == null ? Map.of() : Map.of("subdomain", sub))));
            } catch (IllegalArgumentException e) {
                throw row.error(e.getMessage());
            }
        }
        return new Format.Parsed(problems, Map.of(file.getKey(), rows.size()));
    };

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
