package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's own JSONL file, read through a field mapping from our names (id, prompt, answer,
 * solution, tests, fn_name, starter_code, subject, level, difficulty, contest_date) to theirs. A
 * mapped name may be a dotted path into nested objects.
 */
public final class UserJsonl {
    public static final Set<String> FIELDS = Set.of(
            "id", "prompt", "answer", "solution", "tests", "fn_name", "starter_code", "subject", "level", "difficulty", "contest_date",
            "choices");

    private UserJsonl() {}

    /**
     * Our field name to the user's field path; unmapped fields are looked up under our own name.
     * {@code choice}: each row is multiple choice (prompt, choices, answer), graded as math.
     */
    public record Mapping(Kind kind, Map<String, String> fields, boolean choice) {
        public Mapping(Kind kind, Map<String, String> fields) {
            this(kind, fields, false);
        }

        /** The mapping for data of a user-level kind (math, code or choice). */
        public static Mapping of(UserKind kind, Map<String, String> fields) {
            return new Mapping(kind.kind(), fields, kind == UserKind.CHOICE);
        }

        public Mapping {
            java.util.Objects.requireNonNull(kind, "kind");
            if (choice && kind != Kind.MATH) {
                throw new IllegalArgumentException("multiple choice is graded as math, not " + kind.label());
            }
            fields = Map.copyOf(fields);
            for (String k : fields.keySet()) {
                if (!FIELDS.contains(k)) {
                    throw new BenchmarkException("unknown field '" + k + "' in mapping; known: " + String.join(", ", new java.util.TreeSet<>(FIELDS)));
                }
            }
        }

        String path(String field) {
            return fields.getOrDefault(field, field);
        }
    }

    static List<Problem> load(Path file, String benchmark, Mapping mapping) {
        List<Records.Row> rows = Records.jsonLines(file);
        if (rows.isEmpty()) {
            throw new BenchmarkException(file + ": holds no records");
        }
        return problems(rows, benchmark, mapping);
    }

    /** Problems from rows of any source (JSON Lines, Parquet) through the mapping; ids must be unique. */
    static List<Problem> problems(List<Records.Row> rows, String benchmark, Mapping mapping) {
        List<Problem> problems = new ArrayList<>(rows.size());
        Set<String> ids = new HashSet<>();
        for (Records.Row row : rows) {
            Problem p = problem(row, benchmark, mapping);
            if (!ids.add(p.id())) {
                throw row.error("duplicate id '" + p.id() + "'");
            }
            problems.add(p);
        }
        return problems;
    }

    private static Problem problem(Records.Row row, String benchmark, Mapping m) {
        String id = text(row, m, "id", false);
        if (id == null) {
            id = String.valueOf(row.index());
        }
        String prompt = text(row, m, "prompt", true);
        Gold gold;
        try {
            MultipleChoice.Question q = m.choice() ? choiceQuestion(row, m, prompt) : null;
            prompt = q == null ? prompt : q.prompt();
            gold = q != null ? q.gold() : switch (m.kind()) {
                case MATH -> new MathAnswer(text(row, m, "answer", true), text(row, m, "solution", false));
                case CODE -> codeTests(row, m);
            };
        } catch (IllegalArgumentException e) {
            throw row.error(e.getMessage());
        }
        Integer level = null;
        String levelText = text(row, m, "level", false);
        if (levelText != null) {
            try {
                level = Integer.valueOf(levelText.strip());
            } catch (NumberFormatException e) {
                throw row.error("level '" + levelText + "' is not an integer");
            }
        }
        LocalDate date = null;
        String dateText = text(row, m, "contest_date", false);
        if (dateText != null) {
            try {
                date = LocalDate.parse(dateText.length() >= 10 ? dateText.substring(0, 10) : dateText);
            } catch (DateTimeParseException e) {
                throw row.error("contest_date '" + dateText + "' is not an ISO date");
            }
        }
        try {
            return new Problem(id, benchmark, prompt, gold,
                    new Metadata(text(row, m, "subject", false), level, text(row, m, "difficulty", false), date, null, Map.of()));
        } catch (IllegalArgumentException e) {
            throw row.error(e.getMessage());
        }
    }

    /**
     * A multiple-choice row: {@code choices} a list of option texts, {@code answer} the right one's
     * letter or text, or as a JSON integer its 0-based position (MMLU's layout). The options keep the user's order (their order may mean something, as in
     * "all of the above"), lettered A, B, C, ... under the prompt.
     */
    private static MultipleChoice.Question choiceQuestion(Records.Row row, Mapping m, String prompt) {
        String path = m.path("choices");
        JsonNode list = node(row, path);
        if (list == null || !list.isArray()) {
            throw row.error("field '" + path + "' (mapped to choices) should be a list of option texts");
        }
        List<String> options = new ArrayList<>();
        for (JsonNode o : list) {
            if (o.isContainerNode() || o.isNull()) {
                throw row.error("field '" + path + "' should hold strings or numbers, found " + o.getNodeType());
            }
            options.add(o.isNumber() ? Records.numberText(o) : o.asText());
        }
        if (options.size() < 2 || options.size() > MultipleChoice.MAX_OPTIONS) {
            throw row.error("field '" + path + "' holds " + options.size() + " options; multiple choice needs 2 to " + MultipleChoice.MAX_OPTIONS);
        }
        String answer = text(row, m, "answer", true);
        JsonNode raw = node(row, m.path("answer"));
        int right = raw.isIntegralNumber() ? MultipleChoice.positionAnswer(raw.asInt(), options) : MultipleChoice.answerIndex(answer, options);
        return MultipleChoice.lettered(prompt, options, right);
    }

    private static CodeTests codeTests(Records.Row row, Mapping m) {
        JsonNode tests = node(row, m.path("tests"));
        if (tests == null || !tests.isArray()) {
            throw row.error("field '" + m.path("tests") + "' should be a list of {input, output} objects");
        }
        String fnName = text(row, m, "fn_name", false);
        TestCase.TestType type = fnName == null ? TestCase.TestType.STDIN : TestCase.TestType.FUNCTIONAL;
        List<TestCase> cases = new ArrayList<>();
        for (JsonNode t : tests) {
            if (!t.path("input").isTextual() || !t.path("output").isTextual()) {
                throw row.error("each test needs string fields input and output");
            }
            cases.add(new TestCase(t.get("input").asText(), t.get("output").asText(), type, TestCase.Visibility.UNMARKED));
        }
        return new CodeTests(cases, fnName, text(row, m, "starter_code", false), CodeTests.Coverage.PUBLIC_AND_PRIVATE);
    }

    private static String text(Records.Row row, Mapping m, String field, boolean required) {
        String path = m.path(field);
        JsonNode v = node(row, path);
        if (v == null || v.isNull()) {
            if (required) {
                throw row.error("field '" + path + "' (mapped to " + field + ") is missing");
            }
            return null;
        }
        if (v.isContainerNode()) {
            throw row.error("field '" + path + "' (mapped to " + field + ") should be a string or number, found " + v.getNodeType());
        }
        return v.isNumber() ? Records.numberText(v) : v.asText();
    }

    private static JsonNode node(Records.Row row, String path) {
        JsonNode cur = row.node();
        for (String part : path.split("\\.")) {
            if (cur == null || !cur.isObject()) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur;
    }

    /** Parses {@code ours=theirs} pairs as given on the command line. */
    public static Map<String, String> parsePairs(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new BenchmarkException("field mapping '" + p + "' should look like ours=theirs, e.g. prompt=question");
            }
            out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return out;
    }
}
