package dev.arbiter.sandbox;

import dev.arbiter.benchmark.CodeTests;
import dev.arbiter.benchmark.Problem;
import dev.arbiter.benchmark.TestCase;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The programs of the hostile suite (HostileProgramsTest, and the CLI and reward-server tests that
 * send the same attacks): Python sources under src/test/resources/dev/arbiter/sandbox/hostile/,
 * each with a comment saying what it tries, and the honest programs every attack is followed by.
 * The real problems they aim at are lcb_v1_samples' atcoder/abc301_a (stdin, 15 tests),
 * leetcode/2727 (countSeniors, call-based, 14 tests) and codeforces/1873_A (stdin, 5 tests).
 */
public final class HostilePrograms {
    private HostilePrograms() {}

    public static final String ABC301 = "atcoder/abc301_a";
    public static final String SENIORS = "leetcode/2727";
    public static final String CF1873 = "codeforces/1873_A";

    /** Right for atcoder/abc301_a (who won more games, ties to whoever got there first). */
    public static final String WINNER_OK = """
            import sys
            def main():
                n = int(sys.stdin.readline())
                s = sys.stdin.readline().strip()
                t, a = s.count("T"), s.count("A")
                if t != a:
                    print("T" if t > a else "A")
                else:
                    print("A" if s[-1] == "T" else "T")
            if __name__ == "__main__":
                main()
            """;
    /** Wrong for atcoder/abc301_a: right on the first two tests only. */
    public static final String WINNER_WRONG = "input()\nprint('T')\n";
    /** Right for leetcode/2727. */
    public static final String SENIORS_OK = """
            class Solution:
                def countSeniors(self, details: List[str]) -> int:
                    return sum(1 for d in details if int(d[11:13]) > 60)
            """;
    /** Wrong for leetcode/2727: counts everybody. */
    public static final String SENIORS_WRONG = """
            class Solution:
                def countSeniors(self, details: List[str]) -> int:
                    return len(details)
            """;
    /** Right for codeforces/1873_A. */
    public static final String ABC_OK = """
            t = int(input())
            for _ in range(t):
                s = input().strip()
                print("YES" if sum(1 for x, y in zip(s, "abc") if x != y) in (0, 2) else "NO")
            """;

    /** Looks for what an earlier job left (probe.py), into a list {@code found}. */
    private static final String LOOK = source("stash.py") + source("probe.py");
    /** Prints "clean" unless an earlier job left something this job can see. */
    public static final String PROBE = LOOK + "print(\"clean\" if not found else \"; \".join(found))\n";
    /** Right for atcoder/abc301_a if nothing of an earlier job is left; else prints what is. */
    public static final String WINNER_IF_CLEAN = ifClean("""
            n = int(input())
            s = input().strip()
            t, a = s.count("T"), s.count("A")
            print(("T" if t > a else "A") if t != a else ("A" if s[-1] == "T" else "T"))
            """);
    /** Right for codeforces/1873_A if nothing of an earlier job is left. */
    public static final String ABC_IF_CLEAN = ifClean(ABC_OK);
    /** Right for leetcode/2727 if nothing of an earlier job was left when it loaded; else returns -1. */
    public static final String SENIORS_IF_CLEAN = LOOK + """
            class Solution:
                def countSeniors(self, details: List[str]) -> int:
                    return -1 if found else sum(1 for d in details if int(d[11:13]) > 60)
            """;
    public static final String CARRY_OVER = source("stash.py") + source("carry_over.py");
    public static final String DAEMON = source("daemon.py");
    public static final String KILL_ALL_THEN_DAEMON = source("kill_all.py") + source("daemon.py");
    public static final String DISABLE = source("disable.py");
    public static final String DEEP_TREE = source("deep_tree.py");

    /** A stdin solution that runs only if the probe finds nothing; otherwise it prints what it found. */
    private static String ifClean(String solution) {
        return LOOK + "if found:\n    print(\"; \".join(found))\nelse:\n" + solution.indent(4);
    }

    /** A program in this folder, as text. */
    public static String source(String name) {
        try (InputStream in = HostilePrograms.class.getResourceAsStream("hostile/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no hostile program " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code code} as a model writes it: reasoning, then a fenced block. */
    public static String fenced(String code) {
        return "Here is my solution.\n```python\n" + code + (code.endsWith("\n") ? "" : "\n") + "```\n";
    }

    /** A Python string literal holding {@code s} (JSON's escapes are Python's too). */
    public static String pyString(String s) {
        return Json.line(s);
    }

    /**
     * The expected output of a problem's first public test: the sample a model sees in the statement.
     * Where the source does not mark which tests are public, the first test (LiveCodeBench lists them first).
     */
    public static String publicSample(Problem p) {
        List<TestCase> tests = ((CodeTests) p.gold()).tests();
        return tests.stream().filter(t -> t.visibility() == TestCase.Visibility.PUBLIC).findFirst().orElse(tests.get(0)).output();
    }

    /** forged_frames.py or forged_harness.py aimed at a problem's public sample. */
    public static String withSample(String program, Problem p) {
        return source(program).replace("\"__SAMPLE__\"", pyString(publicSample(p)));
    }

    /** A one-test stdin problem, graded by LiveCodeBench's rules, whose only right answer is {@code expected}. */
    public static Problem expecting(String id, String expected) {
        return new Problem(id, "livecodebench", "print what is expected",
                new CodeTests(List.of(new TestCase("\n", expected, TestCase.TestType.STDIN, TestCase.Visibility.PUBLIC)),
                        null, "", CodeTests.Coverage.PUBLIC_ONLY), null);
    }

    /** A one-test call-based problem: {@code fn} of one argument, 1, must return 2. */
    public static Problem callReturningTwo(String fn) {
        return new Problem("call/" + fn, "livecodebench", "return 2",
                new CodeTests(List.of(new TestCase("1", "2", TestCase.TestType.FUNCTIONAL, TestCase.Visibility.PUBLIC)),
                        fn, "", CodeTests.Coverage.PUBLIC_ONLY), null);
    }
}
