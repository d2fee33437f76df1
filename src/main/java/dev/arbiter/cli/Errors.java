package dev.arbiter.cli;

import dev.arbiter.ArbiterException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr. An {@link ArbiterException} anywhere in the cause chain
 * carries a message written for users and its exit code; a missing or unreadable file is said as
 * such; anything else is a bug, reported in one line too, with the stack trace only when
 * ARBITER_DEBUG is set.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    static final int FAILURE = ArbiterException.FAILURE;
    static final int USAGE = ArbiterException.USAGE;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int code = FAILURE;
        ArbiterException known = ArbiterException.causing(e);
        if (known != null) {
            err.println("arbiter: " + known.userMessage());
            code = known.exitCode();
        } else if (e instanceof NoSuchFileException f) {
            err.println("arbiter: no such file: " + f.getFile());
        } else if (e instanceof AccessDeniedException f) {
            err.println("arbiter: permission denied: " + f.getFile());
        } else {
            err.println("arbiter: internal error: " + oneLine(e.toString()) + " (set ARBITER_DEBUG=1 for the stack trace)");
        }
        if (System.getenv("ARBITER_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * A bad flag or argument: the message, a suggestion when the word is close to a known
     * subcommand or option, and how to get help, in one line.
     */
    static final class Usage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            StringBuilder line = new StringBuilder("arbiter: ").append(oneLine(ex.getMessage()));
            if (ex instanceof CommandLine.UnmatchedArgumentException u) {
                List<String> near = u.getSuggestions();
                if (!near.isEmpty()) {
                    line.append("; did you mean ").append(String.join(" or ", near.stream().map(s -> "'" + s + "'").toList())).append('?');
                }
            }
            line.append(" (see '").append(cl.getCommandSpec().qualifiedName()).append(" --help')");
            err.println(line);
            err.flush();
            return USAGE;
        }
    }
}
