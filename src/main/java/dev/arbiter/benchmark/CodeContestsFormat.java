package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SandboxFusion's CodeContests sample: statement in {@code content}, stdin/stdout tests as a JSON string. */
final class CodeContestsFormat implements Format {
    static final CodeContestsFormat INSTANCE = new CodeContestsFormat();

    private CodeContestsFormat() {}

    @Override
    public Parsed parse(Manifest manifest, Manifest.Source source, Map<Manifest.DataFile, Path> files, Selection selection) {
        var file = Format.only(files);
        List<Records.Row> rows = Records.jsonLines(file.getValue());
        List<Problem> problems = new ArrayList<>();
        for (Records.Row row : rows) {
            JsonNode labels = Records.parseObject(row.text("labels"), row.where() + " labels");
            JsonNode testList = Records.parse(row.text("test"), row.where() + " test");
            if (!testList.isArray()) {
                throw row.error("test is not a JSON list");
            }
            List<TestCase> tests = new ArrayList<>();
            for (JsonNode t : testList) {
                JsonNode in = t.path("input").path("stdin");
                JsonNode out = t.path("output").path("stdout");
                if (!in.isTextual() || !out.isTextual()) {
                    throw row.error("a test lacks input.stdin or output.stdout");
                }
                tests.add(new TestCase(in.asText(), out.asText(), TestCase.TestType.STDIN, TestCase.Visibility.UNMARKED));
            }
            Map<String, String> extra = new HashMap<>();
            extra.put("name", labels.path("name").asText("").strip());
            try {
                problems.add(new Problem(row.text("id"), manifest.name(), row.text("content"),
                        new CodeTests(tests, null, "", CodeTests.Coverage.PUBLIC_AND_PRIVATE),
                        new Metadata(null, null, labels.path("difficulty").asText(null), null,
                                labels.path("source").asText(null), extra)));
            } catch (IllegalArgumentException e) {
                throw row.error(e.getMessage());
            }
        }
        return new Parsed(problems, Map.of(file.getKey(), rows.size()));
    }
}
