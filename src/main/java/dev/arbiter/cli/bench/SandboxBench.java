package dev.arbiter.cli.bench;

import dev.arbiter.cli.CommandBase;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.perf.SandboxThroughput;
import dev.arbiter.sandbox.Language;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "sandbox", mixinStandardHelpOptions = true)
final class SandboxBench extends CommandBase {
    @Option(names = "--runs", defaultValue = "300", paramLabel = "N") int runs;
    @Option(names = "--languages", split = ",", paramLabel = "LANG[,LANG...]",
            description = "Also time compile and run per language (python, cpp, java, go, rust, javascript, bash, or all) on the polyglot image.")
    List<String> languages = List.of();
    @Option(names = "--language-requests", defaultValue = "10", paramLabel = "N",
            description = "Requests per language for --languages (default: ${DEFAULT-VALUE}).")
    int languageRequests;
    @Option(names = "--host-python", defaultValue = "/usr/bin/python3", paramLabel = "PATH") String hostPython;
    @CommandLine.Mixin DataOptions data;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if (runs < 10) {
            throw new CommandLine.ParameterException(cl, "--runs must be at least 10");
        }
        List<Language> langs = languages.stream().anyMatch(l -> l.equalsIgnoreCase("all")) ? List.of(Language.values())
                : languages.stream().map(l -> {
                    try {
                        return Language.require(l);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.ParameterException(cl, "--languages: " + e.getMessage());
                    }
                }).toList();
        if (languageRequests < 1) {
            throw new CommandLine.ParameterException(cl, "--language-requests must be at least 1");
        }
        new SandboxThroughput(runs, hostPython, data.open()).run(cl.getOut(), langs, languageRequests);
        return 0;
    }
}
