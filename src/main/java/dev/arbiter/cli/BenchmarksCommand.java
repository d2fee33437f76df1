package dev.arbiter.cli;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.UserKind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "benchmarks",
        mixinStandardHelpOptions = true,
        subcommands = {BenchmarksCommand.ListCmd.class, BenchmarksCommand.Show.class, BenchmarksCommand.Fetch.class})
final class BenchmarksCommand extends CommandGroup {
    @Command(name = "list", mixinStandardHelpOptions = true)
    static final class ListCmd extends CommandBase {
        @CommandLine.Mixin DataOptions data;
        @Option(names = "--json") boolean json;

        @Override
        protected int run(CommandLine cl) {
            List<Benchmarks.Status> rows = data.open().status();
            PrintWriter out = cl.getOut();
            if (json) {
                rows.forEach(r -> out.println(Json.line(r)));
            } else {
                Benchmarks.Status.table(rows).forEach(out::println);
            }
            out.flush();
            return rows.stream().anyMatch(r -> r.state() == Benchmarks.State.BROKEN) ? Errors.FAILURE : 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true)
    static final class Show extends CommandBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Benchmark name, jsonl:PATH or hf:ORG/NAME.")
        String name;

        @Option(names = "--limit", paramLabel = "N") Integer limit;
        @CommandLine.Mixin SelectionOptions window;
        @Option(names = "--kind", paramLabel = "math|code|choice") UserKind kind;
        @Option(names = "--field", paramLabel = "OURS=THEIRS") List<String> fields = new ArrayList<>();
        @CommandLine.Mixin DataOptions data;

        @Override
        protected int run(CommandLine cl) {
            if (limit != null && limit < 0) {
                throw new CommandLine.ParameterException(cl, "--limit must be 0 or more");
            }
            Benchmarks.Loaded loaded;
            try {
                loaded = data.open().loadNamed(name, window::selection, window.given(), kind, fields);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            PrintWriter out = cl.getOut();
            List<Problem> problems = loaded.problems();
            int n = limit == null ? problems.size() : Math.min(limit, problems.size());
            problems.subList(0, n).forEach(p -> out.println(Json.line(p)));
            out.flush();
            PrintWriter err = cl.getErr();
            err.printf("%s: %d of %d problems from %s%n", loaded.name(), n, problems.size(), loaded.source());
            err.flush();
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true)
    static final class Fetch extends CommandBase {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Benchmark names.")
        List<String> names;

        @CommandLine.Mixin SelectionOptions window;
        @CommandLine.Mixin DataOptions data;

        @Override
        protected int run(CommandLine cl) {
            List<String> each = names.stream().distinct().toList();
            List<Benchmarks.Loaded> done = data.open().loadAll(each, window.selection(), List.of());
            PrintWriter out = cl.getOut();
            for (int i = 0; i < each.size(); i++) {
                out.printf("%s: %d problems, %s %s%n", each.get(i), done.get(i).problems().size(), done.get(i).origin().label(), done.get(i).location());
            }
            out.flush();
            return 0;
        }
    }

}
