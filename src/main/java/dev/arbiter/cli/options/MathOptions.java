package dev.arbiter.cli.options;

import dev.arbiter.run.MathOverrides;
import dev.arbiter.verify.math.MathConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The math verifier's settings as options; verify takes them for its one pair, verify-batch as every
 * line's defaults. A command using them names {@link Defaults} as its default-value provider.
 */
public final class MathOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--gold-as", split = ",", splitSynopsisLabel = ",", paramLabel = "TARGET",
            description = "What to look for in the gold: latex, expr (plain, like 2*x + 1) or both (default: ${DEFAULT-VALUE}).")
    List<MathConfig.Target> goldAs;

    @Option(names = "--pred-as", split = ",", splitSynopsisLabel = ",", paramLabel = "TARGET",
            description = "What to look for in the prediction (default: ${DEFAULT-VALUE}).")
    List<MathConfig.Target> predAs;

    @Option(names = "--boxed-priority", paramLabel = "N",
            description = "Rank of \\boxed{} among answer anchors: 0 first, 50 after \"final answer is\" (default: ${DEFAULT-VALUE}).")
    Integer boxedPriority;

    @Option(names = "--float-rounding", paramLabel = "N",
            description = "Decimal places compared when either side is a written decimal (default: ${DEFAULT-VALUE}).")
    Integer floatRounding;

    @Option(names = "--no-strict", description = "Let variable names differ: f(x) equals f(y) (default: they must match).")
    boolean noStrict;

    @Option(names = "--allow-set-relation", description = "Let a relation in the prediction (x > 1) match a set in the gold.")
    boolean allowSetRelation;

    @Option(names = "--percent", paramLabel = "fraction|lenient",
            description = "fraction: 10%% is 0.1 only; lenient: 10%% also equals 10 (default: ${DEFAULT-VALUE}).")
    MathConfig.Percent percent;

    @Option(names = "--choices", split = ",", splitSynopsisLabel = ",", paramLabel = "LETTER",
            description = "Multiple-choice letters, e.g. A,B,C,D: a chosen letter such as (C) is then an answer.")
    List<String> choices;

    @Option(names = "--deadline-ms", paramLabel = "MS",
            description = "Most time for one verdict; past it: not equal, timed_out (default: ${DEFAULT-VALUE}).")
    Long deadlineMs;

    @Option(names = "--extraction", paramLabel = "flexible|boxed",
            description = "Where the prediction's answer may come from (default: ${DEFAULT-VALUE}). flexible: \"final"
                    + " answer is\", the last \\boxed{}, \"answer:\", any $...$, then any number in the text. boxed: only"
                    + " the last \\boxed{} or \\fbox{} (an unclosed one gives no answer; with --choices also a letter"
                    + " given alone), never prose or $...$: strict, for rewards. The gold is always read flexibly.")
    MathConfig.Extraction extraction;

    @Option(names = "--approximate",
            description = "Let a decimal answer stand for an irrational gold when they agree at --float-rounding"
                    + " places (Math-Verify's rule). Default: sqrt(2) needs an exact answer, and a decimal gold such as"
                    + " 1.41 is matched at its own places.")
    boolean approximate;

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
