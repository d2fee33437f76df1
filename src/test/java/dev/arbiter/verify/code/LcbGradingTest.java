package dev.arbiter.verify.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.DataConfig;
import dev.arbiter.benchmark.Metadata;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.sandbox.HostilePrograms;
import dev.arbiter.sandbox.LcbRequest;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.SandboxPool;
import dev.arbiter.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** LiveCodeBench's verdicts on real problems and on the quirks its runner is known for. */
@Tag("docker")
@Tag("data")
class LcbGradingTest {
    @TempDir
    static Path cache;

    @RegisterExtension
    static final SandboxPool pool = new SandboxPool(2);
    static CodeGrader grader;
    static Map<String, Problem> real = new HashMap<>();

    @BeforeAll
    static void start() {
        // A 1 s per-test limit keeps the timeout cases quick; LCB's rule is the same at 6 s.
        grader = new CodeGrader(pool.get(), new CodeGrader.Settings(1, LcbRequest.Clock.WALL, Limits.DEFAULT));
        new Benchmarks(new DataConfig(Shared.datasets(), cache, true, null, null))
                .load("lcb_v1_samples", Selection.DEFAULT).problems().forEach(p -> real.put(p.id(), p));
    }

    static String fenced(String code) {
        return "Reasoning first.\n```python\n" + code + "```\nThat is my answer.";
    }

    // Right solutions to the three real problems, shared with the hostile-programs suite.
    static final String ABC_OK = HostilePrograms.ABC_OK;
    static final String SENIORS_OK = HostilePrograms.SENIORS_OK;
    static final String WINNER_OK = HostilePrograms.WINNER_OK;

    @Test
    void correctSolutionsPassEveryPublicAndPrivateTest() {
        for (var e : Map.of("codeforces/1873_A", ABC_OK, "leetcode/2727", SENIORS_OK, "atcoder/abc301_a", WINNER_OK).entrySet()) {
            Problem p = real.get(e.getKey());
            CodeVerdict v = grader.grade(p, fenced(e.getValue()));
            int n = ((CodeTests) p.gold()).tests().size();
            assertThat(v.passed()).as(e.getKey() + ": " + v.firstFailure()).isTrue();
            assertThat(v.testsPassed()).isEqualTo(n);
            assertThat(v.results()).hasSize(n).containsOnly(true);
            assertThat(v.perTest()).hasSize(n);
        }
        assertThat(((CodeTests) real.get("codeforces/1873_A").gold()).tests()).hasSize(5);
        assertThat(((CodeTests) real.get("leetcode/2727").gold()).tests()).hasSize(14);
        assertThat(((CodeTests) real.get("atcoder/abc301_a").gold()).tests()).hasSize(15);
    }

    @Test
    void wrongAnswersAreMinusTwoForStdinAndFalseForCallBased() {
        CodeVerdict stdin = grader.grade(real.get("atcoder/abc301_a"), fenced("input()\nprint('T')\n"));
        assertThat(stdin.passed()).isFalse();
        assertThat(stdin.results()).last().isEqualTo(-2);
        assertThat(stdin.firstFailure().code()).isEqualTo(-2);
        // The first two tests expect T, so LCB records them as passes before the first failure.
        assertThat(stdin.results().subList(0, stdin.results().size() - 1)).containsOnly(true);

        CodeVerdict call = grader.grade(real.get("leetcode/2727"),
                fenced("class Solution:\n    def countSeniors(self, details):\n        return len(details)\n"));
        assertThat(call.results()).containsExactly(false);
        assertThat(call.firstFailure().reason()).isEqualTo("Wrong Answer");
    }

    @Test
    void timeoutsAreMinusThreeAndStopTheRun() {
        CodeVerdict v = grader.grade(real.get("codeforces/1873_A"), fenced("import time\ntime.sleep(5)\nprint('YES')\n"));
        assertThat(v.results()).containsExactly(-3);
        assertThat(v.firstFailure().reason()).contains("Time Limit Exceeded");
        CodeVerdict loop = grader.grade(real.get("leetcode/2727"),
                fenced("class Solution:\n    def countSeniors(self, details):\n        while True:\n            pass\n"));
        assertThat(loop.results()).containsExactly(-3);
    }

    @Test
    void crashesAndCompileErrorsAreMinusFour() {
        assertThat(grader.grade(real.get("atcoder/abc301_a"), fenced("x = 1 / 0\n")).results()).containsExactly(-4);
        assertThat(grader.grade(real.get("atcoder/abc301_a"), fenced("def broken(:\n")).results()).containsExactly(-4);
        assertThat(grader.grade(real.get("leetcode/2727"), fenced("class Solution:\n    pass\n")).results()).containsExactly(-4);
        assertThat(grader.grade(real.get("atcoder/abc301_a"), "no code block at all").results()).containsExactly(-4);
    }

    // ---- The quirks of LCB's runner, each checked against what its run_test was seen to return.

    /** A LiveCodeBench-graded problem; a null fn makes it a stdin problem. */
    static Problem problem(String fn, List<String> in, List<String> out) {
        TestCase.TestType type = fn == null ? TestCase.TestType.STDIN : TestCase.TestType.FUNCTIONAL;
        List<TestCase> t = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            t.add(new TestCase(in.get(i), out.get(i), type, TestCase.Visibility.PUBLIC));
        }
        return new Problem("q", "livecodebench", "quirk", new CodeTests(t, fn, "", CodeTests.Coverage.PUBLIC_ONLY), Metadata.EMPTY);
    }

    static Problem stdinProblem(List<String> in, List<String> out) {
        return problem(null, in, out);
    }

    static Problem callProblem(String fn, List<String> in, List<String> out) {
        return problem(fn, in, out);
    }

    static List<Object> stdin(String code, String in, String out) {
        return grader.grade(stdinProblem(List.of(in), List.of(out)), fenced(code)).results();
    }

    @Test
    void iteratingOverStdinIsARuntimeErrorUnderLcbsMock() {
        assertThat(stdin("import sys\nfor line in sys.stdin:\n    print(line.strip())\n", "5\n", "5\n")).containsExactly(-4);
    }

    @Test
    void readlinesKeepsTheTrailingEmptyItemAndBufferReadlineRepeatsTheFirstLine() {
        assertThat(stdin("import sys\nprint(len(sys.stdin.readlines()))\n", "a\nb\n", "3\n")).containsExactly(true);
        assertThat(stdin("import sys\na = sys.stdin.buffer.readline()\nb = sys.stdin.buffer.readline()\nprint(a == b)\n",
                "x\ny\n", "True\n")).containsExactly(true);
    }

    @Test
    void topLevelNamesBecomeLocalsSoGlobalStatementsFail() {
        assertThat(stdin("N = 5\ndef f():\n    global N\n    return N\nprint(f())\n", "", "5\n")).containsExactly(-4);
    }

    @Test
    void exitEndsTheTestWithTheOutputSoFar() {
        assertThat(stdin("print(1)\nexit()\nprint(2)\n", "", "1\n")).containsExactly(true);
        assertThat(stdin("import sys\nprint(7)\nsys.exit(0)\n", "", "7\n")).containsExactly(true);
    }

    @Test
    void aSolutionClassIsLookedForInTheRewrittenProgramNotItsComments() {
        // LCB searches the unparsed source, which has lost its comments.
        assertThat(stdin("# no class Solution here\nprint(1)\n", "", "1\n")).containsExactly(true);
    }

    @Test
    void futureImportsFailToCompileAfterThePrelude() {
        assertThat(stdin("from __future__ import annotations\nprint(1)\n", "", "1\n")).containsExactly(-4);
    }

    @Test
    void bigIntegersAndDeepRecursionAreAllowedAsLcbRaisesTheLimits() {
        assertThat(stdin("print(len(str(10**6000)))\n", "", "6001\n")).containsExactly(true);
        assertThat(stdin("import sys\ndef d(n):\n    return 0 if n == 0 else 1 + d(n - 1)\nprint(d(20000))\n", "", "20000\n"))
                .containsExactly(true);
    }

    @Test
    void stdoutIsComparedLineByLineWithDecimalTokens() {
        assertThat(stdin("print('1.0  2')\n", "", "1 2.00\n")).containsExactly(true);
        assertThat(stdin("print('1e3')\n", "", "1000\n")).containsExactly(true);
        assertThat(stdin("print('\\n\\n5\\n\\n')\n", "", "5")).containsExactly(true);
        assertThat(stdin("print('yes')\n", "", "YES\n")).containsExactly(-2);
        assertThat(stdin("print('0.3333333')\n", "", "0.33333333\n")).containsExactly(-2);
        assertThat(stdin("print('a  b')\n", "", "a b\n")).containsExactly(-2);
        assertThat(stdin("print(1)\nprint()\nprint(2)\n", "", "1\n2\n")).containsExactly(-2);
    }

    @Test
    void callBasedAnswersUsePythonEqualityWithTopLevelTuplesAsLists() {
        Problem p = callProblem("f", List.of("3"), List.of("[3, 3]"));
        assertThat(grader.grade(p, fenced("def f(a):\n    return (a, a)\n")).results()).containsExactly(true);
        Problem nested = callProblem("f", List.of("3"), List.of("[[3, 3]]"));
        assertThat(grader.grade(nested, fenced("def f(a):\n    return [(a, a)]\n")).results()).containsExactly(false);
        Problem floats = callProblem("f", List.of("0"), List.of("0.3"));
        assertThat(grader.grade(floats, fenced("def f(a):\n    return 0.1 + 0.2\n")).results()).containsExactly(false);
        Problem ints = callProblem("f", List.of("0"), List.of("2"));
        assertThat(grader.grade(ints, fenced("def f(a):\n    return 2.0\n")).results()).containsExactly(true);
    }

    @Test
    void oneSolutionInstanceServesEveryTest() {
        Problem p = callProblem("g", List.of("1", "1"), List.of("1", "1"));
        String stateful = "class Solution:\n    def __init__(self):\n        self.calls = 0\n"
                + "    def g(self, x):\n        self.calls += 1\n        return self.calls\n";
        assertThat(grader.grade(p, fenced(stateful)).results()).containsExactly(true, false);
    }

    @Test
    void cpuClockDoesNotCountSleepingAsTime() {
        CodeGrader cpu = new CodeGrader(pool.get(), new CodeGrader.Settings(1, LcbRequest.Clock.CPU, Limits.DEFAULT));
        Problem p = stdinProblem(List.of(""), List.of("1\n"));
        CodeVerdict v = cpu.grade(p, fenced("import time\ntime.sleep(1.5)\nprint(1)\n"));
        assertThat(v.results()).containsExactly(true);
        assertThat(v.clock()).isEqualTo("cpu");
        assertThat(v.perTest().get(0).wallMs()).isGreaterThanOrEqualTo(1400);
        assertThat(v.perTest().get(0).cpuMs()).isLessThan(500);
        assertThat(cpu.grade(p, fenced("while True:\n    pass\n")).results()).containsExactly(-3);
    }

    @Test
    void theProcessRunningAProgramDoesNotHoldItsExpectedOutput() {
        // Expected stdout stays in the driver, which compares; the child is forked from a fork server
        // that never saw the request. A program that searches every live container object finds nothing.
        Problem p = stdinProblem(List.of("x\n"), List.of("SECRET-ANSWER-4711\n"));
        String snoop = """
                import gc
                needle = "SECRET-" + "ANSWER-" + str(4711)
                def holds(o):
                    items = o.values() if isinstance(o, dict) else o
                    return any(isinstance(i, str) and needle in i for i in items)
                found = [o for o in gc.get_objects() if isinstance(o, (dict, list, tuple)) and holds(o)]
                print(needle if found else "nothing")
                """;
        CodeVerdict v = grader.grade(p, fenced(snoop));
        assertThat(v.results()).containsExactly(-2);
        assertThat(v.firstFailure().output()).isEqualTo("nothing\n");
        // Nor does it find call-based answers: the driver compares them, outside the program's process.
        Problem call = callProblem("f", List.of("0"), List.of("\"SECRET-ANSWER-4711\""));
        String callSnoop = "import gc\ndef f(x):\n    needle = 'SECRET-' + 'ANSWER-' + str(4711)\n"
                + "    for o in gc.get_objects():\n        if isinstance(o, list):\n"
                + "            for i in o:\n                if isinstance(i, str) and needle in i:\n                    return needle\n"
                + "    return None\n";
        assertThat(grader.grade(call, fenced(callSnoop)).results()).containsExactly(false);
    }

    // ---- The zygote runs the prelude and the guard once, before forking; each generation must
    // still see exactly what a fresh LCB process after its guard would, and nothing of another's.

    @Test
    void theGuardHoldsInEveryGenerationAsLcbAppliesIt() {
        assertThat(stdin("import subprocess\nprint(subprocess.Popen is None)\n", "", "True\n")).containsExactly(true);
        assertThat(stdin("from subprocess import Popen\nprint(Popen)\n", "", "None\n")).containsExactly(true);
        assertThat(stdin("import subprocess\nsubprocess.run(['true'])\n", "", "")).containsExactly(-4);
        assertThat(stdin("import os, shutil\nprint(os.kill, os.fork, os.getcwd, shutil.rmtree)\n", "", "None None None None\n"))
                .containsExactly(true);
        assertThat(stdin("try:\n    import resource\n    print('imported')\nexcept ImportError:\n    print('blocked')\n", "", "blocked\n"))
                .containsExactly(true);
        assertThat(stdin("import os\nprint(os.environ.get('OMP_NUM_THREADS'))\n", "", "1\n")).containsExactly(true);
    }

    @Test
    void nothingAGenerationChangesReachesTheNext() {
        // Enough rounds that both containers serve each kind of job.
        String spoil = "import math, builtins, sys\nmath.pi = 3\nbuiltins.len = lambda x: -1\nsys.modules['json'] = None\nprint(1)\n";
        Problem call = callProblem("f", List.of("0"), List.of("false"));
        String define = "LEAKED = 5\ndef f(x):\n    return False\n";
        String look = "def f(x):\n    return 'LEAKED' in globals() or 'helper' in globals()\n";
        for (int round = 0; round < 4; round++) {
            assertThat(stdin(spoil, "", "1\n")).containsExactly(true);
            assertThat(grader.grade(call, fenced(define)).results()).containsExactly(true);
            assertThat(stdin("import math, json\nprint(math.pi > 3.1, len([1, 2]))\n", "", "True 2\n")).containsExactly(true);
            assertThat(grader.grade(call, fenced(look)).results()).containsExactly(true);
        }
    }

    @Test
    void aProgramWritingIntoTheHarnessChannelFailsItselfOnly() {
        // The child's result channel is an open fd the program can find; what it writes there is not trusted.
        String garble = "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'garbage' * 50)\n    except OSError:\n        pass\nprint(1)\n";
        CodeVerdict v = grader.grade(stdinProblem(List.of("", ""), List.of("1\n", "1\n")), fenced(garble));
        assertThat(v.passed()).isFalse();
        assertThat(v.results()).containsExactly(-5);
        assertThat(v.firstFailure().reason()).contains("malformed result frame");
        // A well-formed answer written by the program is only ever its answer to the test the driver
        // sent, compared with an output it does not know: a wrong one fails.
        String forge = "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'O 2\\n1\\n')\n    except OSError:\n        pass\nprint(2)\n";
        assertThat(stdin(forge, "", "7\n")).doesNotContain(true);
        assertThat(stdin("print(input())\n", "5\n", "5\n")).containsExactly(true);
    }

    @Test
    void stdinReadlineAndEofBehaveAsInLiveCodeBench() {
        // readline keeps the newline and gives "" at the end; input() raises EOFError there.
        assertThat(stdin("import sys\nprint(repr(sys.stdin.readline()), repr(sys.stdin.readline()), repr(sys.stdin.readline()))\n",
                "a\nb", "'a\\n' 'b' ''\n")).containsExactly(true);
        assertThat(stdin("import sys\ninput = lambda: sys.stdin.readline()[:-1]\nprint(int(input()) + int(input()))\n",
                "2\n3\n", "5\n")).containsExactly(true);
        assertThat(stdin("total = 0\nwhile True:\n    try:\n        total += int(input())\n    except EOFError:\n        break\nprint(total)\n",
                "1\n2\n3\n", "6\n")).containsExactly(true);
        assertThat(stdin("import sys\nn = 0\nwhile True:\n    line = sys.stdin.readline()\n    if not line:\n        break\n    n += 1\nprint(n)\n",
                "x\ny\nz\n", "3\n")).containsExactly(true);
    }

    @Test
    void numpyImportsAsInLiveCodeBenchsEnvironment() {
        assertThat(stdin("import numpy as np\nprint(int(np.array([int(t) for t in input().split()]).sum()))\n", "1 2 3\n", "6\n"))
                .containsExactly(true);
        Problem call = callProblem("f", List.of("3"), List.of("6"));
        CodeVerdict v = grader.grade(call, fenced("import numpy as np\ndef f(x):\n    return np.int64(x) * 2\n"));
        // A failure names the verdict's own reason, not only its code.
        assertThat(v.results()).as(String.valueOf(v.firstFailure())).containsExactly(true);
    }

    @Test
    void numpysImportCostsAProgramNoneOfItsTime() {
        // LCB's runner has numpy loaded before any program runs, so `import numpy` takes no time of
        // the program's own: loading it under the program's timer turned a slow disk into "Error
        // during testing: TimeoutException()" (-4) for a right program.
        Problem call = callProblem("f", List.of("3"), List.of("true"));
        // A program that names numpy finds it loaded before any of its code runs, as in LCB.
        CodeVerdict named = grader.grade(call, fenced("import sys\nLOADED = 'numpy' in sys.modules\ndef f(x):\n    return LOADED\n"));
        assertThat(named.results()).as(String.valueOf(named.firstFailure())).containsExactly(true);
        // One that reaches it another way pays for the import under its clocks: see the test below.
    }

    @Test
    void programCodeRunDuringNumpysImportIsTimedAsTheProgramsOwn() {
        // An attack on any pause of the program's clocks while numpy loads: numpy's import consults the
        // program's own import hooks, so a hook that burns CPU there would run untimed. With the CPU clock
        // the driver times only the tests, not the loading, so 3 s of CPU at load on a 1 s limit passed.
        CodeGrader cpu = new CodeGrader(pool.get(), new CodeGrader.Settings(1, LcbRequest.Clock.CPU, Limits.DEFAULT));
        Problem call = callProblem("f", List.of("3"), List.of("6"));
        String hook = String.join("\n",
                "import sys, time",
                "class Burn:",
                "    def find_spec(self, name, path=None, target=None):",
                "        if name.startswith('nu' + 'mpy.'):",
                "            sys.meta_path.remove(self)",
                "            t = time.process_time()",
                "            while time.process_time() - t < 3:",
                "                pass",
                "        return None",
                "sys.meta_path.insert(0, Burn())",
                "__import__('nu' + 'mpy')",
                "def f(x):",
                "    return 2 * x",
                "");
        CodeVerdict v = cpu.grade(call, fenced(hook));
        assertThat(v.passed()).as(String.valueOf(v.results()) + " " + v.firstFailure()).isFalse();
        assertThat(v.results()).containsExactly(-4);
        assertThat(String.valueOf(v.firstFailure())).contains("TimeoutException");
    }

    @Test
    void syntaxErrorsGiveLcbsLineNumbers() {
        // Call-based code follows the prelude (35 lines) and a blank line: LCB reports the line within that whole.
        Problem call = callProblem("f", List.of("0"), List.of("0"));
        CodeVerdict v = grader.grade(call, fenced("def f(x):\n    return (\n"));
        assertThat(v.results()).containsExactly(-4);
        assertThat(v.firstFailure().reason()).contains("'<string>', 39,");
        // A stdin program that does not parse is compiled as it is, without the prelude.
        CodeVerdict s = grader.grade(stdinProblem(List.of(""), List.of("")), fenced("print(1\n"));
        assertThat(s.results()).containsExactly(-4);
        assertThat(s.firstFailure().reason()).contains("'<string>', 1,");
    }
}
