package dev.arbiter.cli.options;

import dev.arbiter.inference.engine.Torch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the in-process engine runs and in what precision. */
public final class DeviceOptions {
    @Mixin DeviceOption where;
    @Option(names = "--precision", paramLabel = "P") Torch.Precision precision;

    public String device() {
        return where.device();
    }

    /** The precision asked for, or null for the device's default. */
    public Torch.Precision precision() {
        return precision;
    }
}
