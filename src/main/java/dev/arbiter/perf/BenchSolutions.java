package dev.arbiter.perf;

import dev.arbiter.sandbox.Language;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Our own correct solutions to the three lcb_v1_samples problems, for the sandbox bench and tests. */
public final class BenchSolutions {
    private BenchSolutions() {}

    /** Our solution to atcoder/abc301_a (Overall Winner) in {@code language}, from this package's resources. */
    public static String overallWinner(Language language) {
        String name = "abc301_a/" + language.wireName() + "." + language.extension();
        try (InputStream in = BenchSolutions.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no solution " + name + " in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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

    /** Right for atcoder/abc301_a, the same file the other languages' solutions sit beside. */
    public static final String OVERALL_WINNER = overallWinner(Language.PYTHON);
}
