package dev.arbiter.cli.options;

import dev.arbiter.verify.math.MathConfig;
import picocli.CommandLine.Option;

/** Where a math answer may be taken from, for commands that grade math with otherwise default settings. */
public final class ExtractionOption {
    @Option(names = "--extraction", defaultValue = "flexible", paramLabel = "flexible|boxed") MathConfig.Extraction extraction;

    public MathConfig.Extraction extraction() {
        return extraction;
    }
}
