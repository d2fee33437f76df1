package dev.arbiter.perf;

/** Our own correct solutions to the three lcb_v1_samples problems, for the sandbox bench and tests. */
public final class BenchSolutions {
    private BenchSolutions() {}

    public static final String ABC_SWAP = """
            t = int(input())
            for _ in range(t):
                s = input().strip()
                wrong = sum(1 for x, y in zip(s, "abc") if x != y)
                print("YES" if wrong in (0, 2) else "NO")
            """;

    public static final String COUNT_SENIORS = """
            class Solution:
                def countSeniors(self, details: List[str]) -> int:
                    return sum(1 for d in details if int(d[11:13]) > 60)
            """;

    public static final String OVERALL_WINNER = """
            n = int(input())
            s = input().strip()
            t, a = s.count("T"), s.count("A")
            if t != a:
                print("T" if t > a else "A")
            else:
                print("A" if s[-1] == "T" else "T")
            """;
}
