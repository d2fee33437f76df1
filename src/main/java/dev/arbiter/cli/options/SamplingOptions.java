package dev.arbiter.cli.options;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a benchmark is sampled: samples per problem, temperature, top-p and seed (sample i uses seed + i). */
public final class SamplingOptions {
    @Option(names = "--n", defaultValue = "4", paramLabel = "N") int n;
    @Option(names = "--temperature", defaultValue = "0.6", paramLabel = "T") double temperature;
    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P") double topP;
    @Mixin SeedOption seed;

    public int n() {
        return n;
    }

    public double temperature() {
        return temperature;
    }

    public double topP() {
        return topP;
    }

    /** The base seed; sample i is requested with seed + i. */
    public long seed() {
        return seed.seed();
    }
}
