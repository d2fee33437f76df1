package dev.arbiter.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading source files into JSON records, with errors that name the file and line. */
final class Records {
    private Records() {}

    /** A parsed record and where it came from, for error messages. */
    record Row(JsonNode node, String where, int index) {
        String text(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new BenchmarkException(where + ": field '" + field + "' is missing");
            }
            if (v.isContainerNode()) {
                throw new BenchmarkException(where + ": field '" + field + "' should be a string, found " + v.getNodeType());
            }
            return v.isNumber() ? numberText(v) : v.asText();
        }

        String optText(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() || v.isContainerNode() ? null : (v.isNumber() ? numberText(v) : v.asText());
        }

        JsonNode required(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                throw new BenchmarkException(where + ": field '" + field + "' is missing");
            }
            return v;
        }

        BenchmarkException error(String message) {
            return new BenchmarkException(where + ": " + message);
        }
    }

    /** JSON Lines: one object per non-blank line. */
    static List<Row> jsonLines(Path file) {
        String content = utf8(file);
        List<Row> rows = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start <= content.length()) {
            int end = content.indexOf('\n', start);
            if (end < 0) {
                end = content.length();
            }
            lineNo++;
            String line = content.substring(start, end).strip();
            if (!line.isEmpty()) {
                String where = file + ":" + lineNo;
                rows.add(new Row(parseObject(line, where), where, rows.size()));
            }
            start = end + 1;
        }
        return rows;
    }

    /** A table file by its extension: JSON Lines (.jsonl), CSV (.csv) or Parquet (.parquet). */
    static List<Row> table(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".csv")) {
            return csv(file);
        }
        if (name.endsWith(".parquet")) {
            List<Row> rows = new ArrayList<>();
            for (JsonNode n : ParquetRows.read(file)) {
                rows.add(new Row(n, file + " [row " + (rows.size() + 1) + "]", rows.size()));
            }
            return rows;
        }
        return jsonLines(file);
    }

    /** A JSON file holding one array of objects. */
    static List<Row> jsonArray(Path file) {
        JsonNode root = parse(utf8(file), file.toString());
        if (!root.isArray()) {
            throw new BenchmarkException(file + ": expected a JSON array, found " + root.getNodeType());
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode n : root) {
            String where = file + " [item " + rows.size() + "]";
            if (!n.isObject()) {
                throw new BenchmarkException(where + ": expected an object, found " + n.getNodeType());
            }
            rows.add(new Row(n, where, rows.size()));
        }
        return rows;
    }

    /**
     * CSV with a header line (RFC 4180: quoted fields may hold commas, quotes and newlines), each
     * row as an object of the header's names to text.
     */
    static List<Row> csv(Path file) {
        String content = utf8(file);
        com.fasterxml.jackson.dataformat.csv.CsvMapper mapper = new com.fasterxml.jackson.dataformat.csv.CsvMapper();
        com.fasterxml.jackson.dataformat.csv.CsvSchema schema = com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema()
                .withHeader().withStrictHeaders(false);
        List<Row> rows = new ArrayList<>();
        try (com.fasterxml.jackson.databind.MappingIterator<java.util.Map<String, String>> it = mapper
                .readerForMapOf(String.class).with(schema).readValues(content)) {
            while (it.hasNextValue()) {
                long line = it.getCurrentLocation() == null ? -1 : it.getCurrentLocation().getLineNr();
                java.util.Map<String, String> values = it.nextValue();
                com.fasterxml.jackson.databind.node.ObjectNode node = Json.mapper().createObjectNode();
                values.forEach(node::put);
                rows.add(new Row(node, file + " [row " + (rows.size() + 1) + (line > 0 ? ", near line " + line : "") + "]", rows.size()));
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BenchmarkException(file + ": not valid CSV after " + rows.size() + " rows ("
                    + (why == null ? e.getClass().getSimpleName() : why.lines().findFirst().orElse("")) + ")");
        }
        return rows;
    }

    static JsonNode parseObject(String text, String where) {
        JsonNode n = parse(text, where);
        if (!n.isObject()) {
            throw new BenchmarkException(where + ": expected a JSON object, found " + n.getNodeType());
        }
        return n;
    }

    static JsonNode parse(String text, String where) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
            throw new BenchmarkException(where + ": not valid JSON (" + why + ")");
        }
    }

    static String utf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BenchmarkException(file + ": file not found");
        } catch (IOException e) {
            throw new BenchmarkException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BenchmarkException(file + ": not valid UTF-8");
        }
    }

    /** 27.0 becomes "27"; 0.50 becomes "0.5": answers stored as floats should read as written. */
    static String numberText(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        BigDecimal d = v.decimalValue().stripTrailingZeros();
        return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
}
