package dev.arbiter.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Counts reasoning behaviours in a completion (backtracking, verification, exploring alternatives,
 * self-correction) by a lexicon of markers: per behaviour, a list of case-insensitive regular
 * expressions. A stretch of text counts once even if several markers of its behaviour match it.
 * The shipped lexicon is behaviour-lexicon.json beside this class; users bring their own in the same form.
 */
public final class Behaviours {
    private final Map<String, Pattern> lexicon;

    private Behaviours(Map<String, Pattern> lexicon) {
        this.lexicon = lexicon;
    }

    public static Behaviours shipped() {
        try (InputStream in = Behaviours.class.getResourceAsStream("behaviour-lexicon.json")) {
            return fromJson(Json.mapper().readTree(in), "the shipped lexicon");
        } catch (IOException e) {
            throw new IllegalStateException("the shipped behaviour lexicon cannot be read", e);
        }
    }

    /** A lexicon file: a JSON object of behaviour name to a list of regular expressions. */
    public static Behaviours load(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return fromJson(root, file.toString());
    }

    static Behaviours fromJson(JsonNode root, String where) {
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException(where + ": expected a JSON object of behaviour name to a list of regular expressions");
        }
        Map<String, Pattern> out = new LinkedHashMap<>();
        var fields = root.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new IllegalArgumentException(where + ": '" + e.getKey() + "' should be a non-empty list of regular expressions");
            }
            List<String> alts = new ArrayList<>();
            for (JsonNode r : e.getValue()) {
                try {
                    Pattern.compile(r.asText());
                } catch (PatternSyntaxException ex) {
                    throw new IllegalArgumentException(where + ": '" + e.getKey() + "' has a bad pattern " + r + ": " + ex.getDescription());
                }
                alts.add("(?:" + r.asText() + ")");
            }
            out.put(e.getKey(), Pattern.compile(String.join("|", alts), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
        return new Behaviours(out);
    }

    public List<String> names() {
        return List.copyOf(lexicon.keySet());
    }

    /** Each behaviour's marker count in the text, in lexicon order. */
    public Map<String, Integer> count(String text) {
        Map<String, Integer> out = new LinkedHashMap<>();
        lexicon.forEach((name, p) -> {
            Matcher m = p.matcher(text);
            int c = 0;
            while (m.find()) {
                c++;
            }
            out.put(name, c);
        });
        return out;
    }
}
