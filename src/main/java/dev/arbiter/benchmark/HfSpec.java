package dev.arbiter.benchmark;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face dataset named as a benchmark: {@code hf:ORG/NAME[@REVISION][:CONFIG][/SPLIT]},
 * optionally followed by {@code ?ours=theirs&...&kind=math|code|choice}, the field mapping and kind that
 * {@code --field} and {@code --kind} give. A run records the canonical form (the revision resolved to a
 * commit, the config and split chosen, the mapping), so the same name reads the same problems again.
 *
 * @param revision a branch, tag or commit; null for {@code main}
 * @param config null for the only or the {@code default} config
 * @param split null for {@code test} if present, else the only split
 * @param fields our field name to the dataset's column (a dotted path for nested ones)
 * @param kind null when not given
 */
public record HfSpec(String repo, String revision, String config, String split, Map<String, String> fields, UserKind kind) {
    public static final String PREFIX = "hf:";
    static final String GRAMMAR = "hf:ORG/NAME[@REVISION][:CONFIG][/SPLIT]";

    private static final String PART = "[A-Za-z0-9][A-Za-z0-9._-]*";
    /** A revision is one path segment, or a hub ref such as refs/convert/parquet. */
    private static final Pattern SPEC = Pattern.compile(
            "(" + PART + "/" + PART + ")(?:@(refs/[^/:@?]+/[^/:@?]+|[^/:@?]+))?(?::([^/:@?]+))?(?:/([^/:@?]+))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    public HfSpec {
        fields = Map.copyOf(fields);
    }

    public static boolean names(String name) {
        return name.startsWith(PREFIX);
    }

    /** @throws BenchmarkException with the grammar and what is wrong, in one line */
    public static HfSpec parse(String name) {
        if (!names(name)) {
            throw new BenchmarkException("'" + name + "' is not a Hugging Face dataset name; expected " + GRAMMAR);
        }
        String body = name.substring(PREFIX.length());
        String query = null;
        int q = body.indexOf('?');
        if (q >= 0) {
            query = body.substring(q + 1);
            body = body.substring(0, q);
        }
        Matcher m = SPEC.matcher(body);
        if (!m.matches()) {
            throw new BenchmarkException("bad dataset name '" + name + "': expected " + GRAMMAR + why(body));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        UserKind kind = null;
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new BenchmarkException("bad dataset name '" + name + "': '" + pair + "' after '?' should look like ours=theirs or kind=math");
                }
                String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (k.equals("kind")) {
                    kind = kindOf(v, name);
                } else {
                    fields.put(k, v);
                }
            }
        }
        return new HfSpec(m.group(1), m.group(2), m.group(3), m.group(4), fields, kind);
    }

    private static UserKind kindOf(String v, String name) {
        for (UserKind k : UserKind.values()) {
            if (k.label().equals(v.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new BenchmarkException("bad dataset name '" + name + "': unknown kind '" + v + "'");
    }

    /** The likeliest mistake, for the error message. */
    private static String why(String body) {
        if (!body.contains("/")) {
            return ", got no ORG/ (e.g. hf:openai/gsm8k)";
        }
        if (body.contains("@:") || body.endsWith("@") || body.contains("@/")) {
            return ", got an empty revision";
        }
        if (body.contains("::") || body.endsWith(":") || body.contains(":/")) {
            return ", got an empty config";
        }
        if (body.endsWith("/")) {
            return ", got an empty split";
        }
        return "";
    }

    public String revisionOrMain() {
        return revision == null ? "main" : revision;
    }

    /** Whether the revision names a commit, which never moves. */
    boolean pinned() {
        return revision != null && COMMIT.matcher(revision).matches();
    }

    /** The same dataset at {@code commit}, with the config and split chosen there and the mapping in effect. */
    HfSpec resolved(String commit, String config, String split, Map<String, String> fields, UserKind kind) {
        return new HfSpec(repo, commit, config, split, fields, kind);
    }

    /** As a name: the mapping sorted, the kind last, math (the default) left out. */
    public String name() {
        StringBuilder sb = new StringBuilder(PREFIX).append(repo);
        if (revision != null) {
            sb.append('@').append(revision);
        }
        if (config != null) {
            sb.append(':').append(config);
        }
        if (split != null) {
            sb.append('/').append(split);
        }
        StringBuilder query = new StringBuilder();
        new TreeMap<>(fields).forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        if (kind != null && kind != UserKind.MATH) {
            query.append(query.isEmpty() ? "" : "&").append("kind=").append(kind.label());
        }
        return query.isEmpty() ? sb.toString() : sb.append('?').append(query).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%2F", "/").replace("%2E", ".");
    }

    @Override
    public String toString() {
        return name();
    }
}
