package dev.arbiter.reward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Code tests as trainers' datasets write them, read into {@link CodeTests}:
 * <ul>
 *   <li>verl, PRIME and APPS: {@code {"inputs": [...], "outputs": [...], "fn_name": "f"}}; with a
 *       {@code fn_name}, a non-string input is the argument list and a non-string output the return
 *       value;</li>
 *   <li>LiveCodeBench: {@code [{"input": "...", "output": "...", "testtype": "stdin"}, ...]};</li>
 *   <li>either one as a JSON string (verl keeps {@code ground_truth} as a string).</li>
 * </ul>
 */
public final class TestsJson {
    private TestsJson() {}

    /** {@link #parse} for callers outside the reward service (SFT curation): a bad value is an IllegalArgumentException. */
    public static CodeTests read(JsonNode node, String field) {
        try {
            return parse(node, field);
        } catch (BadRequest e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Parses {@code node} or throws {@link BadRequest} naming {@code field}. */
    static CodeTests parse(JsonNode node, String field) {
        if (node.isTextual()) {
            try {
                node = Json.mapper().readTree(node.asText());
            } catch (JsonProcessingException e) {
                throw new BadRequest("'" + field + "' is a string but not JSON tests", field);
            }
            if (node == null) {
                throw new BadRequest("'" + field + "' is empty", field);
            }
        }
        String fnName = null;
        List<String[]> pairs = new ArrayList<>();
        if (node.isObject()) {
            JsonNode ins = node.path("inputs");
            JsonNode outs = node.path("outputs");
            if (!ins.isArray() || !outs.isArray()) {
                throw new BadRequest("'" + field + "' needs 'inputs' and 'outputs' lists", field);
            }
            if (ins.size() != outs.size()) {
                throw new BadRequest("'" + field + "' has " + ins.size() + " inputs but " + outs.size() + " outputs", field);
            }
            JsonNode fn = node.path("fn_name");
            if (fn.isTextual() && !fn.asText().isBlank()) {
                fnName = fn.asText();
            } else if (!fn.isMissingNode() && !fn.isNull() && !(fn.isTextual() && fn.asText().isBlank())) {
                throw new BadRequest("'" + field + ".fn_name' must be a string", field);
            }
            for (int i = 0; i < ins.size(); i++) {
                pairs.add(new String[] {input(ins.get(i), fnName != null, field), output(outs.get(i), fnName != null, field)});
            }
        } else if (node.isArray()) {
            String type = null;
            for (JsonNode t : node) {
                if (!t.isObject() || !t.path("input").isTextual() || !t.path("output").isTextual()) {
                    throw new BadRequest("each test in '" + field + "' needs string 'input' and 'output'", field);
                }
                String tt = t.path("testtype").asText("stdin");
                if (type != null && !type.equals(tt)) {
                    throw new BadRequest("'" + field + "' mixes stdin and functional tests", field);
                }
                type = tt;
                pairs.add(new String[] {t.get("input").asText(), t.get("output").asText()});
            }
            if ("functional".equals(type)) {
                throw new BadRequest("functional tests in list form need a function name; send {\"inputs\", \"outputs\", \"fn_name\"}", field);
            }
        } else {
            throw new BadRequest("'" + field + "' must be an object with inputs and outputs, or a list of tests", field);
        }
        if (pairs.isEmpty()) {
            throw new BadRequest("'" + field + "' holds no tests", field);
        }
        TestCase.TestType type = fnName == null ? TestCase.TestType.STDIN : TestCase.TestType.FUNCTIONAL;
        List<TestCase> tests = pairs.stream().map(p -> new TestCase(p[0], p[1], type, TestCase.Visibility.UNMARKED)).toList();
        return new CodeTests(tests, fnName, "", CodeTests.Coverage.PUBLIC_AND_PRIVATE);
    }

    private static String input(JsonNode v, boolean functional, String field) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (!functional) {
            throw new BadRequest("stdin inputs in '" + field + "' must be strings", field);
        }
        // LiveCodeBench's functional encoding: one JSON value per line, one line per argument.
        List<String> lines = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(a -> lines.add(Json.line(a)));
        } else {
            lines.add(Json.line(v));
        }
        return String.join("\n", lines);
    }

    private static String output(JsonNode v, boolean functional, String field) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (!functional) {
            throw new BadRequest("stdin outputs in '" + field + "' must be strings", field);
        }
        return Json.line(v);
    }

    /** Whether a label's text is tests written as JSON (an object with inputs, or a list of cases with input). */
    static boolean looksLikeTests(String label) {
        String t = label.strip();
        return (t.startsWith("{") && t.contains("\"inputs\"")) || (t.startsWith("[") && t.contains("\"input\""));
    }
}
