package dev.arbiter.benchmark;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where benchmark data is looked for, in order: {@code dataDir} (a folder laid out like
 * {@code shared/datasets}), then the download cache, then the Hugging Face hub unless offline.
 */
public record DataConfig(Path dataDir, Path cacheDir, boolean offline, URI hubEndpoint, String hubToken) {
    public static final URI DEFAULT_HUB = URI.create("https://huggingface.co");

    public DataConfig {
        java.util.Objects.requireNonNull(cacheDir, "cacheDir");
        hubEndpoint = hubEndpoint == null ? DEFAULT_HUB : hubEndpoint;
        dataDir = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
        cacheDir = cacheDir.toAbsolutePath().normalize();
    }

    /**
     * Reads ARBITER_DATA, ARBITER_CACHE (else $XDG_CACHE_HOME/arbiter, else ~/.cache/arbiter),
     * ARBITER_OFFLINE or HF_HUB_OFFLINE, HF_ENDPOINT and HF_TOKEN. An explicit data dir wins over
     * ARBITER_DATA.
     */
    public static DataConfig fromEnvironment(Path explicitDataDir, Map<String, String> env) {
        Path data = explicitDataDir;
        if (data == null && notBlank(env.get("ARBITER_DATA"))) {
            data = Path.of(env.get("ARBITER_DATA"));
        }
        Path cache;
        if (notBlank(env.get("ARBITER_CACHE"))) {
            cache = Path.of(env.get("ARBITER_CACHE"));
        } else if (notBlank(env.get("XDG_CACHE_HOME"))) {
            cache = Path.of(env.get("XDG_CACHE_HOME"), "arbiter");
        } else {
            cache = Path.of(System.getProperty("user.home"), ".cache", "arbiter");
        }
        boolean offline = truthy(env.get("ARBITER_OFFLINE")) || truthy(env.get("HF_HUB_OFFLINE"));
        URI endpoint = notBlank(env.get("HF_ENDPOINT")) ? URI.create(env.get("HF_ENDPOINT")) : DEFAULT_HUB;
        return new DataConfig(data, cache, offline, endpoint, env.get("HF_TOKEN"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static boolean truthy(String s) {
        return s != null && (s.equals("1") || s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes"));
    }
}
