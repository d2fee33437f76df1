package dev.arbiter.verify;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxException;
import dev.arbiter.verify.code.CodeExtractor;
import dev.arbiter.verify.code.CodeGrader;
import dev.arbiter.verify.code.CodeVerdict;
import java.util.function.Supplier;

/**
 * Code through the seam: the program is extracted as LiveCodeBench does and run against the tests
 * in the sandbox by {@link CodeGrader}, and its verdict is read into an {@link Outcome} in one
 * place. The sandbox is started only when some response has code to run, so a finished run starts
 * no containers; a sandbox that cannot start, or that fails on two containers, is an
 * infrastructure error with its own message, never a wrong program.
 */
public final class CodeTestVerifier implements Verifier, AutoCloseable {
    private final Pool pool;
    private final CodeGrader.Settings settings;
    private final int parallelism;

    /** The sandbox, started once on first need and shared by every settings of one verifier (see {@link #with}). */
    private static final class Pool {
        private final Supplier<Sandbox> start;
        private final boolean owned;
        private Sandbox sandbox;
        private String unavailable;

        Pool(Supplier<Sandbox> start, boolean owned, String unavailable) {
            this.start = start;
            this.owned = owned;
            this.unavailable = unavailable;
        }

        /** Null once it could not start, with {@link #unavailable} saying why, so no later check waits on a second try. */
        synchronized Sandbox get() {
            if (sandbox == null && unavailable == null) {
                try {
                    sandbox = start.get();
                } catch (SandboxException e) {
                    unavailable = "the sandbox did not start: " + e.getMessage();
                } catch (RuntimeException e) {
                    // Docker's client throws its own kinds (a bad DOCKER_HOST, a daemon gone mid-start): the same, with their words.
                    unavailable = "the sandbox did not start: " + e;
                }
            }
            return sandbox;
        }

        synchronized String unavailable() {
            return unavailable == null ? "no code sandbox is available" : unavailable;
        }

        synchronized void close() {
            if (owned && sandbox != null) {
                sandbox.close();
                sandbox = null;
            }
        }
    }

    private CodeTestVerifier(Pool pool, CodeGrader.Settings settings, int parallelism) {
        this.pool = pool;
        this.settings = settings;
        this.parallelism = parallelism;
    }

    /** Grades in a sandbox someone else started and closes. */
    public static CodeTestVerifier over(Sandbox sandbox, CodeGrader.Settings settings) {
        return new CodeTestVerifier(new Pool(() -> sandbox, false, null), settings, sandbox.containers() * 2);
    }

    /** Starts a sandbox with {@code start} on first need, runs {@code parallelism} programs at once, and closes it with this. */
    public static CodeTestVerifier starting(Supplier<Sandbox> start, CodeGrader.Settings settings, int parallelism) {
        return new CodeTestVerifier(new Pool(start, true, null), settings, parallelism);
    }

    /** No sandbox at all: every program is an infrastructure error carrying {@code why}. */
    public static CodeTestVerifier unavailable(String why, CodeGrader.Settings settings) {
        return new CodeTestVerifier(new Pool(() -> null, false, why), settings, 1);
    }

    public CodeGrader.Settings settings() {
        return settings;
    }

    /** The same sandbox under other settings (a shorter per-test limit, say); closing either closes the one sandbox. */
    public CodeTestVerifier with(CodeGrader.Settings other) {
        return new CodeTestVerifier(pool, other, parallelism);
    }

    @Override
    public Verdict verify(Check check) {
        long t0 = System.nanoTime();
        if (!(check.gold() instanceof CodeTests tests)) {
            throw new IllegalArgumentException(check.id() + " has no tests to run");
        }
        if (CodeExtractor.extract(check.response()).isBlank()) {
            return new Verdict(check.truncated() ? Outcome.TRUNCATED : Outcome.NO_ANSWER, null,
                    check.truncated() ? "cut off at the token budget before a fenced code block" : "no fenced code block", null, micros(t0));
        }
        Sandbox s = pool.get();
        if (s == null) {
            return Verdict.infrastructureError(pool.unavailable(), null, micros(t0));
        }
        CodeVerdict v;
        try {
            v = new CodeGrader(s, settings).grade(check.id() == null ? "item" : check.id(), tests, check.grader(), check.response(),
                    check.language());
        } catch (RuntimeException e) {
            return Verdict.infrastructureError("the code grader failed: " + e, null, micros(t0));
        }
        return read(v, micros(t0));
    }

    /** The one reading of a code verdict. */
    static Verdict read(CodeVerdict v, long micros) {
        if (!v.graded()) {
            return Verdict.infrastructureError("sandbox error: " + v.sandboxError(), v, micros);
        }
        if (v.passed()) {
            return new Verdict(Outcome.CORRECT, null, "all " + v.testsTotal() + " tests passed", v, micros);
        }
        String why = v.firstFailure() == null ? "failed" : "test " + v.firstFailure().test() + ": " + v.firstFailure().reason();
        return new Verdict(v.timedOut() ? Outcome.PROGRAM_TIMEOUT : Outcome.WRONG, null, why, v, micros);
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static long micros(long t0) {
        return (System.nanoTime() - t0) / 1000;
    }
}
