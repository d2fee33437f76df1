package dev.arbiter.verify.code;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.sandbox.CompileResult;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.LcbCode;
import dev.arbiter.sandbox.LcbExecution;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.OutputChecker;
import dev.arbiter.sandbox.ProgramExecution;
import dev.arbiter.sandbox.ProgramRequest;
import dev.arbiter.sandbox.ProgramRun;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.RunStatus;
import dev.arbiter.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Grades raw model outputs on code problems: extracts the code as LiveCodeBench does, runs it in
 * the sandbox, and returns a {@link CodeVerdict}. Two graders: LiveCodeBench's exact rules, and
 * CodeContests' tolerant stdin checker.
 */
public final class CodeGrader {
    public enum Kind {
        LIVECODEBENCH,
        CODECONTESTS
    }

    /**
     * Grading settings; {@code timeoutS} is LCB's per-test limit in whole seconds. With {@code judges},
     * a LiveCodeBench problem that accepts several answers and has a special judge
     * ({@link SpecialJudges}) is graded by it; without, by LiveCodeBench's exact rule, as its
     * official score is.
     */
    public record Settings(int timeoutS, LcbRequest.Clock clock, Limits limits, boolean judges) {
        public static final Settings LCB_DEFAULT = new Settings(6, LcbRequest.Clock.WALL, Limits.DEFAULT);

        public Settings(int timeoutS, LcbRequest.Clock clock, Limits limits) {
            this(timeoutS, clock, limits, false);
        }

        public Settings withJudges(boolean on) {
            return new Settings(timeoutS, clock, limits, on);
        }
    }

    private final Sandbox sandbox;
    private final Settings settings;

    public CodeGrader(Sandbox sandbox, Settings settings) {
        this.sandbox = sandbox;
        this.settings = settings;
    }

    /** Which grader a benchmark's published scores use. */
    public static Kind graderFor(String benchmark) {
        return benchmark.startsWith("code_contests") ? Kind.CODECONTESTS : Kind.LIVECODEBENCH;
    }

    public CodeVerdict grade(Problem problem, String completion) {
        if (!(problem.gold() instanceof CodeTests tests)) {
            throw new IllegalArgumentException("problem " + problem.id() + " is not a code problem");
        }
        return grade(problem.id(), tests, graderFor(problem.benchmark()), completion);
    }

    /** Grades a raw model output against tests that come without a benchmark (a reward request, say). */
    public CodeVerdict grade(String id, CodeTests tests, Kind grader, String completion) {
        return grade(id, tests, grader, completion, null);
    }

    /**
     * Grades in {@code language} when one is given (a request's own field). Without one, the
     * CodeContests grader takes the language the code fence names, and LiveCodeBench's grader takes
     * Python whatever the fence says, as LiveCodeBench's own runner does.
     */
    public CodeVerdict grade(String id, CodeTests tests, Kind grader, String completion, Language language) {
        String code = CodeExtractor.extract(completion);
        Language lang = languageOf(grader, completion, language);
        Optional<OutputChecker> judge = grader == Kind.LIVECODEBENCH && settings.judges() ? SpecialJudges.forProblem(id) : Optional.empty();
        if (lang != Language.PYTHON || judge.isPresent()) {
            return program(id, tests, grader, code, lang, judge.orElse(OutputChecker.LCB));
        }
        return switch (grader) {
            case LIVECODEBENCH -> lcb(id, tests, code);
            case CODECONTESTS -> codeContests(id, tests, code);
        };
    }

    /** The language a completion is graded in: the one asked for, else the grader's rule (see {@link #grade(String, CodeTests, Kind, String, Language)}). */
    public static Language languageOf(Kind grader, String completion, Language asked) {
        if (asked != null) {
            return asked;
        }
        return grader == Kind.CODECONTESTS ? CodeExtractor.language(completion).orElse(Language.PYTHON) : Language.PYTHON;
    }

    /**
     * A program in another language: compiled once, run on every test (LiveCodeBench's grader stops at
     * the first failure, as it does for Python). LiveCodeBench's rule compares in the driver;
     * CodeContests' tolerant checker here.
     */
    private CodeVerdict program(String id, CodeTests tests, Kind grader, String code, Language language, OutputChecker checker) {
        // The verdict says when a special judge, not LiveCodeBench's exact rule, decided it.
        String name = grader.name().toLowerCase() + (checker instanceof OutputChecker.LiveCodeBench ? "" : "+judge");
        String clock = settings.clock().name().toLowerCase();
        List<String> inputs = tests.tests().stream().map(TestCase::input).toList();
        boolean lcb = grader == Kind.LIVECODEBENCH;
        boolean publicOnly = lcb && tests.coverage() == CodeTests.Coverage.PUBLIC_ONLY;
        if (tests.fnName() != null) {
            CodeVerdict.Failure f = new CodeVerdict.Failure(0, lcb ? LcbCode.RUNTIME_ERROR.lcbValue() : Boolean.FALSE,
                    "Compilation error: a call-based problem (" + tests.fnName() + ") is graded in Python only, not " + language.wireName(),
                    null, null);
            return new CodeVerdict(id, false, name, clock, inputs.size(), 0, List.of(f.code()), f, publicOnly, 0, 0, List.of(), null,
                    language.wireName());
        }
        List<String> expected = tests.tests().stream().map(TestCase::output).toList();
        ProgramRequest request = new ProgramRequest(language, code, inputs, lcb ? expected : null, checker, testLimits(), lcb,
                ProgramRequest.COMPILE_DEFAULT);
        ProgramExecution<Checked> ex = sandbox.program(request, (i, r) -> lcb ? checkLcb(i, r, expected.get(i)) : check(tests, i, r.result()));
        if (ex.sandboxFailed()) {
            return CodeVerdict.sandboxError(id, name, clock, inputs.size(), publicOnly, ex.sandboxError());
        }
        if (!ex.compiled()) {
            CompileResult c = ex.compile().orElseThrow();
            CodeVerdict.Failure f = new CodeVerdict.Failure(0, lcb ? LcbCode.RUNTIME_ERROR.lcbValue() : Boolean.FALSE,
                    "Compilation error: " + c.reason() + (c.message().isBlank() ? "" : "\n" + clip(c.message(), COMPILE_MESSAGE)), null, null);
            return new CodeVerdict(id, false, name, clock, inputs.size(), 0, List.of(f.code()), f, publicOnly, c.wallMs(), c.cpuMs(),
                    List.of(), null, language == Language.PYTHON ? null : language.wireName());
        }
        List<Object> values = new ArrayList<>();
        CodeVerdict.Failure failure = null;
        long wall = 0;
        long cpu = 0;
        List<CodeVerdict.TestCost> costs = new ArrayList<>();
        for (Checked c : ex.runs()) {
            wall += c.cost().wallMs();
            cpu += c.cost().cpuMs();
            costs.add(c.cost());
            values.add(c.failure() == null ? Boolean.TRUE : lcb ? c.failure().code() : Boolean.FALSE);
            if (c.failure() != null && failure == null) {
                failure = c.failure();
            }
        }
        int passedCount = (int) ex.runs().stream().filter(c -> c.failure() == null).count();
        return new CodeVerdict(id, passedCount == inputs.size(), name, clock, inputs.size(), passedCount, values, failure, publicOnly,
                wall, cpu, costs, null, language == Language.PYTHON ? null : language.wireName());
    }

    /** The limits of one test: the per-test time limit on the clock asked for. */
    private Limits testLimits() {
        Limits limits = settings.limits().withWallMs(settings.timeoutS() * 1000L);
        if (settings.clock() == LcbRequest.Clock.CPU) {
            limits = limits.withCpuMs(settings.timeoutS() * 1000L).withWallMs(settings.timeoutS() * 3000L);
        }
        return limits;
    }

    /** A run checked in the driver by LiveCodeBench's rule, in LiveCodeBench's values. */
    private static Checked checkLcb(int i, ProgramRun r, String expected) {
        CodeVerdict.TestCost cost = new CodeVerdict.TestCost(r.result().wallMs(), r.result().cpuMs());
        if (r.result().status() == RunStatus.SANDBOX_ERROR) {
            return new Checked(cost, null, r.result().stderr());
        }
        if (r.accepted()) {
            return new Checked(cost, null, null);
        }
        RunResult res = r.result();
        CodeVerdict.Failure f = switch (res.status()) {
            case OK -> new CodeVerdict.Failure(i, LcbCode.WRONG_ANSWER.lcbValue(), r.wrong(), clip(res.stdout(), 300), clip(expected, 300));
            case TIMEOUT, CPU_LIMIT -> new CodeVerdict.Failure(i, LcbCode.TIME_LIMIT.lcbValue(), "Time Limit Exceeded", null, null);
            default -> new CodeVerdict.Failure(i, LcbCode.RUNTIME_ERROR.lcbValue(), "Runtime Error: " + res.status().name().toLowerCase()
                    + how(res) + tail(res.stderr()), null, null);
        };
        return new Checked(cost, f, null);
    }

    private static String how(RunResult r) {
        return r.exitCode() != null ? " (exit code " + r.exitCode() + ")" : r.signal() != null ? " (signal " + r.signal() + ")" : "";
    }

    private CodeVerdict lcb(String id, CodeTests tests, String code) {
        List<String> inputs = tests.tests().stream().map(TestCase::input).toList();
        List<String> outputs = tests.tests().stream().map(TestCase::output).toList();
        LcbRequest request = new LcbRequest(code, inputs, outputs, tests.fnName(), settings.timeoutS(), settings.clock(), settings.limits());
        // The sandbox has already retried a failure once, on another container.
        LcbExecution ex = sandbox.lcb(request);
        boolean publicOnly = tests.coverage() == CodeTests.Coverage.PUBLIC_ONLY;
        if (ex.sandboxFailed()) {
            return CodeVerdict.sandboxError(id, "livecodebench", settings.clock().name().toLowerCase(), inputs.size(), publicOnly,
                    String.valueOf(ex.metadata().get("error_message")));
        }
        List<Object> values = new ArrayList<>();
        ex.results().forEach(c -> values.add(c.lcbValue()));
        int passedCount = (int) ex.results().stream().filter(LcbCode::passed).count();
        boolean passed = ex.passed(inputs.size());
        CodeVerdict.Failure failure = null;
        if (!passed) {
            var m = ex.metadata();
            int idx = m.get("test") instanceof Number n ? n.intValue() : Math.max(0, ex.results().size() - 1);
            LcbCode last = ex.results().isEmpty() ? LcbCode.RUNNER_ERROR : ex.results().get(ex.results().size() - 1);
            String reason = String.valueOf(m.getOrDefault("error_message", last.name()));
            if (m.get("error") != null) {
                reason = reason + ": " + m.get("error");
            }
            failure = new CodeVerdict.Failure(idx, last.lcbValue(), reason,
                    m.get("output") == null ? null : String.valueOf(m.get("output")),
                    m.get("expected") == null ? null : String.valueOf(m.get("expected")));
        }
        List<CodeVerdict.TestCost> costs = ex.tests().stream().map(t -> new CodeVerdict.TestCost(t.wallMs(), t.cpuMs())).toList();
        return new CodeVerdict(id, passed, "livecodebench", settings.clock().name().toLowerCase(), inputs.size(), passedCount,
                values, failure, publicOnly, ex.wallMs(), ex.cpuMs(), costs, null, null);
    }

    private CodeVerdict codeContests(String id, CodeTests tests, String code) {
        List<String> inputs = tests.tests().stream().map(TestCase::input).toList();
        Limits limits = testLimits();
        // Every test, as CodeContests' own runner does: the fraction passed is a useful reward too.
        // Each run is checked as it arrives and only its verdict kept: a program that floods its
        // output on every test must not fill this process's memory.
        List<Checked> runs = sandbox.runEach(code, inputs, limits, false, (i, r) -> check(tests, i, r));
        Checked broken = runs.stream().filter(c -> c.sandboxError() != null).findFirst().orElse(null);
        if (broken != null) {
            return CodeVerdict.sandboxError(id, "codecontests", settings.clock().name().toLowerCase(), inputs.size(), false, broken.sandboxError());
        }
        List<Object> values = new ArrayList<>();
        CodeVerdict.Failure failure = null;
        long wall = 0;
        long cpu = 0;
        List<CodeVerdict.TestCost> costs = new ArrayList<>();
        for (Checked c : runs) {
            wall += c.cost().wallMs();
            cpu += c.cost().cpuMs();
            costs.add(c.cost());
            values.add(c.failure() == null);
            if (c.failure() != null && failure == null) {
                failure = c.failure();
            }
        }
        int passedCount = (int) values.stream().filter(Boolean.TRUE::equals).count();
        boolean passed = passedCount == inputs.size();
        return new CodeVerdict(id, passed, "codecontests", settings.clock().name().toLowerCase(), inputs.size(), passedCount,
                values, failure, false, wall, cpu, costs, null, null);
    }

    /** What is kept of one CodeContests run: its cost, and why it failed (null when it passed). */
    private record Checked(CodeVerdict.TestCost cost, CodeVerdict.Failure failure, String sandboxError) {}

    private static Checked check(CodeTests tests, int i, RunResult r) {
        if (r.status() == RunStatus.SANDBOX_ERROR) {
            return new Checked(new CodeVerdict.TestCost(0, 0), null, r.stderr());
        }
        String expected = i < tests.tests().size() ? tests.tests().get(i).output() : "";
        boolean ok = r.status() == RunStatus.OK && TolerantChecker.matches(r.stdout(), expected);
        CodeVerdict.Failure failure = null;
        if (!ok) {
            String reason = r.status() == RunStatus.OK ? "Wrong answer" : r.status().name().toLowerCase() + tail(r.stderr());
            // A run out of time carries LiveCodeBench's time-limit code, so both graders' timeouts read alike.
            Object code = r.status() == RunStatus.TIMEOUT || r.status() == RunStatus.CPU_LIMIT ? (Object) (-3) : Boolean.FALSE;
            failure = new CodeVerdict.Failure(i, code, reason, clip(r.stdout()), clip(expected));
        }
        return new Checked(new CodeVerdict.TestCost(r.wallMs(), r.cpuMs()), failure, null);
    }

    private static String tail(String stderr) {
        String s = stderr == null ? "" : stderr.strip();
        if (s.isEmpty()) {
            return "";
        }
        String[] lines = s.split("\n");
        return ": " + lines[lines.length - 1];
    }

    private static String clip(String s) {
        return clip(s, 300);
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /** Of a compiler's message, what a verdict carries. */
    private static final int COMPILE_MESSAGE = 2000;
}
