package dev.arbiter.cli.options;

import dev.arbiter.inference.engine.ModelHub;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A model run in this process: a folder, or a Hugging Face id fetched into the cache. */
public final class ModelFolderOption {
    @Option(names = "--model", required = true, paramLabel = "DIR|ID") String model;

    public String name() {
        return model;
    }

    /** The model's folder, fetched first when it is an id not yet cached. */
    public Path resolve() {
        return ModelHub.fromEnvironment().resolve(model);
    }
}
