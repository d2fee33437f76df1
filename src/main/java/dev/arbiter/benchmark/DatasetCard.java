package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The configs a dataset's card declares in its README's YAML front matter, which the hub reads before
 * any file-name convention:
 *
 * <pre>
 * configs:
 * - config_name: main
 *   default: true
 *   data_files:
 *   - split: test
 *     path: main/test-*.parquet
 * </pre>
 *
 * {@code data_files} may also be one pattern or a list of them (the train split), or a map from split
 * to patterns; {@code data_dir} alone places the files under it by the conventions.
 */
final class DatasetCard {
    private DatasetCard() {}

    /** Each config's splits and files, and the config marked default (or null). */
    record Configs(Map<String, Map<String, List<HfDatasets.Placed>>> layout, String defaultConfig) {}

    /** The configs the card declares, or null when it declares none. */
    static Configs configs(Path readme, HfDatasets.Listing listing, String where) {
        JsonNode front = frontMatter(Records.utf8(readme), where);
        JsonNode configs = front == null ? null : front.get("configs");
        if (configs == null || !configs.isArray() || configs.isEmpty()) {
            return null;
        }
        Map<String, Map<String, List<HfDatasets.Placed>>> layout = new TreeMap<>();
        String defaultConfig = null;
        for (JsonNode c : configs) {
            String name = c.path("config_name").asText("default");
            if (c.path("default").asBoolean(false)) {
                defaultConfig = name;
            }
            Map<String, List<String>> patterns = patterns(c.get("data_files"), where, name);
            Map<String, List<HfDatasets.Placed>> splits = new TreeMap<>();
            if (patterns.isEmpty() && c.path("data_dir").isTextual()) {
                String dir = c.get("data_dir").asText().replaceAll("^\\./|/+$", "") + "/";
                List<HfDatasets.HubFile> under = listing.files().stream().filter(f -> f.path().startsWith(dir))
                        .map(f -> new HfDatasets.HubFile(f.path().substring(dir.length()), f.size(), f.sha256(), f.blobId())).toList();
                HfDatasets.layout(new HfDatasets.Listing(listing.commit(), under)).values().forEach(bySplit -> bySplit.forEach((split, files) -> {
                    for (HfDatasets.Placed p : files) {
                        HfDatasets.HubFile original = listing.files().stream().filter(f -> f.path().equals(dir + p.file().path())).findFirst().orElseThrow();
                        splits.computeIfAbsent(split, k -> new ArrayList<>()).add(new HfDatasets.Placed(name, split, p.format(), original));
                    }
                }));
            }
            patterns.forEach((split, globs) -> {
                List<Pattern> res = globs.stream().map(DatasetCard::glob).toList();
                for (HfDatasets.HubFile f : listing.files()) {
                    String format = HfDatasets.format(f.path());
                    if (format != null && res.stream().anyMatch(r -> r.matcher(f.path()).matches())) {
                        splits.computeIfAbsent(split, k -> new ArrayList<>()).add(new HfDatasets.Placed(name, split, format, f));
                    }
                }
            });
            if (!splits.isEmpty()) {
                layout.put(name, splits);
            }
        }
        return new Configs(layout, defaultConfig);
    }

    /** The YAML between a leading {@code ---} line and the next one, or null when there is none. */
    private static JsonNode frontMatter(String text, String where) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> lines = t.lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
            return null;
        }
        int end = -1;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("---")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return null;
        }
        try {
            return new YAMLMapper().readTree(String.join("\n", lines.subList(1, end)));
        } catch (IOException e) {
            throw new BenchmarkException(where + ": README.md's front matter is not valid YAML ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** data_files as split to patterns: a pattern or a list of them is the train split. */
    private static Map<String, List<String>> patterns(JsonNode dataFiles, String where, String config) {
        Map<String, List<String>> out = new TreeMap<>();
        if (dataFiles == null || dataFiles.isNull()) {
            return out;
        }
        if (dataFiles.isTextual()) {
            out.put("train", List.of(dataFiles.asText()));
        } else if (dataFiles.isArray()) {
            for (JsonNode e : dataFiles) {
                if (e.isTextual()) {
                    out.computeIfAbsent("train", k -> new ArrayList<>()).add(e.asText());
                } else if (e.isObject()) {
                    out.computeIfAbsent(e.path("split").asText("train"), k -> new ArrayList<>()).addAll(strings(e.get("path"), where, config));
                }
            }
        } else if (dataFiles.isObject()) {
            dataFiles.fields().forEachRemaining(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(strings(e.getValue(), where, config)));
        } else {
            throw new BenchmarkException(where + ": README.md's config " + config + " has data_files of an unknown shape");
        }
        return out;
    }

    private static List<String> strings(JsonNode n, String where, String config) {
        if (n != null && n.isTextual()) {
            return List.of(n.asText());
        }
        if (n != null && n.isArray()) {
            List<String> out = new ArrayList<>();
            n.forEach(x -> out.add(x.asText()));
            return out;
        }
        throw new BenchmarkException(where + ": README.md's config " + config + " has a data_files entry without a path");
    }

    /** A data_files pattern as a regex over repo paths: {@code *} within a folder, {@code **} across folders. */
    static Pattern glob(String glob) {
        String g = glob.startsWith("./") ? glob.substring(2) : glob;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                boolean slash = i + 2 < g.length() && g.charAt(i + 2) == '/';
                re.append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if ("\\.[]{}()+-^$|".indexOf(c) >= 0) {
                re.append('\\').append(c);
            } else {
                re.append(c);
            }
        }
        return Pattern.compile(re.toString());
    }
}
