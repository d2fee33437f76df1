package dev.arbiter.run;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML file of a command's options by their long names ({@code n: 16}, {@code top_p: 0.95}); the command
 * sets each one its own command line did not give. Every failure is a {@link RunException} naming the file.
 */
public record ConfigFile(Path file, Map<String, JsonNode> values) {
    /** @throws RunException when the file is not YAML or not a mapping */
    public static ConfigFile read(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(InputFiles.read(file));
        } catch (IOException e) {
            throw new RunException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new RunException(file + ": expected a mapping of option names to values");
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
        return new ConfigFile(file, values);
    }

    /** The flag a key names: the printed config's snake_case keys name the same options as the kebab-case flags. */
    public static String flag(String key) {
        return "--" + key.replace('_', '-');
    }

    /** The error for a key that names no option of {@code command}. */
    public RunException unknown(String key, String command) {
        return new RunException(file + ": unknown option '" + key + "' (see `arbiter " + command + " --help`)");
    }

    /**
     * The key's value as {@code type}, or as a list of {@code element} when {@code type} is a collection (a lone
     * value then becomes a list of one).
     *
     * @throws RunException naming the key, the type wanted and the value found
     */
    public Object value(String key, Class<?> type, Class<?> element) {
        ObjectMapper mapper = Json.mapper();
        JavaType t = Collection.class.isAssignableFrom(type)
                ? mapper.getTypeFactory().constructCollectionType(List.class, element)
                : mapper.getTypeFactory().constructType(type);
        JsonNode value = values.get(key);
        if (t.isCollectionLikeType() && !value.isArray()) {
            value = mapper.createArrayNode().add(value);
        }
        try {
            return mapper.convertValue(value, t);
        } catch (IllegalArgumentException ex) {
            throw new RunException(file + ": '" + key + "' should be " + t.getRawClass().getSimpleName().toLowerCase()
                    + (t.isCollectionLikeType() ? " of " + element.getSimpleName() : "") + ", got " + value);
        }
    }
}
