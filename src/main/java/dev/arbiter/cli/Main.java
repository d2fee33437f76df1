package dev.arbiter.cli;

import dev.arbiter.cli.bench.BenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code arbiter} command line. Exit codes: 0 ok, 1 failure, 2 usage error (3: not equal, verify --exit-code). */
@Command(name = "arbiter",
        resourceBundle = "dev.arbiter.cli.help",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        subcommands = {DemoCommand.class, BenchmarksCommand.class, EvalCommand.class, ReportCommand.class, SandboxCommand.class, GradeCommand.class, VerifyCommand.class, VerifyBatchCommand.class,
            BenchCommand.class, ScaleCommand.class, BehavioursCommand.class, ModelCommand.class, ServeCommand.class, RewardServerCommand.class, CurateCommand.class, ExportCommand.class, PerturbCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the CLI with its output captured; tests call this instead of main. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpWidth(110);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(new Errors.Usage());
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"arbiter " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
