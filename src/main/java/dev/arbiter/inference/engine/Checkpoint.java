package dev.arbiter.inference.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model folder's safetensors weights: one model.safetensors, or shards listed by
 * model.safetensors.index.json. Names map to the shard header that holds them.
 */
public final class Checkpoint {
    private final Map<String, Safetensors.Header> byName = new HashMap<>();

    private Checkpoint() {}

    public static Checkpoint open(Path modelDir) {
        Checkpoint c = new Checkpoint();
        Path index = modelDir.resolve("model.safetensors.index.json");
        Path single = modelDir.resolve("model.safetensors");
        if (Files.isRegularFile(index)) {
            JsonNode map;
            try {
                map = Json.mapper().readTree(Files.readString(index)).path("weight_map");
            } catch (IOException e) {
                throw new ModelException(index + ": not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (!map.isObject() || map.isEmpty()) {
                throw new ModelException(index + ": has no weight_map");
            }
            Map<String, Safetensors.Header> shards = new HashMap<>();
            var fields = map.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                String shard = f.getValue().asText();
                Path p = modelDir.resolve(shard).normalize();
                if (!p.startsWith(modelDir.normalize()) || !Files.isRegularFile(p)) {
                    throw new ModelException(index + ": shard " + shard + " is missing");
                }
                Safetensors.Header h = shards.computeIfAbsent(shard, s -> Safetensors.header(p));
                if (!h.entries().containsKey(f.getKey())) {
                    throw new ModelException(shard + " does not hold " + f.getKey() + ", which the index places there");
                }
                c.byName.put(f.getKey(), h);
            }
        } else if (Files.isRegularFile(single)) {
            Safetensors.Header h = Safetensors.header(single);
            h.entries().keySet().forEach(n -> c.byName.put(n, h));
        } else {
            throw new ModelException(modelDir + " has no model.safetensors or model.safetensors.index.json");
        }
        return c;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    public Safetensors.Header header(String name) {
        Safetensors.Header h = byName.get(name);
        if (h == null) {
            throw new ModelException("the checkpoint has no tensor " + name);
        }
        return h;
    }

    public Safetensors.Entry entry(String name) {
        return header(name).entries().get(name);
    }
}
