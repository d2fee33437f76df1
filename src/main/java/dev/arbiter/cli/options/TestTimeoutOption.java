package dev.arbiter.cli.options;

import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The time limit of each code test, LiveCodeBench's 6 s unless given. */
public final class TestTimeoutOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--timeout-s", defaultValue = "6", paramLabel = "S") int timeoutS;

    /** The limit in seconds; under one is refused. */
    public int seconds() {
        if (timeoutS < 1) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--timeout-s must be at least 1");
        }
        return timeoutS;
    }
}
