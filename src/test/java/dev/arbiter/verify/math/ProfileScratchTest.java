package dev.arbiter.verify.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProfileScratchTest {
    @Test
    void passes() throws Exception {
        List<MathConformanceTest.Case> cs = MathConformanceTest.cases();
        try (MathVerifier v = new MathVerifier()) {
            Map<String, Long> worst = new TreeMap<>();
            for (int pass = 0; pass < 8; pass++) {
                long t0 = System.nanoTime();
                for (var c : cs) {
                    long a = System.nanoTime();
                    MathVerdict r = v.verify(c.gold(), c.pred(), c.config());
                    long us = (System.nanoTime() - a) / 1000;
                    if (pass >= 4 && us > 1500) worst.merge(c.id() + " " + r.reason(), us, Math::max);
                }
                System.out.printf("pass %d: %.1f ms%n", pass, (System.nanoTime() - t0) / 1e6);
            }
            worst.forEach((k, us) -> System.out.println("slow " + us + " us " + k));
        }
    }
}
