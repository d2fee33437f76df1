package dev.arbiter.cli;

import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.SelectionOptions;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Kind;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "benchmarks",
        mixinStandardHelpOptions = true,
        description = "List, inspect and fetch benchmark data.",
        subcommands = {BenchmarksCommand.ListCmd.class, BenchmarksCommand.Show.class, BenchmarksCommand.Fetch.class},
        footer = {
            "",
            "Examples:",
            "  ARBITER_DATA=../shared/datasets arbiter benchmarks list",
            "  arbiter benchmarks show math500 --limit 2",
            "  arbiter benchmarks show livecodebench --release release_v5 --from 2024-10-01 --to 2024-12-31",
            "  arbiter benchmarks show jsonl:my.jsonl --field prompt=question --field answer=final"
        })
final class BenchmarksCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: list, show or fetch");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show each benchmark, its record count and where its data was found.",
                "Nothing is downloaded; a corrupt file is reported and makes the exit code 1."})
    static final class ListCmd extends CommandBase {
        @CommandLine.Mixin
        DataOptions data;

        @Option(names = "--json", description = "One JSON object per benchmark instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            List<Benchmarks.Status> rows = data.open().status();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                rows.forEach(r -> out.println(Json.line(r)));
            } else {
                Benchmarks.Status.table(rows).forEach(out::println);
            }
            out.flush();
            return rows.stream().anyMatch(r -> r.state() == Benchmarks.State.BROKEN) ? Errors.FAILURE : 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print a benchmark's problems as JSON lines on stdout.",
                "NAME is a shipped benchmark (see `arbiter benchmarks list`) or jsonl:PATH for your own file."})
    static final class Show extends CommandBase {
        @Parameters(index = "0", paramLabel = "NAME", description = "Benchmark name, or jsonl:PATH.")
        String name;

        @Option(names = "--limit", paramLabel = "N", description = "Print at most N problems.")
        Integer limit;

        @CommandLine.Mixin
        SelectionOptions window;

        @Option(names = "--kind", paramLabel = "math|code", description = "jsonl: whether records are math or code (default: math).")
        Kind kind;

        @Option(names = "--field", paramLabel = "OURS=THEIRS",
                description = "jsonl: map one of our fields (id, prompt, answer, solution, tests, fn_name, starter_code, "
                        + "subject, level, difficulty, contest_date) to a field (or dotted path) of the file. Repeatable.")
        List<String> fields = new ArrayList<>();

        @CommandLine.Mixin
        DataOptions data;

        @Override
        public Integer call() {
            if (limit != null && limit < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 0 or more");
            }
            Benchmarks.Loaded loaded;
            try {
                loaded = data.open().loadNamed(name, window::selection, window.given(), kind, fields);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            List<Problem> problems = loaded.problems();
            int n = limit == null ? problems.size() : Math.min(limit, problems.size());
            problems.subList(0, n).forEach(p -> out.println(Json.line(p)));
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            err.printf("%s: %d of %d problems from %s%n", loaded.name(), n, problems.size(), loaded.source());
            err.flush();
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download benchmarks from the Hugging Face hub into the cache, so later runs work offline.",
                "Benchmarks already found in the data folder or cache are only verified."})
    static final class Fetch extends CommandBase {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Benchmark names.")
        List<String> names;

        @CommandLine.Mixin
        SelectionOptions window;

        @CommandLine.Mixin
        DataOptions data;

        @Override
        public Integer call() {
            List<String> each = names.stream().distinct().toList();
            List<Benchmarks.Loaded> done = data.open().loadAll(each, window.selection(), List.of());
            PrintWriter out = spec.commandLine().getOut();
            for (int i = 0; i < each.size(); i++) {
                out.printf("%s: %d problems, %s %s%n", each.get(i), done.get(i).problems().size(), done.get(i).origin().label(), done.get(i).location());
            }
            out.flush();
            return 0;
        }
    }

}
