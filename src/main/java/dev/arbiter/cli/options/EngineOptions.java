package dev.arbiter.cli.options;

import dev.arbiter.inference.engine.LocalEngine;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The in-process engine: device, precision and batching. */
public final class EngineOptions {
    @Mixin DeviceOptions where;
    @Option(names = "--max-batch", defaultValue = "64", paramLabel = "N") int maxBatch;

    public String device() {
        return where.device();
    }

    /** Loads the model folder, saying so on stderr, since a large one takes a while. */
    public LocalEngine open(Path dir, String id) {
        return open(dir, id, LocalEngine.Overrides.NONE);
    }

    /** As above, with a server's changes to the folder (a shorter context, another chat template). */
    public LocalEngine open(Path dir, String id, LocalEngine.Overrides overrides) {
        return LocalEngine.openSaying(dir, id, where.device(), where.precision(), maxBatch, overrides);
    }
}
