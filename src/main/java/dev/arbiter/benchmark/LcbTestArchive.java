package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * LiveCodeBench's test-case encodings. Hidden tests ship as base64(zlib(pickle(...))): on the hub a
 * pickled JSON string holding a list of {input, output, testtype}; in SandboxFusion's copy a pickled
 * dict whose "input_output" is a JSON string {inputs, outputs, fn_name}.
 */
final class LcbTestArchive {
    /** Inflated size beyond which an archive is treated as hostile (the largest real ones are far smaller). */
    static final int MAX_INFLATED_BYTES = 1 << 30;

    private LcbTestArchive() {}

    /** Decodes the hub's private_test_cases field: plain JSON, or the compressed pickled form. */
    static JsonNode privateTests(String field, String where) {
        String trimmed = field.strip();
        if (trimmed.startsWith("[")) {
            return Records.parse(trimmed, where + " private_test_cases");
        }
        Object unpickled = unpickle(field, where);
        if (!(unpickled instanceof String json)) {
            throw new BenchmarkException(where + ": private_test_cases unpickles to " + describe(unpickled) + ", expected a JSON string");
        }
        JsonNode tests = Records.parse(json, where + " private_test_cases");
        if (!tests.isArray()) {
            throw new BenchmarkException(where + ": private_test_cases is not a JSON list");
        }
        return tests;
    }

    /** Decodes SandboxFusion's test field into LCB's evaluation sample {inputs, outputs, fn_name}. */
    static JsonNode evaluationSample(String field, String where) {
        Object unpickled = unpickle(field, where);
        if (!(unpickled instanceof Map<?, ?> map) || !(map.get("input_output") instanceof String json)) {
            throw new BenchmarkException(where + ": test archive holds " + describe(unpickled) + ", expected a dict with input_output");
        }
        JsonNode sample = Records.parseObject(json, where + " input_output");
        if (!sample.path("inputs").isArray() || !sample.path("outputs").isArray()
                || sample.get("inputs").size() != sample.get("outputs").size()) {
            throw new BenchmarkException(where + ": input_output needs equally long inputs and outputs lists");
        }
        return sample;
    }

    /** base64, then zlib, then the restricted unpickler. */
    static Object unpickle(String field, String where) {
        byte[] compressed;
        try {
            compressed = Base64.getMimeDecoder().decode(field.strip());
        } catch (IllegalArgumentException e) {
            throw new BenchmarkException(where + ": test archive is not base64 (" + e.getMessage() + ")");
        }
        byte[] pickled = inflate(compressed, where);
        try {
            return RestrictedUnpickler.load(pickled);
        } catch (IllegalArgumentException | BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new BenchmarkException(where + ": test archive is not a plain-data pickle (" + e.getMessage() + ")");
        }
    }

    private static byte[] inflate(byte[] compressed, String where) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
            byte[] buf = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new BenchmarkException(where + ": test archive's zlib stream is truncated");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw new BenchmarkException(where + ": test archive inflates past " + (MAX_INFLATED_BYTES >> 20) + " MiB");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new BenchmarkException(where + ": test archive is not zlib data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    /** Test objects {input, output, testtype} into test cases of one visibility. */
    static List<TestCase> testCases(JsonNode list, TestCase.Visibility visibility, String where) {
        List<TestCase> out = new ArrayList<>();
        for (JsonNode t : list) {
            if (!t.path("input").isTextual() || !t.path("output").isTextual()) {
                throw new BenchmarkException(where + ": a test lacks string input/output");
            }
            String type = t.path("testtype").asText("stdin");
            TestCase.TestType tt = switch (type) {
                case "stdin" -> TestCase.TestType.STDIN;
                case "functional" -> TestCase.TestType.FUNCTIONAL;
                default -> throw new BenchmarkException(where + ": unknown testtype '" + type + "'");
            };
            out.add(new TestCase(t.get("input").asText(), t.get("output").asText(), tt, visibility));
        }
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }
}
