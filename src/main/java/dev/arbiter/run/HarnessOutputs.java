package dev.arbiter.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Metadata;
import dev.arbiter.benchmark.ParquetRows;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Language;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Other harnesses' outputs read as generations to grade: Arbiter's own JSONL, lm-evaluation-harness's
 * {@code samples_*.jsonl} and LightEval's details parquet, each through a field mapping from our names to
 * the file's. A line naming no problem is matched to one by its statement, so a run made elsewhere
 * can be graded against a shipped benchmark without a conversion script; with no benchmark, the file's
 * own reference answers are the gold.
 */
public final class HarnessOutputs {
    private HarnessOutputs() {}

    /** Our names a mapping may give: the problem, the model output, the reference answer, the code's language, the file's own score. */
    public static final Set<String> FIELDS = Set.of("problem_id", "completion", "answer", "language", "their_score");

    /** The names datasets give their problem statement, in the order they are tried. */
    private static final List<String> STATEMENT_FIELDS = List.of("problem", "question", "Question", "query", "prompt", "input");

    public enum Format {
        ARBITER("arbiter"),
        LM_EVAL("lm-eval"),
        LIGHTEVAL("lighteval");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** A label as given to {@code --from}; "auto" is null. */
        public static Format parse(String s) {
            if (s == null || s.equalsIgnoreCase("auto")) {
                return null;
            }
            for (Format f : values()) {
                if (f.label.equalsIgnoreCase(s.strip())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown format '" + s + "'; known: auto, arbiter, lm-eval, lighteval");
        }
    }

    /**
     * What was read. {@code ownGold} holds the problems built from the file's reference answers when no
     * benchmark was given, else null; {@code theirMetric} names the file's own per-sample score, null when it has none.
     */
    public record Read(Format format, List<Grading.Generation> generations, Benchmarks.Loaded ownGold, String theirMetric) {
        public Read {
            generations = List.copyOf(generations);
        }
    }

    /** One input record: where it is (1-based line or row) and its JSON. */
    private record Row(int line, JsonNode node) {}

    /**
     * Reads {@code file} as {@code format} (detected when null) through {@code fields} (ours to theirs,
     * dotted paths); {@code benchmark} is the benchmark to grade against, or null to take the file's own answers.
     */
    public static Read read(Path file, Format format, Map<String, String> fields, Benchmarks.Loaded benchmark) {
        for (String k : fields.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new RunException("unknown field '" + k + "' in --field; known: " + String.join(", ", new TreeSet<>(FIELDS)));
            }
        }
        boolean parquet = format == Format.LIGHTEVAL || format == null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
        List<Row> rows = parquet ? parquetRows(file) : jsonRows(file);
        if (rows.isEmpty()) {
            throw new RunException(file + ": holds no generations");
        }
        Format f = format != null ? format : parquet ? Format.LIGHTEVAL : detect(rows.getFirst().node());
        Reader r = new Reader(file, f, fields, benchmark);
        for (Row row : rows) {
            r.take(row);
        }
        return r.finish();
    }

    /** A parquet file is LightEval's details (decided by its name); JSONL whose first record has doc_id and resps is lm-eval's samples. */
    static Format detect(JsonNode first) {
        return first.has("doc_id") && (first.has("resps") || first.has("filtered_resps")) ? Format.LM_EVAL : Format.ARBITER;
    }

    private static List<Row> jsonRows(Path file) {
        List<Row> rows = new ArrayList<>();
        try (InputFiles.Lines lines = new InputFiles.Lines(file)) {
            for (String l; (l = lines.next()) != null; ) {
                if (l.isBlank()) {
                    continue;
                }
                try {
                    rows.add(new Row(lines.number(), Json.mapper().readTree(l)));
                } catch (IOException e) {
                    throw new RunException(file + ":" + lines.number() + ": not valid JSON");
                }
            }
        }
        return rows;
    }

    private static List<Row> parquetRows(Path file) {
        List<Row> rows = new ArrayList<>();
        try {
            int i = 0;
            for (JsonNode n : ParquetRows.read(file)) {
                rows.add(new Row(++i, n));
            }
        } catch (BenchmarkException e) {
            throw new RunException(e.getMessage());
        }
        return rows;
    }

    /** Turns rows into generations, one format's rules at a time. */
    private static final class Reader {
        private final Path file;
        private final Format format;
        private final Map<String, String> fields;
        private final Benchmarks.Loaded benchmark;
        private final Statements statements;
        private final List<Grading.Generation> gens = new ArrayList<>();
        /** lm-eval writes one line per filter with the same responses: the first line of each doc is kept. */
        private final Map<String, List<String>> seenDocs = new HashMap<>();
        private final Map<String, Problem> ownGold = new LinkedHashMap<>();
        private String theirMetric;

        Reader(Path file, Format format, Map<String, String> fields, Benchmarks.Loaded benchmark) {
            this.file = file;
            this.format = format;
            this.fields = fields;
            this.benchmark = benchmark;
            this.statements = benchmark == null ? null : new Statements(benchmark.problems());
        }

        void take(Row row) {
            String where = file + ":" + row.line();
            JsonNode n = row.node();
            if (!n.isObject()) {
                throw new RunException(where + ": not a JSON object");
            }
            switch (format) {
                case ARBITER -> takeOurs(where, row, n);
                case LM_EVAL -> takeLmEval(where, row, n);
                case LIGHTEVAL -> takeLightEval(where, row, n);
            }
        }

        private void takeOurs(String where, Row row, JsonNode n) {
            String id = scalar(n, path("problem_id", "problem_id"));
            if (id == null) {
                throw new RunException(where + ": needs a problem_id" + mapped("problem_id"));
            }
            JsonNode c = at(n, path("completion", "completion"));
            if (c == null || !c.isTextual()) {
                throw new RunException(where + ": needs a completion string" + mapped("completion"));
            }
            add(where, row, n, id, List.of(c.asText()), scalar(n, path("answer", "answer")), null, theirScore(n, null));
        }

        private void takeLmEval(String where, Row row, JsonNode n) {
            String docId = scalar(n, "doc_id");
            if (docId == null) {
                throw new RunException(where + ": an lm-eval sample needs doc_id");
            }
            List<String> completions = strings(at(n, path("completion", "resps")));
            if (completions.isEmpty()) {
                throw new RunException(where + ": no responses under '" + path("completion", "resps") + "'" + mapped("completion"));
            }
            List<String> before = seenDocs.putIfAbsent(docId, completions);
            if (before != null) {
                if (!before.equals(completions)) {
                    throw new RunException(where + ": doc_id " + docId + " appears again with other responses; lm-eval repeats a doc once per"
                            + " filter with the same responses, so this file mixes runs");
                }
                return;
            }
            String metric = fields.get("their_score");
            if (metric == null && n.path("metrics").isArray()) {
                for (JsonNode m : n.get("metrics")) {
                    if (n.path(m.asText()).isNumber() || n.path(m.asText()).isBoolean()) {
                        metric = m.asText();
                        break;
                    }
                }
            }
            String id = fields.containsKey("problem_id") ? scalar(n, fields.get("problem_id")) : null;
            List<String> texts = new ArrayList<>();
            // The doc is the dataset's row; the prompt in arguments may hold few-shot examples, other problems' statements.
            // A field named like a statement goes first: without a benchmark, the first text is the problem a judge is shown.
            JsonNode doc = n.get("doc");
            for (String name : STATEMENT_FIELDS) {
                if (doc != null && doc.path(name).isTextual()) {
                    texts.add(doc.get(name).asText());
                }
            }
            leaves(doc, texts);
            add(where, row, n, id == null && benchmark == null ? docId : id, completions, scalar(n, path("answer", "target")), texts,
                    theirScore(n, metric));
        }

        private void takeLightEval(String where, Row row, JsonNode n) {
            boolean nested = n.path("model_response").isObject();
            List<String> completions = strings(at(n, path("completion", nested ? "model_response.text" : "predictions")));
            if (completions.isEmpty()) {
                throw new RunException(where + ": no predictions under '" + path("completion", nested ? "model_response.text" : "predictions")
                        + "'" + mapped("completion"));
            }
            String answer = fields.containsKey("answer") ? scalar(n, fields.get("answer")) : lightEvalGold(n, nested);
            List<String> texts = new ArrayList<>();
            for (String p : nested ? List.of("doc.query", "doc.instruction") : List.of("example", "full_prompt", "instruction")) {
                JsonNode t = at(n, p);
                if (t != null && t.isTextual()) {
                    texts.add(t.asText());
                }
            }
            String id = fields.containsKey("problem_id") ? scalar(n, fields.get("problem_id")) : null;
            if (id == null && benchmark == null) {
                id = String.valueOf(row.line() - 1);
            }
            JsonNode scores = n.get(nested ? "metric" : "metrics");
            String metric = fields.get("their_score");
            if (metric == null && scores != null && scores.isObject()) {
                var it = scores.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    if (e.getValue().isNumber() || e.getValue().isBoolean()) {
                        metric = (nested ? "metric." : "metrics.") + e.getKey();
                        break;
                    }
                }
            }
            add(where, row, n, id, completions, answer, texts, theirScore(n, metric));
        }

        /** LightEval's reference: the gold choice (new layout) or the first gold string (old layout). */
        private static String lightEvalGold(JsonNode n, boolean nested) {
            if (!nested) {
                JsonNode g = n.get("gold");
                return g != null && g.isArray() && !g.isEmpty() && g.get(0).isValueNode() ? g.get(0).asText() : null;
            }
            JsonNode choices = n.path("doc").path("choices");
            JsonNode idx = n.path("doc").path("gold_index");
            if (idx.isArray() && !idx.isEmpty()) {
                idx = idx.get(0);
            }
            return choices.isArray() && idx.canConvertToInt() && idx.asInt() >= 0 && idx.asInt() < choices.size()
                    ? choices.get(idx.asInt()).asText() : null;
        }

        private Double theirScore(JsonNode n, String metric) {
            if (metric == null) {
                return null;
            }
            theirMetric = theirMetric == null ? metric : theirMetric;
            JsonNode v = at(n, metric);
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isBoolean()) {
                return v.asBoolean() ? 1.0 : 0.0;
            }
            return v.isNumber() ? v.asDouble() : null;
        }

        private void add(String where, Row row, JsonNode n, String id, List<String> completions, String answer, List<String> texts, Double theirs) {
            if (benchmark == null) {
                if (id == null) {
                    throw new RunException(where + ": names no problem; give --benchmark, or --field problem_id=FIELD");
                }
                if (answer == null || answer.isBlank()) {
                    throw new RunException(where + ": without --benchmark the file's own reference answer is the gold, and this record has"
                            + " none" + mapped("answer"));
                }
                String statement = texts == null || texts.isEmpty() ? "problem " + id : texts.get(0);
                Problem before = ownGold.putIfAbsent(id, new Problem(id, ownName(), statement.isBlank() ? "problem " + id : statement,
                        new MathAnswer(answer, null), Metadata.EMPTY));
                if (before != null && !((MathAnswer) before.gold()).answer().equals(answer)) {
                    throw new RunException(where + ": problem " + id + " appears again with another reference answer");
                }
            } else {
                if (id == null) {
                    id = texts == null ? null : statements.match(texts, where);
                    if (id == null) {
                        throw new RunException(where + ": names no problem" + mapped("problem_id"));
                    }
                } else if (!statements.has(id)) {
                    throw new RunException(where + ": problem_id '" + id + "' is not in " + benchmark.name());
                }
            }
            Language language = null;
            String lang = scalar(n, path("language", "language"));
            if (lang != null) {
                language = Language.parse(lang).orElseThrow(() -> new RunException(where + ": language '" + lang
                        + "' is none we run (python, cpp, java, go, rust, javascript, bash)"));
                Kind kind = benchmark == null ? Kind.MATH : statements.kind(id);
                if (kind != Kind.CODE) {
                    throw new RunException(where + ": a language is for code problems; " + id + " is not one");
                }
            }
            for (String c : completions) {
                gens.add(new Grading.Generation(row.line(), id, c, language, theirs));
            }
        }

        private String ownName() {
            return format.label() + ":" + file.getFileName();
        }

        Read finish() {
            Benchmarks.Loaded own = benchmark != null ? null
                    : new Benchmarks.Loaded(ownName(), file.getFileName().toString(), Kind.MATH, List.copyOf(ownGold.values()),
                            Benchmarks.Origin.DATA_DIR, file.toAbsolutePath().getParent(), "reference answers from the file");
            return new Read(format, gens, own, theirMetric);
        }

        private String path(String ours, String dflt) {
            return fields.getOrDefault(ours, dflt);
        }

        private String mapped(String ours) {
            return fields.containsKey(ours) ? " (--field " + ours + "=" + fields.get(ours) + ")" : "";
        }
    }

    /** The benchmark's problems by id and by statement, whitespace-folded, for lines that name none. */
    private static final class Statements {
        private static final int MIN_CONTAINED = 16;
        private final Map<String, Problem> byId = new HashMap<>();
        private final Map<String, List<String>> byText = new HashMap<>();

        Statements(List<Problem> problems) {
            for (Problem p : problems) {
                byId.put(p.id(), p);
                byText.computeIfAbsent(fold(p.prompt()), k -> new ArrayList<>()).add(p.id());
            }
        }

        boolean has(String id) {
            return byId.containsKey(id);
        }

        Kind kind(String id) {
            return byId.get(id).kind();
        }

        /**
         * The problem whose statement one of {@code texts} is; else, text by text in the order given (the record's own query
         * before a full prompt that may carry few-shot examples), the one whose statement the text contains, a template
         * wrapping it. Statements nested in a longer contained one are that one's; two apart in one text (an example and the
         * question, say) are ambiguous, an error and never a guess.
         */
        String match(List<String> texts, String where) {
            for (String t : texts) {
                List<String> ids = byText.get(fold(t));
                if (ids != null) {
                    if (ids.size() > 1) {
                        throw new RunException(where + ": its statement is that of several problems (" + String.join(", ", ids)
                                + "); give --field problem_id=FIELD");
                    }
                    return ids.get(0);
                }
            }
            for (String t : texts) {
                String ft = fold(t);
                List<String> contained = new ArrayList<>();
                for (String s : byText.keySet()) {
                    if (s.length() >= MIN_CONTAINED && ft.contains(s)) {
                        contained.add(s);
                    }
                }
                contained.removeIf(s -> contained.stream().anyMatch(o -> o.length() > s.length() && o.contains(s)));
                Set<String> ids = new TreeSet<>();
                contained.forEach(s -> ids.addAll(byText.get(s)));
                if (ids.size() > 1) {
                    throw new RunException(where + ": its text holds the statements of several problems (" + String.join(", ", ids)
                            + "), few-shot examples perhaps; give --field problem_id=FIELD");
                }
                if (ids.size() == 1) {
                    return ids.iterator().next();
                }
            }
            return null;
        }

        private static String fold(String s) {
            return s.strip().replaceAll("\\s+", " ");
        }
    }

    private static JsonNode at(JsonNode n, String dotted) {
        JsonNode cur = n;
        for (String part : dotted.split("\\.")) {
            if (cur == null) {
                return null;
            }
            if (cur.isArray() && part.matches("\\d+")) {
                cur = cur.get(Integer.parseInt(part));
            } else if (cur.isObject()) {
                cur = cur.get(part);
            } else {
                return null;
            }
        }
        return cur;
    }

    private static String scalar(JsonNode n, String dotted) {
        JsonNode v = at(n, dotted);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        return v.asText();
    }

    /** Every string in a value, depth first: lm-eval nests responses one list per request. */
    private static List<String> strings(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                out.addAll(strings(e));
            }
        }
        return out;
    }

    private static void leaves(JsonNode v, List<String> out) {
        if (v == null) {
            return;
        }
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isContainerNode()) {
            v.elements().forEachRemaining(e -> leaves(e, out));
        }
    }
}
