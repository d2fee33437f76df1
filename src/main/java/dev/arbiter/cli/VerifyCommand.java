package dev.arbiter.cli;

import dev.arbiter.json.Json;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        defaultValueProvider = VerifyCommand.Defaults.class,
        sortOptions = false,
        description = {
            "Check a math answer against the gold answer; prints the verdict as JSON.",
            "The verdict is one JSON object: equal, reason (the rule that decided), timed_out, extracted_gold and",
            "extracted_pred (the answers found, as written), micros (time taken), and outcome in the words eval,",
            "grade and the reward service use (correct, wrong, no_answer, verifier_timeout, infrastructure_error).",
            "The prediction may be a whole",
            "chain of thought: the verifier finds its answer (by default a \\boxed{} one first; with",
            "--extraction boxed only the last \\boxed{} counts).",
            "Exit code 0 whether equal or not (see --exit-code)."
        },
        footer = {
            "",
            "Examples:",
            "  arbiter verify --gold 0.5 --pred 'so the answer is $\\boxed{\\frac{1}{2}}$'      # equal",
            "  arbiter verify --gold 3 --pred '\\boxed{4}' --exit-code || echo wrong            # not equal: exit 3",
            "  arbiter verify --gold-file gold.txt --pred-file output.txt --float-rounding 2",
            "  arbiter verify --gold C --pred 'The answer is (C).' --choices A,B,C,D,E",
            "  arbiter verify --gold 10 --pred '10\\%%' --percent lenient                      # equal only when lenient",
            "  arbiter verify --gold '$x^2+1$' --pred 'x**2 + 1' --gold-as latex --pred-as expr",
            "  arbiter verify --gold 7 --pred 'The answer is 7.' --extraction boxed             # not equal: no box",
            "",
            "Many pairs at once, in parallel and resumable: arbiter verify-batch --help."
        })
final class VerifyCommand implements Callable<Integer> {
    /** With --exit-code, the exit code of a verdict of "not equal"; 1 and 2 keep their meaning. */
    static final int NOT_EQUAL = 3;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Gold gold;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Pred pred;

    static final class Gold {
        @Option(names = "--gold", required = true, paramLabel = "TEXT", description = "The gold answer.")
        String text;

        @Option(names = "--gold-file", required = true, paramLabel = "FILE", description = "A file holding the gold answer (UTF-8).")
        Path file;
    }

    static final class Pred {
        @Option(names = "--pred", required = true, paramLabel = "TEXT", description = "The model's output.")
        String text;

        @Option(names = "--pred-file", required = true, paramLabel = "FILE", description = "A file holding the model's output (UTF-8).")
        Path file;
    }

    @Option(names = "--exit-code", description = "Exit 3 when not equal (0 when equal), for shell scripts.")
    boolean exitCode;

    @CommandLine.Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        MathConfig config = options.config(spec.commandLine());
        String g = gold.text != null ? gold.text : InputFiles.read(gold.file);
        String p = pred.text != null ? pred.text : InputFiles.read(pred.file);
        MathVerdict v;
        try (MathVerifier verifier = new MathVerifier(config)) {
            v = verifier.verify(g, p);
        }
        PrintWriter out = spec.commandLine().getOut();
        com.fasterxml.jackson.databind.node.ObjectNode line = Json.mapper().valueToTree(v);
        line.put("outcome", dev.arbiter.verify.MathAnswerVerifier.outcome(v, false).label());
        out.println(Json.line(line));
        out.flush();
        return exitCode && !v.equal() ? NOT_EQUAL : 0;
    }

    /** The verifier's settings as options (a picocli mixin); verify-batch takes them as per-line defaults. */
    static final class ConfigOptions {
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
        MathConfig config(CommandLine cl) {
            MathConfig c = MathConfig.defaults();
            if (goldAs != null || predAs != null) {
                Set<MathConfig.Target> g = goldAs == null ? c.goldTargets() : Set.copyOf(goldAs);
                Set<MathConfig.Target> p = predAs == null ? c.predTargets() : Set.copyOf(predAs);
                MathConfig base = c;
                c = apply(cl, "--gold-as/--pred-as", () -> base.withTargets(g, p));
            }
            if (boxedPriority != null) {
                MathConfig base = c;
                c = apply(cl, "--boxed-priority", () -> base.withBoxedPriority(boxedPriority));
            }
            if (floatRounding != null) {
                MathConfig base = c;
                c = apply(cl, "--float-rounding", () -> base.withFloatRounding(floatRounding));
            }
            if (deadlineMs != null) {
                if (deadlineMs < 1) {
                    throw new CommandLine.ParameterException(cl, "--deadline-ms must be at least 1");
                }
                c = c.withDeadline(Duration.ofMillis(deadlineMs));
            }
            if (percent != null) {
                c = c.withPercent(percent);
            }
            if (choices != null) {
                List<String> letters = choices.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
                c = c.withChoices(letters);
            }
            if (noStrict) {
                c = c.withStrict(false);
            }
            if (allowSetRelation) {
                c = c.withAllowSetRelation(true);
            }
            if (extraction != null) {
                c = c.withExtraction(extraction);
            }
            if (approximate) {
                c = c.withApproximate(true);
            }
            return c;
        }

        private static MathConfig apply(CommandLine cl, String option, Supplier<MathConfig> change) {
            try {
                return change.get();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, option + ": " + e.getMessage());
            }
        }
    }

    /** Shows the verifier's own defaults in --help, so the help cannot drift from the code. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
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
