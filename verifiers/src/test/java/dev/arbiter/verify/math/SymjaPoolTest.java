package dev.arbiter.verify.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow")
class SymjaPoolTest {
    private static final Set<CasAnswer> ZERO = EnumSet.of(CasAnswer.ZERO);
    private static final Set<CasAnswer> NONZERO = EnumSet.of(CasAnswer.NONZERO);
    private static final Set<CasAnswer> NOT_ZERO = EnumSet.of(CasAnswer.NONZERO, CasAnswer.UNKNOWN);
    private static final Set<CasAnswer> REJECTED = EnumSet.of(CasAnswer.UNKNOWN, CasAnswer.TIMEOUT);

    /** Generous: a cold child on a loaded 2-core machine takes a few seconds. */
    private static final Duration CALL = Duration.ofSeconds(60);

    private static long in(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    @AfterEach
    void noTrainerLeftBehind() throws InterruptedException {
        assertThat(SymjaPool.awaitTraining(2, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void decidesTheReferenceExpressions() {
        Map<String, Set<CasAnswer>> cases = new LinkedHashMap<>();
        cases.put("Sqrt[8]-2*Sqrt[2]", ZERO);
        cases.put("Sqrt[50]-5*Sqrt[2]", ZERO);
        cases.put("1/Sqrt[2]-Sqrt[2]/2", ZERO);
        cases.put("1/2^99-1/2^98", NONZERO);
        cases.put("1/Factorial[2004]-1/Factorial[2006]", NONZERO);
        cases.put("Pi-314159/100000", NONZERO);
        cases.put("Tan[y]^2+1-Sec[y]^2", ZERO);
        cases.put("(x+2)/7-(x/7+2/7)", ZERO);
        cases.put("2*Sin[b]*Cos[a]-(Sin[a+b]-Sin[a-b])", ZERO);
        cases.put("Sqrt[Sqrt[11]+Sqrt[194]]/(15+2*Sqrt[33]) - Sqrt[Sqrt[11]+Sqrt[194]]/(2*Sqrt[33]+15)", ZERO);
        cases.put("1/(3*(x^(1/3))^2) - 1/(3*x^(2/3))", ZERO);
        cases.put("(x^2-1)/(x-1)-(x+1)", ZERO);
        cases.put("E^(I*Pi)+1", ZERO);
        cases.put("Log[8]/Log[2]-3", ZERO);
        cases.put("x-y", NOT_ZERO);
        cases.put("x^2-x", NOT_ZERO);
        cases.put("Sin[x]-x", NOT_ZERO);
        // Near misses that a double-precision or tolerance-based test would call zero.
        cases.put("Pi-3141592653589793/1000000000000000", NOT_ZERO);
        cases.put("E^(Pi*Sqrt[163])-262537412640768744", NOT_ZERO);
        cases.put("(Pi*x+1)/(3141592653589793/1000000000000000*x+1)-1", NOT_ZERO);
        cases.put("Sqrt[2]+Sqrt[3]-Sqrt[10]", NOT_ZERO);
        // Symbols are real with no sign: identities that need positivity fail unless the request names the symbols.
        cases.put("Sqrt[x^2]-x", NOT_ZERO);
        cases.put("Abs[x]-x", NOT_ZERO);
        cases.put("Log[x*y]-Log[x]-Log[y]", NOT_ZERO);
        cases.put("Sqrt[(x-1)^2]-(x-1)", NOT_ZERO);
        cases.put("ArcSin[Sin[x]]-x", NOT_ZERO);
        // Hostile or unsupported input: rejected quickly, never ZERO.
        cases.put("x=5", REJECTED);
        cases.put("Run[\"ls\"]", REJECTED);
        cases.put("10^(10^10)", REJECTED);
        cases.put("2^2^2^2^2^2", REJECTED);
        cases.put("Factorial[10^9]", REJECTED);
        cases.put("Expand[(x+y)^100000]", REJECTED);
        cases.put("0.5-1/2", REJECTED);
        cases.put("1/0", REJECTED);
        cases.put("Sqrt[8]-2*Sqrt[2", REJECTED);

        // With x and y named positive (the gold needs it), those identities hold; ones that fail for some
        // positive values still do not.
        Map<String, Set<CasAnswer>> positive = new LinkedHashMap<>();
        positive.put("Sqrt[x^2]-x", ZERO);
        positive.put("Log[x*y]-Log[x]-Log[y]", ZERO);
        positive.put("Sqrt[(x-1)^2]-(x-1)", NOT_ZERO);
        positive.put("ArcSin[Sin[x]]-x", NOT_ZERO);

        try (SymjaPool pool = new SymjaPool(2)) {
            SoftAssertions soft = new SoftAssertions();
            for (var c : cases.entrySet()) {
                long t = System.nanoTime();
                CasAnswer a = pool.isZero(c.getKey(), in(CALL));
                System.out.printf("symja %-90s %-8s %6.1f ms%n", c.getKey(), a, (System.nanoTime() - t) / 1e6);
                soft.assertThat(a).as(c.getKey()).isIn(c.getValue());
            }
            for (var c : positive.entrySet()) {
                CasAnswer a = pool.isZero(c.getKey(), Set.of("x", "y"), in(CALL));
                System.out.printf("symja %-90s %-8s (x, y > 0)%n", c.getKey(), a);
                soft.assertThat(a).as(c.getKey() + " with x, y > 0").isIn(c.getValue());
            }
            soft.assertAll();
        }
    }

    @Test
    void aRunawayComputationIsKilledAtTheDeadline() throws Exception {
        try (SymjaPool pool = new SymjaPool(1)) {
            assertThat(pool.isZero("1+1-2", in(CALL))).isEqualTo(CasAnswer.ZERO);
            // A trainer is a descendant too; let it finish so that only the runaway is in play.
            assertThat(SymjaPool.awaitTraining(2, TimeUnit.MINUTES)).isTrue();

            long start = System.nanoTime();
            CasAnswer a = pool.isZero("FactorInteger[2^256+1]", start + TimeUnit.SECONDS.toNanos(1));
            long took = System.nanoTime() - start;
            assertThat(a).isEqualTo(CasAnswer.TIMEOUT);
            assertThat(took).isLessThan(TimeUnit.MILLISECONDS.toNanos(1_500));

            assertThat(awaitNoDescendants(Duration.ofSeconds(2))).as("children alive after the kill").isEmpty();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(1_000);
            double cpuShare = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            System.out.printf("symja after kill: this JVM used %.1f%% of one core over 1 s%n", cpuShare * 100);
            assertThat(cpuShare).isLessThan(0.25);
            assertThat(ProcessHandle.current().descendants().toList()).isEmpty();
            assertThat(pool.size()).isZero();

            // The next call starts a fresh child.
            assertThat(pool.isZero("Sqrt[8]-2*Sqrt[2]", in(CALL))).isEqualTo(CasAnswer.ZERO);
        }
    }

    @Test
    void manyThreadsGetCorrectAnswers() throws Exception {
        int threads = 8;
        int calls = 20;
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        try (SymjaPool pool = new SymjaPool(Runtime.getRuntime().availableProcessors())) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tid = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < calls; i++) {
                        int k = tid * calls + i + 2; // distinct per call, so the answer cache cannot help
                        String expr;
                        CasAnswer expected;
                        switch (i % 4) {
                            case 0 -> { expr = "Sqrt[8*" + k + "^2]-2*" + k + "*Sqrt[2]"; expected = CasAnswer.ZERO; }
                            case 1 -> { expr = "(x^2-" + k + "^2)/(x-" + k + ")-(x+" + k + ")"; expected = CasAnswer.ZERO; }
                            case 2 -> { expr = k + "/(" + k + "+1)-(" + k + "+1)/(" + k + "+2)"; expected = CasAnswer.NONZERO; }
                            default -> { expr = "Sin[x]^2+Cos[x]^2-1+x/" + k; expected = CasAnswer.NONZERO; }
                        }
                        CasAnswer a = pool.isZero(expr, in(CALL));
                        if (a != expected) {
                            wrong.add(expr + " -> " + a + " (expected " + expected + "; " + pool.lastFailure() + ")");
                        }
                    }
                }));
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aCallerWaitingForABusyChildGivesUpAtItsDeadlineWithoutKillingIt() throws Exception {
        try (SymjaPool pool = new SymjaPool(1)) {
            pool.warmUp();
            assertThat(pool.size()).isEqualTo(1);
            assertThat(pool.isZero("1-1", in(CALL))).isEqualTo(CasAnswer.ZERO);
            assertThat(SymjaPool.awaitTraining(2, TimeUnit.MINUTES)).isTrue();
            long pid = ProcessHandle.current().children().findFirst().orElseThrow().pid();

            var busy = new CompletableFuture<CasAnswer>();
            Thread.ofPlatform().start(() -> busy.complete(pool.isZero("FactorInteger[2^256+1]", in(Duration.ofSeconds(4)))));
            Thread.sleep(300); // let it take the only child
            long start = System.nanoTime();
            assertThat(pool.isZero("2-2", start + TimeUnit.MILLISECONDS.toNanos(500))).isEqualTo(CasAnswer.TIMEOUT);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(1_000));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the busy child keeps working").contains(true);

            assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo(CasAnswer.TIMEOUT);
            assertThat(pool.isZero("3-3", in(CALL))).isEqualTo(CasAnswer.ZERO);
        }
    }

    @Test
    void aChildKilledMidRequestIsReportedAndReplaced() throws Exception {
        try (SymjaPool pool = new SymjaPool(1)) {
            assertThat(pool.isZero("1-1", in(CALL))).isEqualTo(CasAnswer.ZERO);
            assertThat(SymjaPool.awaitTraining(2, TimeUnit.MINUTES)).isTrue();
            ProcessHandle child = ProcessHandle.current().children().findFirst().orElseThrow();
            var answer = new CompletableFuture<CasAnswer>();
            Thread.ofPlatform().start(() -> answer.complete(pool.isZero("FactorInteger[2^256+1]", in(CALL))));
            Thread.sleep(300);
            child.destroyForcibly();
            assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(CasAnswer.UNAVAILABLE);
            assertThat(pool.lastFailure()).contains("died during a request");
            assertThat(pool.isZero("Log[8]/Log[2]-3", in(CALL))).isEqualTo(CasAnswer.ZERO);
        }
    }

    @Test
    void closeLeavesNoChildren() throws Exception {
        SymjaPool pool = new SymjaPool(2);
        pool.warmUp();
        assertThat(pool.isZero("E^(I*Pi)+1", in(CALL))).isEqualTo(CasAnswer.ZERO);
        assertThat(SymjaPool.awaitTraining(2, TimeUnit.MINUTES)).isTrue();
        assertThat(ProcessHandle.current().descendants().toList()).isNotEmpty();
        pool.close();
        assertThat(awaitNoDescendants(Duration.ofSeconds(2))).isEmpty();
        assertThat(pool.isZero("1-1", in(CALL))).isEqualTo(CasAnswer.UNAVAILABLE);
    }

    @Test
    void aChildThatCannotStartIsReportedAndRetried() {
        try (SymjaPool pool = SymjaPool.withLaunch(1, new SymjaPool.Launch("/nonexistent/bin/java", "", null))) {
            assertThat(pool.isZero("1-1", in(CALL))).isEqualTo(CasAnswer.UNAVAILABLE);
            assertThat(pool.lastFailure()).contains("cannot start");
            assertThat(pool.isZero("2-2", in(CALL))).isEqualTo(CasAnswer.UNAVAILABLE);
        }
        String java = SymjaPool.computeLaunch(null).java();
        try (SymjaPool pool = SymjaPool.withLaunch(1, new SymjaPool.Launch(java, "/nonexistent.jar", null))) {
            assertThat(pool.isZero("1-1", in(CALL))).isEqualTo(CasAnswer.UNAVAILABLE);
            assertThat(pool.lastFailure()).contains("exited before it was ready").contains(SymjaServer.class.getName());
            assertThat(pool.isZero("1-1", in(CALL))).as("a fresh child is tried").isEqualTo(CasAnswer.UNAVAILABLE);
        }
    }

    @Test
    void onlyTheNewestArchivesAreKept(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 6; i++) {
            Path f = Files.writeString(dir.resolve("symja-00" + i + ".jsa"), "x");
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.writeString(dir.resolve("symja-server-00.jar"), "x");
        SymjaPool.pruneArchives(dir);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "symja-002.jsa", "symja-003.jsa", "symja-004.jsa", "symja-005.jsa", "symja-server-00.jar");
        }
    }

    /** Prints start-up and per-call figures; asserts nothing about time. */
    @Test
    void measure() throws Exception {
        System.out.println("symja java.class.path entries: "
                + System.getProperty("java.class.path").split(File.pathSeparator).length);
        // Cold: no archive.
        for (int i = 0; i < 2; i++) {
            try (SymjaPool cold = new SymjaPool(1, null)) {
                long t = System.nanoTime();
                cold.isZero("Sqrt[8]-2*Sqrt[2]", in(CALL));
                System.out.printf("symja start to first answer, no archive: %d ms (to ready %d ms, child CPU %s)%n",
                        (System.nanoTime() - t) / 1_000_000, cold.lastStartMillis(), childCpu());
            }
        }
        try (SymjaPool first = new SymjaPool(1)) {
            first.isZero("1-1", in(CALL)); // makes sure an archive exists or is being recorded
        }
        assertThat(SymjaPool.awaitTraining(2, TimeUnit.MINUTES)).isTrue();
        for (int i = 0; i < 3; i++) {
            try (SymjaPool warm = new SymjaPool(1)) {
                System.out.println("symja archive: " + warm.launchForTests().archive());
                long t = System.nanoTime();
                warm.isZero("Sqrt[8]-2*Sqrt[2]", in(CALL));
                System.out.printf("symja start to first answer, with archive: %d ms (to ready %d ms, child CPU %s)%n",
                        (System.nanoTime() - t) / 1_000_000, warm.lastStartMillis(), childCpu());
                if (i == 2) {
                    String[] exprs = {"Sqrt[50]-5*Sqrt[2]", "1/2^99-1/2^98", "x^2-x", "(x^2-1)/(x-1)-(x+1)",
                        "Tan[y]^2+1-Sec[y]^2", "2*Sin[b]*Cos[a]-(Sin[a+b]-Sin[a-b])", "Log[x*y]-Log[x]-Log[y]"};
                    for (int round = 0; round < 3; round++) {
                        for (String e : exprs) {
                            long s = System.nanoTime();
                            // A distinct constant term per round defeats the answer cache and Symja's own.
                            CasAnswer a = warm.isZero(e + "+" + round + "-" + round, in(CALL));
                            if (round == 2) {
                                System.out.printf("symja warm call %-45s %-8s %6.1f ms%n", e, a, (System.nanoTime() - s) / 1e6);
                            }
                        }
                    }
                }
            }
        }
    }

    private static String childCpu() {
        return ProcessHandle.current().children().findFirst()
                .flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toMillis() + " ms").orElse("?");
    }

    private static List<ProcessHandle> awaitNoDescendants(Duration within) throws InterruptedException {
        long deadline = in(within);
        List<ProcessHandle> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        while (!alive.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        }
        return alive;
    }
}
