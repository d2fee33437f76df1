package dev.arbiter.train.rl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.MathAnswer;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.json.Json;
import dev.arbiter.reward.TestsJson;
import dev.arbiter.run.PromptTemplates;
import dev.arbiter.run.RunException;
import dev.arbiter.train.data.SftRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The prompts a run trains on and the held-out prompts it is judged on, each with its gold answer
 * and, where one exists, a demonstration (a correct response, for supervised warm-up).
 */
public record PromptSet(String name, List<Example> train, List<Example> heldOut) {
    /**
     * One prompt with what grades it: a math {@code answer}, or code {@code tests} (then {@code answer}
     * is empty; a demonstration for SFT alone needs neither). {@code demonstration} may be null.
     */
    public record Example(String id, String prompt, String answer, CodeTests tests, String demonstration) {
        public Example {
            answer = tests != null || answer == null ? "" : answer;
        }

        /** A math prompt. */
        public Example(String id, String prompt, String answer, String demonstration) {
            this(id, prompt, answer, null, demonstration);
        }

        public boolean code() {
            return tests != null;
        }
    }

    public PromptSet {
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
        if (train.isEmpty()) {
            throw new IllegalArgumentException(name + ": no training prompts");
        }
    }

    /**
     * The demonstration task: "a+b=" for two random {@code digits}-digit numbers, answered
     * {@code \boxed{sum}}. Held-out pairs never appear in training; up to 4,000 others are drawn for it,
     * at most half of all pairs.
     */
    public static PromptSet addition(int digits, int heldOutCount, long seed) {
        if (digits < 1 || digits > 9) {
            throw new IllegalArgumentException("addition digits must be 1..9, got " + digits);
        }
        long lo = digits == 1 ? 0 : (long) Math.pow(10, digits - 1);
        long hi = (long) Math.pow(10, digits);
        long pairs = (hi - lo) * (hi - lo);
        long trainCount = Math.min(4000, pairs / 2 - heldOutCount);
        if (heldOutCount < 0 || trainCount < 10) {
            throw new IllegalArgumentException(digits + "-digit addition has only " + pairs + " pairs: too few to train on besides "
                    + heldOutCount + " held out");
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Set<Long> seen = new HashSet<>();
        List<Example> held = new ArrayList<>();
        List<Example> train = new ArrayList<>();
        while (held.size() + train.size() < heldOutCount + trainCount) {
            long a = r.nextLong(lo, hi);
            long b = r.nextLong(lo, hi);
            if (!seen.add(a * hi + b)) {
                continue;
            }
            Example e = new Example(a + "+" + b, a + "+" + b + "=", Long.toString(a + b), "\\boxed{" + (a + b) + "}");
            (held.size() < heldOutCount ? held : train).add(e);
        }
        return new PromptSet("addition-" + digits, train, held);
    }

    /** A tenth of the pairs, at most 200. */
    public static int defaultHeldOut(int digits) {
        long n = (long) Math.pow(10, digits) - (digits == 1 ? 0 : (long) Math.pow(10, digits - 1));
        return (int) Math.min(200, n * n / 10);
    }

    /**
     * A JSONL file of {@code {"prompt", "answer"}} (math) or {@code {"prompt", "tests"}} (code, in any
     * form the reward service reads) lines, with optional {@code id} and {@code response} (a
     * demonstration). Every {@code heldOutEvery}-th line is held out (0: none).
     */
    public static PromptSet jsonl(Path file, int heldOutEvery) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        List<Example> train = new ArrayList<>();
        List<Example> held = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.mapper().readTree(l);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON");
            }
            boolean math = n.path("answer").isTextual() || n.path("answer").isNumber();
            if (!n.path("prompt").isTextual() || math == n.has("tests")) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": needs a \"prompt\" string and either an \"answer\" or \"tests\"");
            }
            CodeTests tests;
            try {
                tests = math ? null : TestsJson.read(n.get("tests"), "tests");
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + ex.getMessage());
            }
            Example e = new Example(n.path("id").asText("line-" + (i + 1)), n.get("prompt").asText(), math ? n.get("answer").asText() : "", tests,
                    n.path("response").isTextual() ? n.get("response").asText() : null);
            (heldOutEvery > 0 && (train.size() + held.size() + 1) % heldOutEvery == 0 ? held : train).add(e);
        }
        return new PromptSet(file.getFileName().toString(), train, held);
    }

    /**
     * The prompts `arbiter train rl` names by exactly one of: the built-in {@code task}, a JSONL {@code file}, or a
     * benchmark (loaded only then); every {@code heldOutEvery}-th of a file's or benchmark's prompts is held out.
     *
     * @throws IllegalArgumentException for a task that does not exist or a file that is not there
     */
    public static PromptSet of(String task, Path file, java.util.function.Supplier<Benchmarks.Loaded> benchmark, int heldOutEvery, long seed) {
        if (task != null) {
            return task(task, seed);
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--prompts " + file + ": no such file");
            }
            return jsonl(file, heldOutEvery);
        }
        return benchmark(benchmark.get(), heldOutEvery);
    }

    /** The built-in task named by {@code addition:D}: D-digit addition answered in \boxed{}. */
    public static PromptSet task(String name, long seed) {
        String[] p = name.split(":");
        if (!p[0].equals("addition") || p.length != 2 || !p[1].matches("\\d")) {
            throw new IllegalArgumentException("--task takes addition:D with D digits per addend, e.g. addition:2");
        }
        int d = Integer.parseInt(p[1]);
        return addition(d, defaultHeldOut(d), seed);
    }

    /**
     * A benchmark's problems asked as `arbiter eval` asks them by default, so a trained model is judged
     * on what it was trained on; every {@code heldOutEvery}-th is held out (0: none).
     */
    public static PromptSet benchmark(Benchmarks.Loaded loaded, int heldOutEvery) {
        List<Example> train = new ArrayList<>();
        List<Example> held = new ArrayList<>();
        int i = 0;
        for (Problem p : loaded.problems()) {
            Example e = p.gold() instanceof CodeTests tests
                    ? new Example(p.id(), PromptTemplates.CODE.replace("{problem}", p.prompt()), "", tests, null)
                    : new Example(p.id(), PromptTemplates.MATH.replace("{problem}", p.prompt()), ((MathAnswer) p.gold()).answer(),
                            ((MathAnswer) p.gold()).solution());
            (heldOutEvery > 0 && ++i % heldOutEvery == 0 ? held : train).add(e);
        }
        return new PromptSet(loaded.name(), train, held);
    }

    /**
     * Prompt/response pairs to imitate, from ShareGPT ({@code conversations}), Alpaca ({@code instruction}/{@code output})
     * or plain prompt/response JSONL lines; a bad line is an {@link RunException}.
     */
    public static List<Example> demonstrations(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RunException("cannot read " + file + ": " + e.getMessage());
        }
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.mapper().readTree(lines.get(i));
            } catch (IOException e) {
                throw new RunException(file + " line " + (i + 1) + ": not JSON");
            }
            SftRecords.Demonstration d = SftRecords.demonstration(n);
            if (d == null) {
                throw new RunException(file + " line " + (i + 1) + ": no prompt and response (expected ShareGPT conversations, Alpaca "
                        + "instruction/output, or prompt/response)");
            }
            out.add(new Example("line-" + (i + 1), d.prompt(), "", d.response()));
        }
        if (out.isEmpty()) {
            throw new RunException(file + " holds no demonstrations");
        }
        return out;
    }
}
