package dev.arbiter.cli.options;

import dev.arbiter.run.MathOverrides;
import dev.arbiter.verify.math.MathConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The math verifier's settings as options; verify takes them for its one pair, verify-batch as every
 * line's defaults. A command using them names {@link Defaults} as its default-value provider.
 */
public final class MathOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--gold-as", split = ",", splitSynopsisLabel = ",", paramLabel = "TARGET") List<MathConfig.Target> goldAs;
    @Option(names = "--pred-as", split = ",", splitSynopsisLabel = ",", paramLabel = "TARGET") List<MathConfig.Target> predAs;
    @Option(names = "--boxed-priority", paramLabel = "N") Integer boxedPriority;
    @Option(names = "--float-rounding", paramLabel = "N") Integer floatRounding;
    @Option(names = "--no-strict") boolean noStrict;
    @Option(names = "--allow-set-relation") boolean allowSetRelation;
    @Option(names = "--percent", paramLabel = "fraction|lenient") MathConfig.Percent percent;
    @Option(names = "--choices", split = ",", splitSynopsisLabel = ",", paramLabel = "LETTER") List<String> choices;
    @Option(names = "--deadline-ms", paramLabel = "MS") Long deadlineMs;
    @Option(names = "--extraction", paramLabel = "flexible|boxed") MathConfig.Extraction extraction;
    @Option(names = "--approximate") boolean approximate;

    /** The defaults with the options given applied; a bad value is a usage error naming its option. */
    public MathConfig config() {
        try {
            return new MathOverrides(goldAs, predAs, boxedPriority, floatRounding, noStrict, allowSetRelation, percent, choices, deadlineMs,
                    extraction, approximate).applyTo(MathConfig.defaults());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** Shows the verifier's own defaults in --help, so the help cannot drift from the code. */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof CommandLine.Model.OptionSpec o)) {
                return null;
            }
            MathConfig d = MathConfig.defaults();
            return switch (o.longestName()) {
                case "--gold-as" -> targets(d.goldTargets());
                case "--pred-as" -> targets(d.predTargets());
                case "--boxed-priority" -> String.valueOf(d.boxedPriority());
                case "--float-rounding" -> String.valueOf(d.floatRounding());
                case "--percent" -> d.percent().name().toLowerCase(Locale.ROOT);
                case "--deadline-ms" -> String.valueOf(d.deadline().toMillis());
                case "--extraction" -> d.extraction().name().toLowerCase(Locale.ROOT);
                default -> null;
            };
        }

        private static String targets(Set<MathConfig.Target> t) {
            return Stream.of(MathConfig.Target.values()).filter(t::contains).map(x -> x.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(","));
        }
    }
}
