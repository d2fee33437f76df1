package dev.arbiter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * What every command that runs shares: its picocli spec, which gives the command line's streams and
 * makes usage errors name the command. The help text of commands and options is not in the annotations
 * but in {@code help.properties} beside this class, keyed by command and option name.
 */
public abstract class CommandBase implements Callable<Integer> {
    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        return run(spec.commandLine());
    }

    /** The command's work and its exit code; a {@link CommandLine.ParameterException} on {@code cl} is a usage error. */
    protected abstract int run(CommandLine cl) throws Exception;
}
