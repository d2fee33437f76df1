package dev.arbiter.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.verify.math.ConfigJson;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "verify-batch",
        mixinStandardHelpOptions = true,
        defaultValueProvider = VerifyCommand.Defaults.class,
        sortOptions = false,
        description = {
            "Verify a JSONL file of gold/prediction pairs in parallel; resumable.",
            "Each input line is a JSON object with gold and prediction (strings), and optionally config:",
            "settings for that line over the options below, e.g. {\"float_rounding\": 2, \"choices\": [\"A\", \"B\"]}.",
            "Each output line is its input line, all fields kept in order, with equal, reason, timed_out,",
            "extracted {gold, pred} and millis added, in input order, written as soon as it is known.",
            "Rerunning with the same --out resumes after the lines already written."
        },
        footer = {
            "",
            "A bad input line (not JSON, no gold or prediction, a bad config) stops the run before any",
            "verdict, with an error naming the line; blank lines are skipped. A killed run leaves only",
            "complete lines (a torn last line is dropped on resume). Ends with a summary on stdout;",
            "timed-out verdicts count as not equal too. Exit code 0 whatever the verdicts.",
            "",
            "config keys: gold_targets, pred_targets ([\"latex\", \"expr\"]), boxed_priority, float_rounding,",
            "strict, allow_set_relation, percent (\"fraction\" or \"lenient\"), choices, deadline_ms, extraction",
            "(\"flexible\" or \"boxed\"), approximate; Math-Verify's names (gold_extraction, pred_extraction,",
            "latex_boxed_match_priority, allow_set_relation_comp) too.",
            "",
            "Examples:",
            "  arbiter verify-batch --in rollouts.jsonl --out verdicts.jsonl",
            "  arbiter verify-batch --in rollouts.jsonl --out verdicts.jsonl --threads 8 --percent lenient",
            "  arbiter verify-batch --in rollouts.jsonl --out verdicts.jsonl --extraction boxed   # only \\boxed{} answers",
            "  echo '{\"gold\": \"0.5\", \"prediction\": \"\\\\boxed{\\\\frac{1}{2}}\"}' > one.jsonl",
            "  arbiter verify-batch --in one.jsonl --out one.out.jsonl"
        })
final class VerifyBatchCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "JSONL with gold and prediction.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the verified lines go (appended; resumed).")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Verdicts computed in parallel (default: one per core, but one on two cores or fewer).")
    Integer threads;

    @CommandLine.Mixin
    VerifyCommand.ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Floats as BigDecimal, trailing zeros kept: fields written back read as they did. */
    static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    /** One input line: the object as read, what to compare, and with which settings. */
    record Item(ObjectNode node, String gold, String prediction, MathConfig config) {}

    private record Pending(Item item, Future<MathVerdict> verdict) {}

    private static final class Tally {
        int equal;
        int notEqual;
        int timedOut;
        int failed;
        String firstFailure;
    }

    @Override
    public Integer call() throws Exception {
        int n = threads == null ? MathVerifier.defaultThreads() : threads;
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        MathConfig defaults = options.config(spec.commandLine());
        if (Files.exists(in) && Files.exists(out) && Files.isSameFile(in, out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out must not be the --in file");
        }
        ResumableJsonl.Done done = ResumableJsonl.scan(out, l -> l.path("equal").isBoolean() && l.has("gold") && l.has("prediction"));
        int total = check(defaults, done);
        if (done.lines() > total) {
            throw new Errors.UserError(out + " holds " + done.lines() + " verified lines but " + in + " has only " + total);
        }
        ResumableJsonl.cut(out, done);
        PrintWriter err = spec.commandLine().getErr();
        if (done.lines() > 0) {
            err.printf("resuming: %d of %d lines already in %s%n", done.lines(), total, out);
            err.flush();
        }
        int todo = total - done.lines();
        Tally tally = new Tally();
        long start = System.nanoTime();
        if (todo > 0) {
            run(defaults, n, done, total, tally);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        PrintWriter o = spec.commandLine().getOut();
        o.printf("verified %d lines: %d equal, %d not equal, %d timed out%s in %.2f s (%.0f verdicts/s)%n",
                todo, tally.equal, tally.notEqual, tally.timedOut, tally.failed == 0 ? "" : ", " + tally.failed + " could not be verified",
                secs, todo / Math.max(secs, 1e-9));
        o.flush();
        if (tally.failed > 0) {
            err.printf("arbiter: %d lines got no verdict (outcome infrastructure_error; first: %s)%n", tally.failed, tally.firstFailure);
            err.flush();
            return Errors.FAILURE;
        }
        return 0;
    }

    /**
     * Reads every line once before any verdict, so that a bad line costs nothing, and checks that the
     * lines already in --out are this input's; returns the line count.
     */
    private int check(MathConfig defaults, ResumableJsonl.Done done) {
        int count = 0;
        try (InputFiles.Lines lines = new InputFiles.Lines(in)) {
            for (String raw; (raw = lines.next()) != null; ) {
                if (!raw.isBlank()) {
                    Item item = parse(raw, in + ":" + lines.number(), defaults);
                    if (++count == done.lines()) {
                        sameInput(done, item, lines.number());
                    }
                }
            }
        }
        return count;
    }

    private void run(MathConfig defaults, int n, ResumableJsonl.Done done, int total, Tally tally) throws Exception {
        // Reads ahead of the oldest unwritten verdict by a bounded window: memory stays flat on big files.
        int window = n * 8;
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        long start = System.nanoTime();
        ProgressBar bar = null;
        try (MathVerifier verifier = new MathVerifier(defaults);
                ExecutorService pool = Executors.newFixedThreadPool(n);
                InputFiles.Lines lines = new InputFiles.Lines(in);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            verifier.warmUp(); // a Symja child starts while the first verdicts need none
            int record = 0;
            int written = done.lines();
            for (String raw; (raw = lines.next()) != null; ) {
                if (raw.isBlank()) {
                    continue;
                }
                if (++record <= done.lines()) {
                    continue;
                }
                Item item = parse(raw, in + ":" + lines.number(), defaults);
                pending.add(new Pending(item, pool.submit(() -> verifier.verify(item.gold(), item.prediction(), item.config()))));
                if (pending.size() >= window) {
                    written += write(pending, w, tally);
                    bar = progress(bar, start, total, written);
                }
            }
            while (!pending.isEmpty()) {
                written += write(pending, w, tally);
                bar = progress(bar, start, total, written);
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** Short runs stay quiet; a bar appears once a run has taken a second. */
    private static ProgressBar progress(ProgressBar bar, long start, int total, int written) {
        if (bar != null) {
            bar.stepTo(written);
            return bar;
        }
        return System.nanoTime() - start > 1_000_000_000L ? ResumableJsonl.progress("verifying", total, written) : null;
    }

    /** Writes the oldest verdict, waiting for it, then any after it already known; one flush for all. */
    private static int write(ArrayDeque<Pending> pending, BufferedWriter w, Tally tally) throws IOException, InterruptedException {
        int count = 0;
        do {
            Pending p = pending.poll();
            MathVerdict v;
            try {
                v = p.verdict().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            w.write(Json.line(withVerdict(p.item().node(), v)));
            w.newLine();
            count++;
            if (v.equal()) {
                tally.equal++;
            } else if (v.failed()) {
                // No verdict on the prediction (the gold has no answer, or the verifier broke): counted apart, never "not equal".
                tally.failed++;
                if (tally.firstFailure == null) {
                    tally.firstFailure = p.item().node().path("id").asText("line " + (tally.equal + tally.notEqual + tally.failed)) + ": " + v.reason();
                }
            } else {
                tally.notEqual++;
            }
            if (v.timedOut()) {
                tally.timedOut++;
            }
        } while (!pending.isEmpty() && pending.peek().verdict().isDone());
        w.flush();
        return count;
    }

    /** The input line with the verdict's fields added (same-named fields are replaced where they stand). */
    static ObjectNode withVerdict(ObjectNode line, MathVerdict v) {
        line.put("equal", v.equal());
        line.put("reason", v.reason());
        line.put("timed_out", v.timedOut());
        line.put("outcome", dev.arbiter.verify.MathAnswerVerifier.outcome(v, false).label());
        ObjectNode extracted = line.putObject("extracted");
        v.extractedGold().forEach(extracted.putArray("gold")::add);
        v.extractedPred().forEach(extracted.putArray("pred")::add);
        line.put("millis", BigDecimal.valueOf(v.micros(), 3));
        return line;
    }

    /** Parses one input line; any problem is a one-line error starting with {@code where} (file:line). */
    static Item parse(String raw, String where, MathConfig defaults) {
        JsonNode n;
        try {
            n = READER.readTree(raw);
        } catch (IOException e) {
            throw new Errors.UserError(where + ": not valid JSON");
        }
        if (!(n instanceof ObjectNode o)) {
            throw new Errors.UserError(where + ": not a JSON object");
        }
        String gold = text(o, "gold", where);
        String prediction = text(o, "prediction", where);
        MathConfig config;
        try {
            config = ConfigJson.read(o.get("config"), defaults);
        } catch (IllegalArgumentException e) {
            throw new Errors.UserError(where + ": config: " + e.getMessage());
        }
        return new Item(o, gold, prediction, config);
    }

    private static String text(ObjectNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new Errors.UserError(where + ": needs " + field);
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.bigIntegerValue().toString() : v.decimalValue().toPlainString();
        }
        throw new Errors.UserError(where + ": " + field + " must be a string, not " + v.getNodeType().name().toLowerCase());
    }

    /** A resumed --out must belong to this --in: its last line must hold the same pair as the input's. */
    private void sameInput(ResumableJsonl.Done done, Item item, int line) {
        for (String f : List.of("gold", "prediction")) {
            if (!same(item.node().get(f), done.last().get(f))) {
                throw new Errors.UserError(out + ":" + done.lines() + ": " + f + " differs from " + in + ":" + line
                        + "; is it the output of another input? Give a new --out");
            }
        }
    }

    /** Numbers by value: --out is read back without BigDecimal floats. */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return java.util.Objects.equals(a, b);
    }
}
