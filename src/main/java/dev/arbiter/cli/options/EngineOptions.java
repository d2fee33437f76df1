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
        return LocalEngine.openSaying(dir, id, where.device(), where.precision(), maxBatch);
    }
}
