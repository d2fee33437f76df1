package dev.arbiter.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * What every command that runs shares: its picocli spec, which gives the command line's streams and
 * makes usage errors name the command.
 */
public abstract class CommandBase implements Callable<Integer> {
    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;
}
