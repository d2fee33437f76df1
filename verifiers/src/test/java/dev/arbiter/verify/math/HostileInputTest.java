package dev.arbiter.verify.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Inputs built to hang or crash a verifier: each ends by its deadline with a verdict, never an exception. */
class HostileInputTest {
    static final Duration DEADLINE = Duration.ofSeconds(2);
    static MathVerifier verifier;

    @BeforeAll
    static void start() {
        verifier = new MathVerifier(MathConfig.defaults().withDeadline(DEADLINE));
    }

    @AfterAll
    static void stop() {
        verifier.close();
    }

    /** {@code equal}: the right verdict, or null where the input has no meaningful one. */
    record Hostile(String name, String gold, String pred, Boolean equal) {
        Hostile(String name, String gold, String pred) {
            this(name, gold, pred, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Hostile> inputs() {
        String nested = "{".repeat(10_000) + "1" + "}".repeat(10_000);
        String megabyte = "x".repeat(1 << 20);
        String megaLatex = "$" + "\\frac{1}{2}+".repeat(90_000) + "1$";
        byte[] bad = {(byte) 0xff, (byte) 0xfe, 'b', 'o', 'x', (byte) 0xc3, (byte) 0x28, '$', '1', '$'};
        String invalidUtf8 = new String(bad, StandardCharsets.UTF_8);
        return List.of(
                new Hostile("tower of tens", "$10^{10^{10}}$", "$10^{10^{10}}+1$"),
                new Hostile("tower of tens vs itself", "$10^{10^{10}}$", "\\boxed{10^{10^{10}}}", true),
                new Hostile("power tower of twos", "$2^{2^{2^{2^{2}}}}$", "\\boxed{2^{2^{2^{2^{2}}}} - 1}"),
                new Hostile("factorial of a googol", "$(10^{100})!$", "\\boxed{(10^{100})! + 1}"),
                new Hostile("factorial of a million", "$1000000!$", "\\boxed{999999! \\cdot 1000000}"),
                new Hostile("binomial of a million", "$\\binom{1000000}{500000}$", "\\boxed{\\binom{1000000}{500000}+1}"),
                new Hostile("one megabyte of text", megabyte, megabyte + "\\boxed{1}"),
                new Hostile("one megabyte of LaTeX", megaLatex, "\\boxed{" + megaLatex + "}", null),
                new Hostile("10,000 nested braces", "$" + nested + "$", "\\boxed{" + nested + "}"),
                new Hostile("10,000 unclosed braces", "$1$", "\\boxed{" + "{".repeat(10_000)),
                new Hostile("10,000 nested parentheses", "$1$", "$" + "(".repeat(10_000) + "1" + ")".repeat(10_000) + "$", null),
                new Hostile("invalid UTF-8 decoded with replacement", "$1$", invalidUtf8, true),
                new Hostile("lone surrogates", "$2$", "\\boxed{\uD800\uDFFF\uDC00 1}"),
                new Hostile("a thousand dollar signs", "$1$", "$".repeat(1000)),
                new Hostile("deep exponent chain", "$3$", "$" + "2^".repeat(5000) + "2$"),
                new Hostile("huge integer", "$1$", "\\boxed{" + "9".repeat(200_000) + "}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void endsByItsDeadlineWithAVerdict(Hostile h) {
        long t0 = System.nanoTime();
        MathVerdict v = verifier.verify(h.gold(), h.pred());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("hostile %-40s %5d ms equal=%s timed_out=%s reason=%s%n", h.name(), ms, v.equal(), v.timedOut(),
                v.reason());
        assertThat(ms).as("returns within the deadline + 0.5 s").isLessThanOrEqualTo(DEADLINE.toMillis() + 500);
        assertThat(v.reason()).isNotBlank();
        if (h.equal() != null) {
            assertThat(v.equal()).as("verdict").isEqualTo(h.equal());
        }
    }
}
