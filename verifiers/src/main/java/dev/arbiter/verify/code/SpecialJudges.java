package dev.arbiter.verify.code;

import dev.arbiter.sandbox.OutputChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Special judges for LiveCodeBench problems that accept several answers (its ERRATA list), which
 * its exact rule grades wrong when a program prints another valid answer. The sources are ours, in
 * sandbox/checkers/, packed into the jar; each compiles against our testlib.h.
 */
public final class SpecialJudges {
    private SpecialJudges() {}

    /** LiveCodeBench question id to checker source file. */
    private static final Map<String, String> JUDGES = Map.of("arc185_c", "arc185_c.cpp");

    /** The judge for a problem id (a benchmark's, like "atcoder/arc185_c", or the bare question id), if it has one. */
    public static Optional<OutputChecker> forProblem(String problemId) {
        String question = problemId.substring(problemId.lastIndexOf('/') + 1);
        String file = JUDGES.get(question);
        if (file == null) {
            return Optional.empty();
        }
        try (InputStream in = SpecialJudges.class.getResourceAsStream("/dev/arbiter/sandbox/checkers/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the judge " + file + " is not in the jar");
            }
            return Optional.of(new OutputChecker.Testlib(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a problem has a judge. */
    public static boolean has(String problemId) {
        return JUDGES.containsKey(problemId.substring(problemId.lastIndexOf('/') + 1));
    }
}
