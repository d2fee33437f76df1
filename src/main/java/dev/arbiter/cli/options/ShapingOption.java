package dev.arbiter.cli.options;

import dev.arbiter.reward.Shaping;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Reward shaping over the defaults, for the reward server and the RL trainer. */
public final class ShapingOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--shaping", paramLabel = "KEY=VALUE", mapFallbackValue = "") Map<String, String> shaping = new LinkedHashMap<>();

    /** The default shaping with each pair applied; a bad key or number is a usage error. */
    public Shaping shaping() {
        try {
            return Shaping.DEFAULT.withPairs(shaping);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
