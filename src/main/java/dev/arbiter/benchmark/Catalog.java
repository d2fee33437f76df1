package dev.arbiter.benchmark;

import dev.arbiter.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The manifests shipped in the jar under {@code benchmarks/}, in the order of {@code index.txt}. */
final class Catalog {
    private static final String ROOT = "benchmarks/";
    private final Map<String, Manifest> manifests;

    private Catalog(Map<String, Manifest> manifests) {
        this.manifests = manifests;
    }

    static Catalog load() {
        Map<String, Manifest> byName = new LinkedHashMap<>();
        for (String name : readIndex()) {
            try (InputStream in = resource(ROOT + name + ".json")) {
                Manifest m = Json.mapper().readValue(in, Manifest.class);
                if (!m.name().equals(name)) {
                    throw new IllegalStateException("benchmarks/" + name + ".json declares name " + m.name());
                }
                byName.put(name, m);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read manifest benchmarks/" + name + ".json: " + e.getMessage(), e);
            }
        }
        return new Catalog(byName);
    }

    List<Manifest> all() {
        return List.copyOf(manifests.values());
    }

    Manifest get(String name) {
        Manifest m = manifests.get(name);
        if (m == null) {
            throw new BenchmarkException("unknown benchmark '" + name + "'" + NearNames.didYouMean(name, manifests.keySet()) + "; known: " + String.join(", ", manifests.keySet())
                    + " (or jsonl:PATH for your own file)");
        }
        return m;
    }

    private static List<String> readIndex() {
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resource(ROOT + "index.txt"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read benchmarks/index.txt", e);
        }
        return names;
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = Catalog.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IOException("missing resource " + path);
        }
        return in;
    }
}
