package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile programs, each contained: the run ends within its limits, and the next run in the same
 * container finds a clean machine. One container, so every "next run" lands where the hostile one did.
 */
@Tag("docker")
@Tag("slow")
class ContainmentTest {
    @RegisterExtension
    static final SandboxPool pool = new SandboxPool(1);
    static final Limits TIGHT = new Limits(3_000, 2_000, 256, 1 << 20, 4 << 20);

    @AfterEach
    void theNextRunFindsACleanSandbox() {
        RunResult r = pool.get().run("""
                import os
                def uid(p):
                    return int(open('/proc/%s/status' % p).read().split('Uid:')[1].split()[0])
                # Only the driver (1) and its two fork servers, all root, and this run.
                others = [uid(p) for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid())]
                tmp = [e for e in os.listdir('/tmp') if not os.getcwd().startswith('/tmp/' + e)]
                ipc = [len(open('/proc/sysvipc/' + t).read().splitlines()) - 1 for t in ('shm', 'msg', 'sem')]
                print(others == [0, 0], tmp, os.listdir('/dev/shm'), os.listdir('/dev/mqueue'), ipc, os.listdir('.'))
                """, "", Limits.DEFAULT);
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.OK);
        assertThat(r.stdout().strip()).isEqualTo("True [] [] [] [0, 0, 0] []");
    }

    private static RunResult run(String code) {
        return pool.get().run(code, "", TIGHT);
    }

    @Test
    void forkBomb() {
        RunResult r = run("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n");
        assertThat(r.status()).isIn(RunStatus.TIMEOUT, RunStatus.CPU_LIMIT, RunStatus.KILLED);
        assertThat(r.wallMs()).isLessThan(6_000);
    }

    @Test
    void memoryBomb() {
        RunResult r = run("chunks = []\nwhile True:\n    chunks.append(bytearray(50 << 20))\n");
        assertThat(r.status()).isEqualTo(RunStatus.MEMORY_LIMIT);
    }

    @Test
    void diskFill() {
        RunResult big = run("with open('/tmp/fill', 'wb') as f:\n    while True:\n        f.write(b'x' * (1 << 20))\n");
        assertThat(big.status()).isEqualTo(RunStatus.OUTPUT_LIMIT);
        RunResult many = pool.get().run("""
                import os
                i = 0
                try:
                    while True:
                        with open('/tmp/f%d' % i, 'wb') as f:
                            f.write(b'y' * (1 << 20))
                        i += 1
                except OSError as e:
                    print('stopped after', i, 'MiB:', e.strerror)
                """, "", new Limits(10_000, 10_000, 256, 1 << 20, 4 << 20));
        assertThat(many.status()).isEqualTo(RunStatus.OK);
        assertThat(many.stdout()).contains("No space left on device");
    }

    @Test
    void outputFlood() {
        RunResult r = run("while True:\n    print('spam' * 1000)\n");
        assertThat(r.status()).isEqualTo(RunStatus.OUTPUT_LIMIT);
        assertThat(r.stdout().length()).isLessThanOrEqualTo(1 << 20);
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void infiniteLoopHitsTheCpuLimit() {
        RunResult r = run("while True:\n    pass\n");
        assertThat(r.status()).isEqualTo(RunStatus.CPU_LIMIT);
        assertThat(r.cpuMs()).isBetween(1_900L, 3_500L);
    }

    @Test
    void sleepingPastTheDeadlineIsKilledOnTime() {
        RunResult r = run("import time\ntime.sleep(60)\n");
        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(r.wallMs()).isBetween(2_900L, 4_500L);
    }

    @Test
    void noNetwork() {
        RunResult r = run("""
                import socket
                for target in [('1.1.1.1', 53), ('172.17.0.1', 2375), ('127.0.0.1', 22)]:
                    try:
                        socket.create_connection(target, timeout=1)
                        print('connected', target)
                    except OSError as e:
                        print('blocked')
                print(sorted(i[1] for i in socket.if_nameindex()))
                """);
        assertThat(r.stdout()).doesNotContain("connected").contains("blocked\nblocked\nblocked").contains("['lo']");
    }

    @Test
    void hostFilesAndEnvironmentAreOutOfReach() {
        RunResult r = run("""
                import os
                print(os.getuid(), os.getgid())
                print(sorted(os.environ))
                for p in ['/var/run/docker.sock', '/root', '/work', '/etc/shadow', '/run/arbiter']:
                    try:
                        print(p, len(open(p, 'rb').read()) if os.path.isfile(p) else os.listdir(p))
                    except OSError as e:
                        print(p, type(e).__name__)
                try:
                    open('/work/x', 'w').write('x')
                except OSError as e:
                    print('rootfs', e.strerror)
                print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])
                """);
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.OK);
        List<String> lines = r.stdout().lines().toList();
        // The job's own uid: not the driver's or the fork servers' (root).
        assertThat(lines.get(0)).isEqualTo("10000 10000");
        // Only the image's own variables: nothing from the host or the JVM that started the container.
        String env = lines.get(1).replaceAll("[\\[\\]' ]", "");
        assertThat(List.of(env.split(","))).isSubsetOf(
                "HOME", "HOSTNAME", "PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "OMP_NUM_THREADS", "LC_CTYPE");
        assertThat(r.stdout()).contains("/var/run/docker.sock FileNotFoundError").contains("/etc/shadow PermissionError").contains("/run/arbiter PermissionError")
                .contains("rootfs Read-only file system").contains("0000000000000000");
    }

    @Test
    void filesLeftForTheNextRunAreGone() {
        RunResult r = run("""
                import os
                open('/tmp/planted', 'w').write('from the last run')
                open('/dev/shm/planted', 'w').write('shm')
                open('here', 'w').write('cwd')
                os.makedirs('/tmp/a/b/c')
                print('planted')
                """);
        assertThat(r.stdout()).contains("planted");
        // theNextRunFindsACleanSandbox() then checks that /tmp, /dev/shm and the working dir are empty.
    }

    @Test
    void killingTheDriverOrItsForkServersFails() {
        String id = pool.get().containerIds().get(0);
        RunResult r = run("""
                import os, signal
                for target, sig in [(1, signal.SIGKILL), (1, signal.SIGTERM), (1, signal.SIGSTOP)]:
                    try:
                        os.kill(target, sig)
                        print('sent', target, sig)
                    except OSError as e:
                        print('refused', target, e.errno)
                # kill(-1) reaches every process this uid may signal: only the job's own.
                os.kill(-1, signal.SIGKILL)
                print('alive')
                """);
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.OK);
        assertThat(r.stdout()).isEqualTo("refused 1 1\nrefused 1 1\nrefused 1 1\nalive\n");
        assertThat(pool.get().run("print('still here')", "", TIGHT).stdout()).isEqualTo("still here\n");
        assertThat(pool.get().containerIds()).containsExactly(id);
    }

    @Test
    void hugeRecursionIsContained() {
        RunResult r = run("import sys\nsys.setrecursionlimit(10**7)\ndef f(n):\n    return f(n + 1)\nf(0)\n");
        // On a loaded machine the wall clock may end it before its CPU limit does: contained either way.
        assertThat(r.status()).isIn(RunStatus.KILLED, RunStatus.RUNTIME_ERROR, RunStatus.MEMORY_LIMIT, RunStatus.CPU_LIMIT, RunStatus.TIMEOUT);
    }

    @Test
    void threadsAndProcessesThatOutliveTheJobAreKilled() throws Exception {
        RunResult r = run("""
                import os, threading, time
                def late():
                    time.sleep(1)
                    open('/tmp/late-thread', 'w').write('x')
                threading.Thread(target=late).start()
                if os.fork() == 0:
                    os.setsid()
                    time.sleep(1)
                    open('/tmp/late-process', 'w').write('x')
                    os._exit(0)
                print('left them running', flush=True)
                os._exit(0)
                """);
        assertThat(r.stdout()).contains("left them running");
        Thread.sleep(1_500);
        // theNextRunFindsACleanSandbox() checks no process but the driver remains and /tmp is empty.
    }

    @Test
    void aContainerThatDiesIsReplaced() throws Exception {
        String before = pool.get().containerIds().get(0);
        new ProcessBuilder("docker", "kill", before).redirectErrorStream(true).start().waitFor();
        // The run that meets the dead container is run again, once, on its replacement.
        RunResult during = pool.get().run("print(1)", "", TIGHT);
        RunResult after = pool.get().run("print(6 * 7)", "", TIGHT);
        assertThat(during.status()).as(during.stderr()).isEqualTo(RunStatus.OK);
        assertThat(after.stdout()).isEqualTo("42\n");
        assertThat(pool.get().containerIds()).hasSize(1).doesNotContain(before);
    }

    @Test
    void aGenerationWhoseContainerDiesIsGradedAgainNotFailed() throws Exception {
        String before = pool.get().containerIds().get(0);
        var problem = new dev.arbiter.benchmark.Problem("q", "livecodebench", "sleep then answer",
                new dev.arbiter.benchmark.CodeTests(List.of(new dev.arbiter.benchmark.TestCase("", "1\n",
                        dev.arbiter.benchmark.TestCase.TestType.STDIN, dev.arbiter.benchmark.TestCase.Visibility.PUBLIC)),
                        null, "", dev.arbiter.benchmark.CodeTests.Coverage.PUBLIC_ONLY), null);
        var grader = new dev.arbiter.verify.code.CodeGrader(pool.get(),
                new dev.arbiter.verify.code.CodeGrader.Settings(3, LcbRequest.Clock.WALL, Limits.DEFAULT));
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(400);
                new ProcessBuilder("docker", "kill", before).redirectErrorStream(true).start().waitFor();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        killer.start();
        var verdict = grader.grade(problem, "```python\nimport time\ntime.sleep(1.5)\nprint(1)\n```");
        killer.join();
        assertThat(verdict.passed()).as(String.valueOf(verdict.firstFailure())).isTrue();
        assertThat(pool.get().containerIds()).hasSize(1).doesNotContain(before);
    }
}
