package dev.arbiter.benchmark;

import dev.arbiter.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/** Builds rows in the hub's code_generation_lite format, with archives encoded the way Python writes them. */
final class LcbFixtures {
    private LcbFixtures() {}

    /** pickle.dumps(str, protocol=4): PROTO 4, FRAME, (SHORT_)BINUNICODE, MEMOIZE, STOP. */
    static byte[] pickleString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (utf8.length < 256) {
            body.write(0x8c);
            body.write(utf8.length);
        } else {
            body.write('X');
            body.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
        }
        body.writeBytes(utf8);
        body.write(0x94);
        body.write('.');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80);
        out.write(4);
        out.write(0x95);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(body.size() - 1).array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static String base64Zlib(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** One official row; a null fnName makes it a stdin problem. Private tests are archived. */
    static String officialRow(String id, String date, String fnName) {
        String type = fnName == null ? "stdin" : "functional";
        List<Map<String, String>> pub = List.of(Map.of("input", "1 2\n", "output", "3\n", "testtype", type));
        List<Map<String, String>> priv = List.of(
                Map.of("input", "5 5\n", "output", "10\n", "testtype", type),
                Map.of("input", "x".repeat(300), "output", "big\n", "testtype", type));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("question_title", "Sum " + id);
        row.put("question_content", "Add two numbers (" + id + ").");
        row.put("platform", fnName == null ? "atcoder" : "leetcode");
        row.put("question_id", id);
        row.put("contest_id", "c" + id);
        row.put("contest_date", date);
        row.put("starter_code", fnName == null ? "" : "class Solution:\n    def " + fnName + "(self, a, b):\n        ");
        row.put("difficulty", "easy");
        row.put("public_test_cases", Json.line(pub));
        row.put("private_test_cases", base64Zlib(pickleString(Json.line(priv))));
        row.put("metadata", fnName == null ? "{}" : Json.line(Map.of("func_name", fnName)));
        return Json.line(row);
    }
}
