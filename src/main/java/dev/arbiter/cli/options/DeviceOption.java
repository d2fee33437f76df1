package dev.arbiter.cli.options;

import picocli.CommandLine.Option;

/** Where libtorch runs: the in-process engine and the trainers take this. */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "D") String device;

    public String device() {
        return device;
    }
}
