package dev.arbiter.cli;

import dev.arbiter.benchmark.BenchmarkException;
import dev.arbiter.sandbox.SandboxException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr. Known errors carry a message written for users; anything
 * else is a bug, reported in one line too, with the stack trace only when ARBITER_DEBUG is set.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    static final int FAILURE = 1;
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof BenchmarkException || e instanceof SandboxException || e instanceof UserError
                || e instanceof dev.arbiter.inference.engine.ModelException || e instanceof dev.arbiter.inference.InferenceException
                || e instanceof dev.arbiter.train.rl.Rewards.UnscoredException || e instanceof dev.arbiter.run.RunException) {
            err.println("arbiter: " + e.getMessage());
        } else {
            err.println("arbiter: internal error: " + e + " (set ARBITER_DEBUG=1 for the stack trace)");
            if (System.getenv("ARBITER_DEBUG") != null) {
                e.printStackTrace(err);
            }
        }
        err.flush();
        return FAILURE;
    }

    /** A failure whose message is fit for users as it is (a missing input file, say). */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }

    /** A bad flag or argument: the message, then how to get help. */
    static final class Usage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("arbiter: " + ex.getMessage());
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return USAGE;
        }
    }
}
