package dev.arbiter.cli.options;

import dev.arbiter.verify.math.MathConfig;
import picocli.CommandLine.Option;

/** Where a math answer may be taken from, for commands that grade math with otherwise default settings. */
public final class ExtractionOption {
    @Option(names = "--extraction", defaultValue = "flexible", paramLabel = "flexible|boxed",
            description = {"Where a math answer may come from (default: ${DEFAULT-VALUE}): flexible takes one wherever the verifier",
                "finds it; boxed only the final \\boxed{} (lm-eval's strict-match), so a number in the prose never counts."})
    MathConfig.Extraction extraction;

    public MathConfig.Extraction extraction() {
        return extraction;
    }
}
