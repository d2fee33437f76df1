package dev.arbiter.cli;

import java.util.List;
import picocli.CommandLine;

/** A command that only groups subcommands: run without one, it is a usage error that names them. */
public abstract class CommandGroup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final void run() {
        List<String> names = spec.subcommands().values().stream().map(CommandLine::getCommandName).distinct().toList();
        String choices = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: " + choices);
    }
}
