package dev.arbiter.cli.options;

import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The in-process engine: device, precision and batching. */
public final class EngineOptions {
    @Mixin
    DeviceOptions where;

    @Option(names = "--max-batch", defaultValue = "64", paramLabel = "N", description = "Sequences decoded together at most (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    public String device() {
        return where.device();
    }

    /** Loads the model folder, saying so on stderr, since a large one takes a while. */
    public LocalEngine open(Path dir, String id) {
        if (maxBatch < 1) {
            throw new ModelException("--max-batch must be at least 1");
        }
        System.err.println("arbiter: loading " + dir + " (" + where.device() + ") ...");
        long t = System.nanoTime();
        LocalEngine e = LocalEngine.open(dir, id, where.device(), where.precision(),
                new Generator.Limits(maxBatch, Generator.Limits.DEFAULT.maxPrefillTokens()));
        System.err.printf("arbiter: loaded %s in %.1f s: %,d parameters, %s on %s%n", id, (System.nanoTime() - t) / 1e9,
                e.model().config().parameterCount(), e.model().type(), e.model().device());
        return e;
    }
}
