package dev.arbiter.cli.options;

import dev.arbiter.reward.Shaping;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Reward shaping over the defaults, for the reward server and the RL trainer. */
public final class ShapingOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--shaping", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Reward shaping over the defaults, repeatable; keys: " + Shaping.KEYS + ".")
    Map<String, String> shaping = new LinkedHashMap<>();

    /** The default shaping with each pair applied; a bad key or number is a usage error. */
    public Shaping shaping() {
        Shaping s = Shaping.DEFAULT;
        for (Map.Entry<String, String> e : shaping.entrySet()) {
            double v;
            try {
                v = Double.parseDouble(e.getValue());
            } catch (NumberFormatException ex) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--shaping " + e.getKey() + " needs a number, got '" + e.getValue() + "'");
            }
            try {
                s = s.with(e.getKey(), v);
            } catch (IllegalArgumentException ex) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--shaping: " + ex.getMessage());
            }
        }
        return s;
    }
}
