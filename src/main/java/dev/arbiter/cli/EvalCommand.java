package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.EndpointOptions;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.ExtractionOption;
import dev.arbiter.cli.options.JudgeOptions;
import dev.arbiter.cli.options.SamplingOptions;
import dev.arbiter.cli.options.SandboxOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.cli.options.ShardOptions;
import dev.arbiter.report.RunReport;
import dev.arbiter.run.ConfigFile;
import dev.arbiter.run.Evaluation;
import dev.arbiter.run.Preset;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.Strategy;
import dev.arbiter.scaling.SiftBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false)
final class EvalCommand extends CommandBase {
    @Option(names = "--config", paramLabel = "FILE") Path configFile;
    @Option(names = "--preset", paramLabel = "NAME|list") String preset;
    @Option(names = "--benchmark", paramLabel = "NAME") List<String> benchmarks = new ArrayList<>();
    @Option(names = "--jsonl", paramLabel = "FILE") List<Path> jsonl = new ArrayList<>();
    @Option(names = "--max-tokens", defaultValue = "32768", paramLabel = "T") int maxTokens;
    @Option(names = "--raw") boolean raw;
    @Option(names = "--template", paramLabel = "TEXT") String template = PromptTemplates.MATH;
    @Option(names = "--code-template", paramLabel = "TEXT") String codeTemplate = PromptTemplates.CODE;
    @Option(names = "--stop", paramLabel = "TEXT") List<String> stop = new ArrayList<>();
    @Option(names = "--k", split = ",", paramLabel = "K") List<Integer> ks;
    @Option(names = "--limit", paramLabel = "N") Integer limit;
    @Option(names = "--exclude-truncated") boolean excludeTruncated;
    @Option(names = "--store", defaultValue = "results/store.db", paramLabel = "FILE|URL") String store;
    @Option(names = "--out", paramLabel = "DIR") Path out;
    @Option(names = "--strategy", defaultValue = "sample", paramLabel = "S", converter = StrategyName.class) Strategy strategy;
    @Option(names = "--dry-run") boolean dryRun;
    @CommandLine.Mixin EndpointOptions endpoint;
    @CommandLine.Mixin SamplingOptions sampling;
    @CommandLine.Mixin ExtractionOption extraction;
    @CommandLine.Mixin EngineOptions engineOptions;
    @CommandLine.Mixin SelectionOptions window;
    @CommandLine.Mixin DataOptions data;
    @CommandLine.Mixin ShardOptions shard;
    @CommandLine.Mixin SandboxOptions sandbox;
    @CommandLine.Mixin JudgeOptions judge;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if ("list".equals(preset)) {
            cl.getOut().print(Preset.list());
            cl.getOut().flush();
            return 0;
        }
        Set<String> fromConfig = configFile != null ? applyConfig(cl) : Set.of();
        Preset chosen = null;
        List<Preset.Use> uses = List.of();
        if (preset != null) {
            try {
                chosen = Preset.named(preset);
                uses = applyPreset(cl, chosen, fromConfig);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            // the dry run shows it with the plan; a run logs it beside the resolved config
            (dryRun ? cl.getOut() : cl.getErr()).print(chosen.describe(uses));
        }
        Evaluation evaluation;
        try {
            evaluation = Evaluation.prepare(new Evaluation.Settings(benchmarks, jsonl, window.selection(), endpoint.endpoints(), endpoint.model(),
                    endpoint.modelRevision(), sampling.n(), maxTokens, sampling.temperature(), sampling.topP(), sampling.seed(), raw, template,
                    codeTemplate, stop, ks, limit, endpoint.concurrency(), (int) endpoint.timeout().toSeconds(), extraction.extraction(),
                    excludeTruncated, store, out, strategy, engineOptions.device(), shard.part(), sandbox.config()), data.open())
                    .judgedBy(judge.settings());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (chosen != null) {
            evaluation = evaluation.withPreset(chosen.name(), uses);
        }
        if (!cl.getParseResult().hasMatchedOption("--max-tokens") && !fromConfig.contains("--max-tokens")
                && uses.stream().noneMatch(u -> u.setting().flag().equals("--max-tokens"))) {
            evaluation = evaluation.fittingDefaultMaxTokens();
        }
        Evaluation.Result r = evaluation.run(dryRun, engineOptions::open, SiftBackend.FACTORY, Evaluation.Progress.bars(), cl.getOut(), cl.getErr());
        RunReport.write(r, cl.getOut(), cl.getErr());
        return r.exitCode();
    }

    /** Sets each option the YAML file names, unless the command line gave it; returns the options it set. */
    private Set<String> applyConfig(CommandLine cl) {
        ConfigFile config = ConfigFile.read(configFile);
        Set<String> set = new HashSet<>();
        for (String key : config.values().keySet()) {
            CommandLine.Model.OptionSpec opt = spec.findOption(ConfigFile.flag(key));
            if (opt == null || key.equals("config")) {
                throw config.unknown(key, "eval");
            }
            if (!cl.getParseResult().hasMatchedOption(opt)) { // the command line wins
                opt.setValue(config.value(key, opt.type(), opt.auxiliaryTypes()[0]));
                set.add(opt.longestName());
            }
        }
        return set;
    }

    /** Sets each of the preset's flags that neither the command line nor --config gave; says which were given instead. */
    private List<Preset.Use> applyPreset(CommandLine cl, Preset p, Set<String> fromConfig) {
        List<Preset.Use> uses = new ArrayList<>();
        for (Preset.Setting s : p.resolve(benchmarks)) {
            CommandLine.Model.OptionSpec opt = spec.findOption(s.flag());
            if (opt == null) {
                throw new IllegalStateException("preset " + p.name() + " sets " + s.flag() + ", which eval does not have");
            }
            if (cl.getParseResult().hasMatchedOption(opt) || fromConfig.contains(opt.longestName())) {
                Object v = opt.getValue();
                String shown = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
                uses.add(new Preset.Use(s, cl.getParseResult().hasMatchedOption(opt) ? "the command line" : "--config", shown));
            } else {
                opt.setValue(s.as(opt.type(), opt.auxiliaryTypes()[0]));
                uses.add(new Preset.Use(s, null, null));
            }
        }
        return uses;
    }

    /** Strategy names as written on the command line: self-consistency, best-of-n. */
    static final class StrategyName implements CommandLine.ITypeConverter<Strategy> {
        @Override
        public Strategy convert(String value) {
            try {
                return Strategy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
