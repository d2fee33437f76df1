package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help, as a user meets it: `arbiter --help` and each subcommand's, found by walking
 * whatever Main registers, so a command added later is held to the same rules. Help must render
 * without a warning from picocli, and every summary (the line the parent's list shows) must be a
 * whole sentence. The text lives in help.properties: every command and option must find its own there,
 * and every key there must be read by some command, so a renamed option cannot leave stale help behind.
 */
class HelpTextTest {
    /** Each command's qualified name with its picocli object, parents before children. */
    private static Map<String, CommandLine> all() {
        Map<String, CommandLine> out = new LinkedHashMap<>();
        walk(Main.commandLine(), out);
        return out;
    }

    private static void walk(CommandLine cl, Map<String, CommandLine> out) {
        out.put(cl.getCommandSpec().qualifiedName(), cl);
        for (CommandLine sub : new LinkedHashMap<>(cl.getSubcommands()).values()) {
            if (!out.containsKey(sub.getCommandSpec().qualifiedName())) {
                walk(sub, out);
            }
        }
    }

    @Test
    void everyHelpRendersWithoutAWarning() throws Exception {
        Map<String, CommandLine> commands = all();
        assertThat(commands).hasSizeGreaterThan(15); // the walk found the subcommands, not just the root
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        // picocli's tracer keeps the stderr it saw when it was made; point it, and stderr, here for the walk
        Field stream = CommandLine.Tracer.class.getDeclaredField("stream");
        stream.setAccessible(true);
        CommandLine.Tracer tracer = CommandLine.tracer();
        Object tracerBefore = stream.get(tracer);
        PrintStream errBefore = System.err;
        List<String> problems = new ArrayList<>();
        try {
            stream.set(tracer, capture);
            System.setErr(capture);
            for (var e : commands.entrySet()) {
                List<String> args = new ArrayList<>(List.of(e.getKey().split(" ")));
                args.removeFirst(); // "arbiter"
                args.add("--help");
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
                capture.flush();
                String warned = captured.toString(StandardCharsets.UTF_8) + err;
                if (code != 0 || !warned.isBlank() || !out.toString().contains("Usage: " + e.getKey())) {
                    problems.add(e.getKey() + " --help: exit " + code + ", stderr: " + warned.strip() + ", stdout: " + out.toString().lines().findFirst().orElse(""));
                }
                captured.reset();
            }
        } finally {
            stream.set(tracer, tracerBefore);
            System.setErr(errBefore);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everySummaryIsAWholeSentence() {
        List<String> problems = new ArrayList<>();
        for (var e : all().entrySet()) {
            // the parent's list shows the header's first line when there is one, else the description's
            CommandLine.Model.UsageMessageSpec usage = e.getValue().getCommandSpec().usageMessage();
            String[] shown = usage.header().length > 0 ? usage.header() : usage.description();
            String summary = shown.length == 0 ? "" : shown[0].strip();
            if (!sentence(summary)) {
                problems.add(e.getKey() + ": \"" + summary + "\"");
            }
        }
        assertThat(problems).as("summaries that are not a whole sentence ending in a full stop").isEmpty();
    }

    @Test
    void everyCommandAndOptionHasHelpText() {
        List<String> missing = new ArrayList<>();
        all().values().stream().map(CommandLine::getCommandSpec).forEach(spec -> {
            if (String.join("", spec.usageMessage().description()).isBlank()) {
                missing.add(spec.qualifiedName());
            }
            spec.args().stream().filter(arg -> !arg.hidden() && String.join("", arg.description()).isBlank()).forEach(arg -> missing.add(
                    spec.qualifiedName() + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : arg.paramLabel())));
        });
        assertThat(missing).as("commands and options without help text").isEmpty();
    }

    @Test
    void everyKeyOfTheHelpFileIsRead() {
        // picocli's keys: usage sections under the command's qualified name, an option under its longest
        // name without dashes, with or without that prefix
        Set<String> read = new HashSet<>();
        all().values().stream().map(CommandLine::getCommandSpec).forEach(spec -> {
            String q = spec.qualifiedName(".");
            read.addAll(List.of(q + ".usage.description", q + ".usage.footer"));
            spec.options().stream().map(o -> o.longestName().replaceFirst("^-+", "")).forEach(key -> read.addAll(List.of(q + "." + key, key)));
        });
        ResourceBundle bundle = ResourceBundle.getBundle("dev.arbiter.cli.help");
        List<String> stale = bundle.keySet().stream().filter(k -> !read.contains(k.replaceFirst("\\.\\d+$", ""))).sorted().toList();
        assertThat(stale).as("keys of help.properties that no command or option reads").isEmpty();
    }

    @Test
    void theSentenceRuleRejectsCutSummaries() {
        assertThat(sentence("Evaluates a model on benchmarks.")).isTrue();
        assertThat(sentence("Counts behaviour markers (backtracking, verification, ...) in graded completions.")).isTrue();
        assertThat(sentence("Merges several runs into one leaderboard:")).isFalse();
        assertThat(sentence("Writes a random-weight model in the real format, for")).isFalse();
        assertThat(sentence("measures the verifier.")).isFalse();
        assertThat(sentence("Runs the thing (with options.")).isFalse();
        assertThat(sentence("")).isFalse();
    }

    /** Starts with a capital letter, ends with a full stop, and closes every bracket and quote it opens. */
    static boolean sentence(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.codePointAt(0)) || !s.endsWith(".") || s.endsWith("..")) {
            return false;
        }
        int depth = 0;
        for (char c : s.toCharArray()) {
            depth += c == '(' || c == '[' ? 1 : c == ')' || c == ']' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0 && s.chars().filter(c -> c == '`').count() % 2 == 0;
    }
}
