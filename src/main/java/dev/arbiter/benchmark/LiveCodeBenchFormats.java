package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** LiveCodeBench's data in the three shapes we read it in. */
final class LiveCodeBenchFormats {
    private LiveCodeBenchFormats() {}

    private static final Pattern DEF = Pattern.compile("def\\s+(\\w+)\\s*\\(");

    /** The manifest's default selection, with the request's fields laid over it. */
    record Window(LcbRelease release, LocalDate from, LocalDate to) {
        static Window of(Manifest manifest, Selection s) {
            JsonNode d = manifest.selection();
            String release = s.release() != null ? s.release() : text(d, "release", "release_latest");
            LocalDate from = s.from() != null ? s.from() : date(d, "from");
            LocalDate to = s.to() != null ? s.to() : date(d, "to");
            if (from != null && to != null && from.isAfter(to)) {
                throw new BenchmarkException("date window is empty: " + from + " is after " + to);
            }
            return new Window(LcbRelease.parse(release), from, to);
        }

        boolean contains(LocalDate date) {
            return (from == null || !date.isBefore(from)) && (to == null || !date.isAfter(to));
        }

        boolean within(LocalDate lo, LocalDate hi) {
            return from != null && to != null && !from.isBefore(lo) && !to.isAfter(hi);
        }

        @Override
        public String toString() {
            return release.tag() + " " + (from == null ? "…" : from) + ".." + (to == null ? "…" : to);
        }
    }

    /** The hub's code_generation_lite files: one JSON object per problem, public and private tests. */
    static final Format OFFICIAL = new Format() {
        @Override
        public List<Manifest.DataFile> required(Manifest manifest, Manifest.Source source, Selection selection) {
            Window w = Window.of(manifest, selection);
            return source.files().stream().filter(f -> w.release().includes(sliceOf(f))).toList();
        }

        @Override
        public boolean covers(Manifest manifest, Manifest.Source source, Selection selection) {
            Window.of(manifest, selection);
            return true;
        }

        @Override
        public Parsed parse(Manifest manifest, Manifest.Source source, Map<Manifest.DataFile, Path> files, Selection selection) {
            Window w = Window.of(manifest, selection);
            List<Problem> problems = new ArrayList<>();
            Map<Manifest.DataFile, Integer> counts = new LinkedHashMap<>();
            List<Map.Entry<Manifest.DataFile, Path>> ordered = new ArrayList<>(files.entrySet());
            ordered.sort(java.util.Comparator.comparingInt(e -> sliceOf(e.getKey())));
            for (var file : ordered) {
                List<Records.Row> rows = Records.jsonLines(file.getValue());
                counts.put(file.getKey(), rows.size());
                for (Records.Row row : rows) {
                    LocalDate date = contestDate(row);
                    if (w.contains(date)) {
                        problems.add(official(manifest, row, date));
                    }
                }
            }
            return new Parsed(problems, counts);
        }
    };

    private static Problem official(Manifest manifest, Records.Row row, LocalDate date) {
        JsonNode meta = Records.parse(row.text("metadata"), row.where() + " metadata");
        String fnName = meta.hasNonNull("func_name") ? meta.get("func_name").asText() : null;
        List<TestCase> tests = new ArrayList<>(LcbTestArchive.testCases(
                Records.parse(row.text("public_test_cases"), row.where() + " public_test_cases"), TestCase.Visibility.PUBLIC, row.where()));
        tests.addAll(LcbTestArchive.testCases(
                LcbTestArchive.privateTests(row.text("private_test_cases"), row.where()), TestCase.Visibility.PRIVATE, row.where()));
        String platform = row.optText("platform");
        Map<String, String> extra = new HashMap<>();
        put(extra, "platform", platform);
        put(extra, "contest_id", row.optText("contest_id"));
        put(extra, "title", row.optText("question_title"));
        try {
            return new Problem(row.text("question_id"), manifest.name(), row.text("question_content"),
                    new CodeTests(tests, fnName, row.optText("starter_code"), CodeTests.Coverage.PUBLIC_AND_PRIVATE),
                    new Metadata(null, null, row.optText("difficulty"), date, platform, extra));
        } catch (IllegalArgumentException e) {
            throw row.error(e.getMessage());
        }
    }

    /**
     * Qwen's QwQ list of a release_v5 window (ids, dates, templated prompts) joined by position with
     * rllm's file of the same problems' public tests. No hidden tests: every problem says PUBLIC_ONLY.
     */
    static final Format PUBLIC_WINDOW = new Format() {
        @Override
        public boolean covers(Manifest manifest, Manifest.Source source, Selection selection) {
            Window w = Window.of(manifest, selection);
            JsonNode c = source.covers();
            LcbRelease holds = LcbRelease.parse(c.path("release").asText());
            int upTo = holds.slices().length() - 1;
            return w.release().includesAllUpTo(upTo)
                    && w.within(LocalDate.parse(c.path("from").asText()), LocalDate.parse(c.path("to").asText()));
        }

        @Override
        public Parsed parse(Manifest manifest, Manifest.Source source, Map<Manifest.DataFile, Path> files, Selection selection) {
            Window w = Window.of(manifest, selection);
            var listFile = Format.role(files, "problems");
            var testFile = Format.role(files, "public_tests");
            List<Records.Row> list = Records.jsonLines(listFile.getValue());
            List<Records.Row> tests = Records.jsonArray(testFile.getValue());
            Map<Manifest.DataFile, Integer> counts = Map.of(listFile.getKey(), list.size(), testFile.getKey(), tests.size());
            if (list.size() != tests.size()) {
                // The count check names the file that is off; parse nothing misaligned.
                return new Parsed(List.of(), counts);
            }
            List<Problem> problems = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Records.Row head = list.get(i);
                Records.Row body = tests.get(i);
                String statement = body.text("problem");
                if (!head.text("prompt").contains(statement.strip())) {
                    throw body.error("problem text does not match line " + (i + 1) + " of " + listFile.getValue()
                            + " (the two files must be aligned by position)");
                }
                LocalDate date = contestDate(head);
                if (w.contains(date)) {
                    problems.add(publicWindow(manifest, head, body, statement, date));
                }
            }
            return new Parsed(problems, counts);
        }
    };

    private static Problem publicWindow(Manifest manifest, Records.Row head, Records.Row body, String statement, LocalDate date) {
        String starter = body.optText("starter_code");
        List<TestCase> tests = LcbTestArchive.testCases(body.required("tests"), TestCase.Visibility.PUBLIC, body.where());
        String fnName = null;
        if (!tests.isEmpty() && tests.get(0).type() == TestCase.TestType.FUNCTIONAL) {
            Matcher m = DEF.matcher(starter == null ? "" : starter);
            if (!m.find()) {
                throw body.error("functional tests but no function in starter_code");
            }
            fnName = m.group(1);
        }
        String qid = head.text("question_id");
        String platform = qid.matches("(abc|arc|agc|ahc)\\d+_\\w+") ? "atcoder" : qid.matches("\\d+") ? "leetcode" : "codeforces";
        Map<String, String> extra = new HashMap<>();
        put(extra, "platform", platform);
        put(extra, "contest_id", head.optText("contest_id"));
        put(extra, "global_id", head.optText("global_id"));
        try {
            return new Problem(qid, manifest.name(), statement,
                    new CodeTests(tests, fnName, starter, CodeTests.Coverage.PUBLIC_ONLY),
                    new Metadata(null, null, null, date, platform, extra));
        } catch (IllegalArgumentException e) {
            throw body.error(e.getMessage());
        }
    }

    /** SandboxFusion's sample file: the LCB prompt in {@code content}, all tests in a pickled archive. */
    static final Format SANDBOXFUSION = (manifest, source, files, selection) -> {
        var file = Format.only(files);
        List<Records.Row> rows = Records.jsonLines(file.getValue());
        List<Problem> problems = new ArrayList<>();
        for (Records.Row row : rows) {
            JsonNode labels = Records.parseObject(row.text("labels"), row.where() + " labels");
            JsonNode sample = LcbTestArchive.evaluationSample(row.text("test"), row.where());
            String fnName = sample.hasNonNull("fn_name") ? sample.get("fn_name").asText() : null;
            TestCase.TestType type = fnName == null ? TestCase.TestType.STDIN : TestCase.TestType.FUNCTIONAL;
            List<TestCase> tests = new ArrayList<>();
            for (int i = 0; i < sample.get("inputs").size(); i++) {
                tests.add(new TestCase(sample.get("inputs").get(i).asText(), sample.get("outputs").get(i).asText(), type,
                        TestCase.Visibility.UNMARKED));
            }
            String content = row.text("content");
            String platform = labels.path("category").asText(null);
            Map<String, String> extra = new HashMap<>();
            put(extra, "platform", platform);
            put(extra, "sandboxfusion_id", row.optText("id"));
            try {
                problems.add(new Problem(labels.path("task_id").asText(row.text("id")), manifest.name(), between(content, "### Question:\n", "\n### Format:"),
                        new CodeTests(tests, fnName, fnName == null ? "" : fencedCode(content), CodeTests.Coverage.PUBLIC_AND_PRIVATE),
                        new Metadata(null, null, labels.path("difficulty").asText(null), null, platform, extra)));
            } catch (IllegalArgumentException e) {
                throw row.error(e.getMessage());
            }
        }
        return new Format.Parsed(problems, Map.of(file.getKey(), rows.size()));
    };

    private static int sliceOf(Manifest.DataFile f) {
        String role = f.role() == null ? "" : f.role();
        if (!role.matches("v\\d+")) {
            throw new IllegalStateException("LiveCodeBench file " + f.path() + " needs a role v1..v6");
        }
        return Integer.parseInt(role.substring(1));
    }

    private static LocalDate contestDate(Records.Row row) {
        String raw = row.text("contest_date");
        try {
            return LocalDate.parse(raw.length() >= 10 ? raw.substring(0, 10) : raw);
        } catch (DateTimeParseException e) {
            throw row.error("contest_date '" + raw + "' is not an ISO date");
        }
    }

    private static String between(String text, String start, String end) {
        int a = text.indexOf(start);
        if (a < 0) {
            return text.strip();
        }
        a += start.length();
        int b = text.indexOf(end, a);
        return (b < 0 ? text.substring(a) : text.substring(a, b)).strip();
    }

    private static String fencedCode(String content) {
        Matcher m = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL).matcher(content);
        return m.find() ? m.group(1) : "";
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : fallback;
    }

    private static LocalDate date(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? LocalDate.parse(node.get(field).asText()) : null;
    }
}
