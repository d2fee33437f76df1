package dev.arbiter.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a Helm chart, as {@code helm template} would, for a small subset of Helm's template language, and refuses
 * everything outside it: a check of the output can then never pass over a construct this class did not understand.
 * No helm binary can be installed here (neither Debian nor npm has one).
 *
 * <p>The subset, which docs/scale-out.md lists for chart authors:
 * <ul>
 *   <li>{@code {{ .Values.a.b }}}, {@code {{ .Release.Name }}}, {@code {{ .Release.Namespace }}}, {@code {{ .Chart.Name }}},
 *       {@code {{ .Chart.Version }}}, {@code {{ .Chart.AppVersion }}}; a value path that the values do not hold fails,
 *       where Helm would print nothing.</li>
 *   <li>pipelines into {@code quote}, {@code toYaml}, {@code nindent N}, {@code indent N}, {@code join "SEP"} and {@code not},
 *       each also callable with its arguments first ({@code join "," .Values.list}); string and integer literals as arguments.</li>
 *   <li>{@code {{ if PIPELINE }} … {{ else }} … {{ end }}}, with Go's truth: false, 0, null and empty strings, lists and maps are false.</li>
 *   <li>{@code {{/* comments *}{@code /}}}, and {@code {{-} / {@code -}}} trimming the white space before or after, as in Go.</li>
 * </ul>
 * Values are read as Helm reads them (YAML 1.1, numbers as floating point): a number prints as Go prints a float64, and one
 * Go would print in exponent form (a million or more) fails instead. {@code toYaml} writes YAML with sorted keys that reads
 * back to the same value as Helm's; the checks compare parsed objects, not text. Templates are the chart's
 * {@code templates/*.yaml}; any other file there (a {@code _helpers.tpl} of {@code define}s, NOTES.txt) fails.
 */
final class HelmSubset {
    /** A chart's rendered documents, each YAML text with the template it came from. */
    record Rendered(String template, String yaml) {}

    private final Path chart;
    private final Map<String, Object> chartMeta;
    private final Map<String, Object> defaults;

    HelmSubset(Path chart) {
        this.chart = chart;
        this.chartMeta = yamlMap(chart.resolve("Chart.yaml"));
        this.defaults = yamlMap(chart.resolve("values.yaml"));
    }

    Map<String, Object> chartYaml() {
        return chartMeta;
    }

    Map<String, Object> defaultValues() {
        return defaults;
    }

    /** Each template rendered with the chart's values merged with {@code overrides} (files in order, the last winning), as {@code helm template NAME CHART -f …}. */
    List<Rendered> render(String releaseName, String namespace, Path... overrides) {
        Map<String, Object> values = defaults;
        for (Path o : overrides) {
            values = merge(values, yamlMap(o));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("Values", values);
        root.put("Release", Map.of("Name", releaseName, "Namespace", namespace));
        root.put("Chart", Map.of("Name", chartMeta.get("name"), "Version", chartMeta.get("version"), "AppVersion", chartMeta.get("appVersion")));
        List<Rendered> out = new ArrayList<>();
        for (Path t : templates()) {
            String name = chart.relativize(t).toString();
            String text = renderText(read(t), root, name);
            for (String doc : text.split("(?m)^---[ \\t]*$")) {
                if (!doc.isBlank() && !doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                    out.add(new Rendered(name, doc));
                }
            }
        }
        return out;
    }

    private List<Path> templates() {
        try (Stream<Path> files = Files.list(chart.resolve("templates"))) {
            List<Path> all = files.sorted().toList();
            for (Path p : all) {
                if (!p.getFileName().toString().endsWith(".yaml") || !Files.isRegularFile(p)) {
                    throw new TemplateException(chart.relativize(p) + ": only templates/*.yaml files are in the subset");
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- templates --------------------------------------------------------------------------------------------

    /** A piece of a template: text, or an action between braces with its trim marks. */
    private record Piece(String text, String action, boolean trimLeft, boolean trimRight, int line) {}

    /** Renders one template text against {@code root} (.Values, .Release, .Chart); {@code name} is for messages. */
    static String renderText(String template, Map<String, Object> root, String name) {
        List<Piece> pieces = lex(template, name);
        StringBuilder out = new StringBuilder();
        int end = execute(pieces, 0, root, name, out, true, false);
        if (end != pieces.size()) {
            Piece p = pieces.get(end);
            throw new TemplateException(name + ":" + p.line + ": {{ " + p.action + " }} without an if");
        }
        return out.toString();
    }

    private static List<Piece> lex(String s, String name) {
        List<Piece> pieces = new ArrayList<>();
        int i = 0;
        int line = 1;
        while (i < s.length()) {
            int open = s.indexOf("{{", i);
            String text = s.substring(i, open < 0 ? s.length() : open);
            if (text.contains("}}")) {
                throw new TemplateException(name + ":" + (line + count(text.substring(0, text.indexOf("}}")))) + ": '}}' outside an action");
            }
            pieces.add(new Piece(text, null, false, false, line));
            line += count(text);
            if (open < 0) {
                break;
            }
            int close = s.indexOf("}}", open + 2);
            if (close < 0) {
                throw new TemplateException(name + ":" + line + ": unclosed {{");
            }
            String body = s.substring(open + 2, close);
            boolean trimLeft = body.startsWith("- ") || body.startsWith("-\n");
            boolean trimRight = body.endsWith(" -") || body.endsWith("\n-");
            if (!trimLeft && body.startsWith("-") || !trimRight && body.endsWith("-") && !body.endsWith(" -")) {
                throw new TemplateException(name + ":" + line + ": a trim mark must stand apart from the action: {{- x -}}");
            }
            body = body.substring(trimLeft ? 1 : 0, body.length() - (trimRight ? 1 : 0)).strip();
            pieces.add(new Piece(null, body, trimLeft, trimRight, line));
            line += count(s.substring(open, close));
            i = close + 2;
        }
        // Go trims all white space (space, tab, CR, LF) next to a trim mark, across lines
        for (int k = 0; k < pieces.size(); k++) {
            Piece p = pieces.get(k);
            if (p.action == null) {
                continue;
            }
            if (p.trimLeft && k > 0) {
                Piece t = pieces.get(k - 1);
                pieces.set(k - 1, new Piece(t.text.replaceAll("[ \\t\\r\\n]+$", ""), null, false, false, t.line));
            }
            if (p.trimRight && k + 1 < pieces.size()) {
                Piece t = pieces.get(k + 1);
                pieces.set(k + 1, new Piece(t.text.replaceAll("^[ \\t\\r\\n]+", ""), null, false, false, t.line));
            }
        }
        return pieces;
    }

    private static int count(String s) {
        return (int) s.chars().filter(c -> c == '\n').count();
    }

    /**
     * Runs the pieces from {@code from} until an {@code else} or {@code end} (returned, unconsumed) or the end, writing only
     * when {@code live}; a skipped branch is still parsed, so a construct outside the subset fails wherever it stands.
     */
    private static int execute(List<Piece> pieces, int from, Map<String, Object> root, String name, StringBuilder out, boolean live,
            boolean inIf) {
        int i = from;
        while (i < pieces.size()) {
            Piece p = pieces.get(i);
            if (p.action == null) {
                if (live) {
                    out.append(p.text);
                }
                i++;
                continue;
            }
            String a = p.action;
            String where = name + ":" + p.line;
            if (a.startsWith("/*")) {
                if (!a.endsWith("*/")) {
                    throw new TemplateException(where + ": a comment must fill its action: {{/* … */}}");
                }
                i++;
            } else if (a.equals("else") || a.equals("end")) {
                if (!inIf) {
                    throw new TemplateException(where + ": {{ " + a + " }} without an if");
                }
                return i;
            } else if (a.startsWith("if ")) {
                Object cond = live ? pipeline(a.substring(3), root, where) : null;
                if (!live) {
                    pipeline(a.substring(3), null, where);
                }
                boolean truth = live && truthy(cond);
                int j = execute(pieces, i + 1, root, name, out, truth, true);
                if (j < pieces.size() && pieces.get(j).action.equals("else")) {
                    j = execute(pieces, j + 1, root, name, out, live && !truth, true);
                    if (j < pieces.size() && pieces.get(j).action.equals("else")) {
                        throw new TemplateException(name + ":" + pieces.get(j).line + ": a second else");
                    }
                }
                if (j >= pieces.size()) {
                    throw new TemplateException(where + ": if without end");
                }
                i = j + 1;
            } else {
                Object v = live ? pipeline(a, root, where) : pipeline(a, null, where);
                if (live) {
                    out.append(print(v, where));
                }
                i++;
            }
        }
        return i;
    }

    // ---- pipelines --------------------------------------------------------------------------------------------

    private static final Map<String, Integer> ARITY = Map.of("quote", 1, "toYaml", 1, "nindent", 2, "indent", 2, "join", 2, "not", 1);

    /** Evaluates {@code term | f args | …}; with a null root only checks that every part is in the subset. */
    private static Object pipeline(String text, Map<String, Object> root, String where) {
        List<List<String>> commands = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String token : tokens(text, where)) {
            if (token.equals("|")) {
                commands.add(current);
                current = new ArrayList<>();
            } else {
                current.add(token);
            }
        }
        commands.add(current);
        Object value = null;
        boolean first = true;
        for (List<String> cmd : commands) {
            if (cmd.isEmpty()) {
                throw new TemplateException(where + ": an empty command in '" + text + "'");
            }
            String head = cmd.get(0);
            if (!ARITY.containsKey(head)) {
                if (!first || cmd.size() != 1) {
                    throw new TemplateException(where + ": '" + String.join(" ", cmd) + "' is outside the subset (functions: "
                            + new TreeMap<>(ARITY).keySet() + ")");
                }
                value = term(head, root, where);
            } else {
                if ((head.equals("indent") || head.equals("nindent")) && (cmd.size() < 2 || !cmd.get(1).matches("\\d{1,3}"))) {
                    // Helm hands values to functions as float64, which an int parameter refuses
                    throw new TemplateException(where + ": " + head + " takes an integer literal");
                }
                List<Object> args = new ArrayList<>();
                for (String t : cmd.subList(1, cmd.size())) {
                    args.add(term(t, root, where));
                }
                if (!first) {
                    args.add(value);
                }
                if (args.size() != ARITY.get(head)) {
                    throw new TemplateException(where + ": " + head + " takes " + ARITY.get(head) + " argument(s), got " + args.size());
                }
                value = root == null ? null : call(head, args, where);
            }
            first = false;
        }
        return value;
    }

    private static List<String> tokens(String text, String where) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != '"') {
                    if (text.charAt(j) == '\\') {
                        throw new TemplateException(where + ": escapes in string literals are outside the subset");
                    }
                    j++;
                }
                if (j >= text.length()) {
                    throw new TemplateException(where + ": unclosed string literal");
                }
                out.add(text.substring(i, j + 1));
                i = j + 1;
            } else if (c == '|') {
                out.add("|");
                i++;
            } else {
                int j = i;
                while (j < text.length() && !Character.isWhitespace(text.charAt(j)) && text.charAt(j) != '|') {
                    j++;
                }
                out.add(text.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    /** A path (.Values.a.b, .Release.Name, .Chart.Version), a "string" or an integer; anything else fails. */
    private static Object term(String t, Map<String, Object> root, String where) {
        if (t.startsWith("\"")) {
            return t.substring(1, t.length() - 1);
        }
        if (t.matches("-?\\d{1,9}")) {
            return Integer.valueOf(t);
        }
        if (!t.matches("(\\.[A-Za-z_][A-Za-z0-9_]*)+")) {
            throw new TemplateException(where + ": '" + t + "' is outside the subset (variables, parentheses, other literals and "
                    + "keywords such as range, with, include, define and template are not in it)");
        }
        String[] parts = t.substring(1).split("\\.");
        boolean builtIn = switch (parts[0]) {
            case "Values" -> true;
            case "Release" -> parts.length == 2 && (parts[1].equals("Name") || parts[1].equals("Namespace"));
            case "Chart" -> parts.length == 2 && (parts[1].equals("Name") || parts[1].equals("Version") || parts[1].equals("AppVersion"));
            default -> false;
        };
        if (!builtIn) {
            throw new TemplateException(where + ": '" + t + "' is outside the subset (.Values…, .Release.Name, .Release.Namespace, "
                    + ".Chart.Name, .Chart.Version, .Chart.AppVersion)");
        }
        if (root == null) {
            return null;
        }
        Object v = root;
        StringBuilder walked = new StringBuilder();
        for (String part : parts) {
            walked.append('.').append(part);
            if (!(v instanceof Map<?, ?> m) || !m.containsKey(part)) {
                throw new TemplateException(where + ": " + walked + " is not in the values");
            }
            v = m.get(part);
        }
        return v;
    }

    private static Object call(String f, List<Object> args, String where) {
        return switch (f) {
            case "quote" -> goQuote(print(args.get(0), where));
            case "not" -> !truthy(args.get(0));
            case "toYaml" -> toYaml(args.get(0), where);
            case "nindent" -> "\n" + indent(integer(args.get(0), where), print(args.get(1), where));
            case "indent" -> indent(integer(args.get(0), where), print(args.get(1), where));
            case "join" -> {
                if (!(args.get(1) instanceof List<?> list)) {
                    throw new TemplateException(where + ": join takes a list");
                }
                List<String> parts = new ArrayList<>();
                for (Object o : list) {
                    parts.add(print(o, where));
                }
                yield String.join(print(args.get(0), where), parts);
            }
            default -> throw new IllegalStateException(f);
        };
    }

    private static int integer(Object o, String where) {
        if (o instanceof Integer n) {
            return n;
        }
        throw new TemplateException(where + ": an indent must be an integer literal");
    }

    private static String indent(int n, String s) {
        String pad = " ".repeat(n);
        return pad + s.replace("\n", "\n" + pad);
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Number n -> n.doubleValue() != 0;
            case String s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** As Go's text/template prints a value that Helm read from YAML; lists and maps are not in the subset. */
    static String print(Object v, String where) {
        return switch (v) {
            case null -> throw new TemplateException(where + ": a null value prints as '<no value>' or nothing in Helm; give it a value");
            case String s -> s;
            case Boolean b -> b.toString();
            case Number n -> goFloat(n, where);
            default -> throw new TemplateException(where + ": printing a " + (v instanceof Map ? "map" : "list")
                    + " is outside the subset; pipe it to toYaml or join");
        };
    }

    /** A number as Go's %v prints a float64 (Helm reads every number in values as one), or a failure where Go would print 1e+06 and the like. */
    private static String goFloat(Number n, String where) {
        if (n instanceof Double x && !Double.isFinite(x)) {
            throw new TemplateException(where + ": Helm prints " + n + " as Go does (+Inf, NaN); quote it in the values");
        }
        BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (d.signum() != 0 && (exponent < -4 || exponent >= 6)) {
            throw new TemplateException(where + ": Helm prints " + n + " in exponent form (it reads numbers as float64); quote it in the values");
        }
        return d.toPlainString();
    }

    /** Go's %q of plain text: the subset's values are printable text, tabs and newlines. */
    private static String goQuote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || c > 0x7e) {
                        throw new TemplateException("quote: only printable ASCII, tabs and newlines are in the subset, not U+"
                                + String.format("%04X", (int) c));
                    }
                    b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** Block YAML with sorted keys and double-quoted strings, read back as the same value as Helm's toYaml output; no trailing newline, as Helm's. */
    static String toYaml(Object v, String where) {
        StringBuilder b = new StringBuilder();
        yaml(v, 0, b, where);
        return b.toString().stripTrailing();
    }

    private static void yaml(Object v, int depth, StringBuilder b, String where) {
        String pad = "  ".repeat(depth);
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            for (Map.Entry<String, Object> e : new TreeMap<>(stringKeys(m, where)).entrySet()) {
                b.append(pad).append(goQuote(e.getKey())).append(':');
                block(e.getValue(), depth, b, where);
            }
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            for (Object o : l) {
                b.append(pad).append('-');
                block(o, depth, b, where);
            }
        } else {
            b.append(pad).append(scalar(v, where)).append('\n');
        }
    }

    private static void block(Object v, int depth, StringBuilder b, String where) {
        if (v instanceof Map<?, ?> m && !m.isEmpty() || v instanceof List<?> l && !l.isEmpty()) {
            b.append('\n');
            yaml(v, depth + 1, b, where);
        } else {
            b.append(' ').append(scalar(v, where)).append('\n');
        }
    }

    private static String scalar(Object v, String where) {
        return switch (v) {
            case null -> "null";
            case String s -> goQuote(s);
            case Boolean x -> x.toString();
            case Double x when !Double.isFinite(x) -> throw new TemplateException(where + ": toYaml of " + x + " is outside the subset");
            case Number n -> new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
            case Map<?, ?> m -> "{}";
            case List<?> l -> "[]";
            default -> throw new TemplateException(where + ": toYaml of a " + v.getClass().getSimpleName() + " is outside the subset");
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeys(Map<?, ?> m, String where) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new TemplateException(where + ": a map key that is not a string (" + k + ")");
            }
        }
        return (Map<String, Object>) m;
    }

    // ---- values ------------------------------------------------------------------------------------------------

    /** Helm's coalescing of values: maps merge key by key, anything else is replaced, and a null removes the key. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> e : over.entrySet()) {
            Object old = out.get(e.getKey());
            if (e.getValue() == null) {
                out.remove(e.getKey());
            } else if (old instanceof Map<?, ?> a && e.getValue() instanceof Map<?, ?> b) {
                out.put(e.getKey(), merge(stringKeys(a, e.getKey()), stringKeys(b, e.getKey())));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** A YAML 1.1 mapping, as Helm reads Chart.yaml and values files; duplicate keys fail. */
    static Map<String, Object> yamlMap(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object o = new Yaml(new SafeConstructor(options)).load(read(file));
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new TemplateException(file + ": not a mapping");
        }
        return stringKeys(m, file.toString());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A template outside the subset, or one that cannot be rendered with the values given. */
    static final class TemplateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TemplateException(String message) {
            super(message);
        }
    }
}
