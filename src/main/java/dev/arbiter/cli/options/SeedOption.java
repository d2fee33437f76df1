package dev.arbiter.cli.options;

import picocli.CommandLine.Option;

/** The seed of a command's random draws: the same seed and inputs give the same output. */
public final class SeedOption {
    @Option(names = "--seed", defaultValue = "0", paramLabel = "S") long seed;

    public long seed() {
        return seed;
    }
}
