package dev.arbiter.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A published evaluation's settings, as `arbiter eval --preset NAME` applies them: each setting names the eval flag it
 * sets, its value and where the value was read. The presets are data (presets.json beside this class), so a setting's
 * source travels with it and a new one needs no code.
 *
 * @param published the id of the published numbers made under these settings (see the report's published.json), or null
 * @param sources   short names of the sources the settings cite, to their addresses (commit-pinned where the source is a repository)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Preset(String name, String title, String published, Map<String, String> sources, List<Setting> settings, List<String> notes) {
    public static final String RESOURCE = "presets.json";

    public Preset {
        sources = sources == null ? Map.of() : new LinkedHashMap<>(sources);
        settings = settings == null ? List.of() : List.copyOf(settings);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * One flag's value.
     *
     * @param benchmarks the benchmarks it applies to, or null for every benchmark another setting of the flag does not name
     * @param source     the key of {@link Preset#sources} it was read in
     * @param where      where in the source, quoted where it can be
     * @param deviation  what Arbiter does differently from the source here, or null
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Setting(String option, JsonNode value, List<String> benchmarks, String source, String where, String deviation) {
        public String flag() {
            return "--" + option;
        }

        /** The value as it is written on a command line (a list as its items, comma-separated). */
        public String shown() {
            return shown(value);
        }

        /** The value as the flag's type ({@code element} for each item when the flag takes a list). */
        public Object as(Class<?> type, Class<?> element) {
            var mapper = Json.mapper();
            var t = java.util.Collection.class.isAssignableFrom(type)
                    ? mapper.getTypeFactory().constructCollectionType(List.class, element) : mapper.getTypeFactory().constructType(type);
            JsonNode v = t.isCollectionLikeType() && !value.isArray() ? mapper.createArrayNode().add(value) : value;
            return mapper.convertValue(v, t);
        }

        static String shown(JsonNode v) {
            if (v == null || v.isNull()) {
                return "";
            }
            if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                v.forEach(x -> parts.add(shown(x)));
                return String.join(",", parts);
            }
            return v.isTextual() ? v.asText() : v.toString();
        }
    }

    /**
     * What became of one setting in a run: applied, or overridden by a flag the user gave ({@code by} says where: "the
     * command line" or "--config"), with the value that won.
     */
    public record Use(Setting setting, String by, String winning) {
        public boolean overridden() {
            return by != null;
        }
    }

    private record File(String about, List<Preset> presets) {}

    /** Every shipped preset, in the file's order. */
    public static List<Preset> all() {
        try (InputStream in = Preset.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return Json.mapper().readValue(in, new TypeReference<File>() {}).presets();
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
    }

    public static List<String> names() {
        return all().stream().map(Preset::name).toList();
    }

    /** @throws IllegalArgumentException naming the known presets when there is none of that name */
    public static Preset named(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown preset '" + name + "'; known: " + String.join(", ", names()) + " (`arbiter eval --preset list` shows them)"));
    }

    /** The presets, one block each: name, title, and each setting with its source. */
    public static String list() {
        StringBuilder sb = new StringBuilder();
        for (Preset p : all()) {
            sb.append(p.name()).append(": ").append(p.title()).append('\n');
            for (Setting s : p.settings()) {
                sb.append("  ").append(s.flag()).append(' ').append(quoted(s.shown()))
                        .append(s.benchmarks() == null ? "" : "  (for " + String.join(", ", s.benchmarks()) + ")").append('\n');
            }
            p.sources().forEach((k, url) -> sb.append("  source ").append(k).append(": ").append(url).append('\n'));
        }
        return sb.toString();
    }

    /**
     * The setting of each flag for a run of {@code benchmarks} (the catalogue names given with --benchmark), in the file's order.
     * A setting naming benchmarks applies when the run has one of them; a flag whose value would differ between the run's
     * benchmarks has no single value.
     *
     * @throws IllegalArgumentException when the run's benchmarks need different values of one flag (run them separately)
     */
    public List<Setting> resolve(List<String> benchmarks) {
        Map<String, List<Setting>> byFlag = new LinkedHashMap<>();
        settings.forEach(s -> byFlag.computeIfAbsent(s.option(), k -> new ArrayList<>()).add(s));
        List<Setting> out = new ArrayList<>();
        for (var e : byFlag.entrySet()) {
            Setting general = e.getValue().stream().filter(s -> s.benchmarks() == null).findFirst().orElse(null);
            Map<String, Setting> chosen = new LinkedHashMap<>(); // benchmark (or "" for a run of own files) -> setting
            if (benchmarks.isEmpty() && general != null) {
                chosen.put("", general);
            }
            for (String b : benchmarks) {
                Setting s = e.getValue().stream().filter(x -> x.benchmarks() != null && x.benchmarks().contains(b)).findFirst().orElse(general);
                if (s != null) {
                    chosen.put(b, s);
                }
            }
            List<Setting> distinct = chosen.values().stream().distinct().toList();
            if (distinct.size() > 1) {
                List<String> parts = new ArrayList<>();
                chosen.forEach((b, s) -> parts.add(s.flag() + " " + s.shown() + " for " + b));
                throw new IllegalArgumentException("preset " + name + " sets " + String.join(", ", parts) + "; run those benchmarks separately");
            }
            if (!distinct.isEmpty()) {
                out.add(distinct.getFirst());
            }
        }
        return out;
    }

    /** The address of a setting's source. */
    public String sourceOf(Setting s) {
        return Objects.requireNonNullElse(sources.get(s.source()), s.source());
    }

    /**
     * What the preset did to a run, for the dry run and the log: each flag with its value and source, then the flags the user
     * gave that won over the preset, then where Arbiter departs from the source.
     */
    public String describe(List<Use> uses) {
        StringBuilder sb = new StringBuilder("preset " + name + ": " + title + "\n");
        for (Use u : uses) {
            Setting s = u.setting();
            sb.append("  ").append(s.flag()).append(' ').append(quoted(u.overridden() ? u.winning() : s.shown()));
            if (u.overridden()) {
                sb.append("  (given by ").append(u.by()).append("; the preset's ").append(quoted(s.shown())).append(')');
            }
            sb.append("\n      from ").append(sourceOf(s)).append(": ").append(s.where()).append('\n');
        }
        List<Use> over = uses.stream().filter(Use::overridden).toList();
        if (!over.isEmpty()) {
            sb.append("  overridden: ").append(String.join(", ", over.stream().map(u -> u.setting().flag() + " " + quoted(u.winning())
                    + " (" + u.by() + ")").toList())).append('\n');
        }
        uses.stream().map(Use::setting).filter(s -> s.deviation() != null)
                .forEach(s -> sb.append("  differs from the source (").append(s.flag()).append("): ").append(s.deviation()).append('\n'));
        notes.forEach(n -> sb.append("  note: ").append(n).append('\n'));
        return sb.toString();
    }

    /**
     * A value as one shell word that reads back exactly: bare when it has only plain characters, in single quotes, or, when it
     * holds a newline or tab, in bash's $'...' form.
     */
    public static String quoted(String v) {
        if (v.matches("[A-Za-z0-9._:/,@+=-]+")) {
            return v;
        }
        if (v.indexOf('\n') < 0 && v.indexOf('\t') < 0) {
            return "'" + v.replace("'", "'\\''") + "'";
        }
        return "$'" + v.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
