package dev.arbiter.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.verify.MathAnswerVerifier;
import dev.arbiter.verify.math.ConfigJson;
import dev.arbiter.verify.math.MathConfig;
import dev.arbiter.verify.math.MathVerdict;
import dev.arbiter.verify.math.MathVerifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Verifies a JSONL file of gold/prediction pairs in parallel into a resumable output: each output line
 * is its input line with the verdict's fields added, in input order, written as soon as it is known.
 */
public final class VerifyBatch {
    private VerifyBatch() {}

    /** Floats as BigDecimal, trailing zeros kept: fields written back read as they did. */
    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    /** One input line: the object as read, what to compare, and with which settings. */
    public record Item(ObjectNode node, String gold, String prediction, MathConfig config) {}

    /** An input whose every line was read once, and the lines an earlier run left in the output. */
    public record Plan(Path in, Path out, MathConfig defaults, int total, ResumableJsonl.Done done) {
        public int todo() {
            return total - done.lines();
        }
    }

    /** The verdicts of one run, by kind; a failed one is no verdict, counted apart from "not equal". */
    public static final class Tally {
        private int equal;
        private int notEqual;
        private int timedOut;
        private int failed;
        private String firstFailure;

        public int equal() {
            return equal;
        }

        public int notEqual() {
            return notEqual;
        }

        public int timedOut() {
            return timedOut;
        }

        public int failed() {
            return failed;
        }

        public String firstFailure() {
            return firstFailure;
        }

        /** The summary of verifying {@code lines} lines in {@code secs}. */
        public String summary(int lines, double secs) {
            return String.format("verified %d lines: %d equal, %d not equal, %d timed out%s in %.2f s (%.0f verdicts/s)", lines, equal, notEqual,
                    timedOut, failed == 0 ? "" : ", " + failed + " could not be verified", secs, lines / Math.max(secs, 1e-9));
        }

        /** The error when some lines got no verdict, naming the first failure; null when every line has one. */
        public String unjudged() {
            return failed == 0 ? null : failed + " lines got no verdict (outcome infrastructure_error; first: " + firstFailure + ")";
        }
    }

    private record Pending(Item item, Future<MathVerdict> verdict) {}

    /**
     * Reads every line once before any verdict, so that a bad line costs nothing, checks that the lines
     * already in {@code out} are this input's, and cuts a line torn by a kill.
     */
    public static Plan plan(Path in, Path out, MathConfig defaults) throws IOException {
        ResumableJsonl.Done done = ResumableJsonl.scan(out, l -> l.path("equal").isBoolean() && l.has("gold") && l.has("prediction"));
        int total = 0;
        try (InputFiles.Lines lines = new InputFiles.Lines(in)) {
            for (String raw; (raw = lines.next()) != null; ) {
                if (!raw.isBlank()) {
                    Item item = parse(raw, in + ":" + lines.number(), defaults);
                    if (++total == done.lines()) {
                        sameInput(in, out, done, item, lines.number());
                    }
                }
            }
        }
        if (done.lines() > total) {
            throw new RunException(out + " holds " + done.lines() + " verified lines but " + in + " has only " + total);
        }
        ResumableJsonl.cut(out, done);
        return new Plan(in, out, defaults, total, done);
    }

    /** Verifies the lines the plan leaves on {@code threads} threads; {@code written} hears the count of lines in the output. */
    public static Tally run(Plan plan, int threads, IntConsumer written) throws Exception {
        Tally tally = new Tally();
        if (plan.todo() == 0) {
            return tally;
        }
        // Reads ahead of the oldest unwritten verdict by a bounded window: memory stays flat on big files.
        int window = threads * 8;
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        try (MathVerifier verifier = new MathVerifier(plan.defaults());
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                InputFiles.Lines lines = new InputFiles.Lines(plan.in());
                BufferedWriter w = Files.newBufferedWriter(plan.out(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            verifier.warmUp(); // a Symja child starts while the first verdicts need none
            int record = 0;
            int count = plan.done().lines();
            for (String raw; (raw = lines.next()) != null; ) {
                if (raw.isBlank() || ++record <= plan.done().lines()) {
                    continue;
                }
                Item item = parse(raw, plan.in() + ":" + lines.number(), plan.defaults());
                pending.add(new Pending(item, pool.submit(() -> verifier.verify(item.gold(), item.prediction(), item.config()))));
                if (pending.size() >= window) {
                    count += write(pending, w, tally);
                    written.accept(count);
                }
            }
            while (!pending.isEmpty()) {
                count += write(pending, w, tally);
                written.accept(count);
            }
        }
        return tally;
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
    public static ObjectNode withVerdict(ObjectNode line, MathVerdict v) {
        line.put("equal", v.equal());
        line.put("reason", v.reason());
        line.put("timed_out", v.timedOut());
        line.put("outcome", MathAnswerVerifier.outcome(v, false).label());
        ObjectNode extracted = line.putObject("extracted");
        v.extractedGold().forEach(extracted.putArray("gold")::add);
        v.extractedPred().forEach(extracted.putArray("pred")::add);
        line.put("millis", BigDecimal.valueOf(v.micros(), 3));
        return line;
    }

    /** Parses one input line; any problem is a one-line {@link RunException} starting with {@code where} (file:line). */
    public static Item parse(String raw, String where, MathConfig defaults) {
        JsonNode n;
        try {
            n = READER.readTree(raw);
        } catch (IOException e) {
            throw new RunException(where + ": not valid JSON");
        }
        if (!(n instanceof ObjectNode o)) {
            throw new RunException(where + ": not a JSON object");
        }
        String gold = text(o, "gold", where);
        String prediction = text(o, "prediction", where);
        MathConfig config;
        try {
            config = ConfigJson.read(o.get("config"), defaults);
        } catch (IllegalArgumentException e) {
            throw new RunException(where + ": config: " + e.getMessage());
        }
        return new Item(o, gold, prediction, config);
    }

    private static String text(ObjectNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new RunException(where + ": needs " + field);
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.bigIntegerValue().toString() : v.decimalValue().toPlainString();
        }
        throw new RunException(where + ": " + field + " must be a string, not " + v.getNodeType().name().toLowerCase());
    }

    /** A resumed output must belong to this input: its last line must hold the same pair as the input's. */
    private static void sameInput(Path in, Path out, ResumableJsonl.Done done, Item item, int line) {
        for (String f : List.of("gold", "prediction")) {
            if (!same(item.node().get(f), done.last().get(f))) {
                throw new RunException(out + ":" + done.lines() + ": " + f + " differs from " + in + ":" + line
                        + "; is it the output of another input? Give a new --out");
            }
        }
    }

    /** Numbers by value: the output is read back without BigDecimal floats. */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return Objects.equals(a, b);
    }
}
