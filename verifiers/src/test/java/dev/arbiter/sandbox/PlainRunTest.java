package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A plain run sees what `python3 main.py` would: its streams, builtins, exit codes and error
 * output, although its process is forked from a warm fork server rather than started afresh.
 */
@Tag("docker")
class PlainRunTest {
    @RegisterExtension
    static final SandboxPool pool = new SandboxPool(2);

    private static RunResult run(String code, String stdin) {
        return pool.get().run(code, stdin, Limits.DEFAULT);
    }

    @Test
    void streamsArgvAndNameAreThoseOfAScript() {
        RunResult r = run("""
                import sys
                line = input()
                print(line[::-1], sys.stdin.read().split())
                print(__name__, __file__, sys.argv)
                print(sys.stdout.encoding, sys.stdout.line_buffering, sys.stderr.errors)
                print('héllo ✓')
                """, "abc\n1 2 3\n");
        assertThat(r.status()).as(r.stderr()).isEqualTo(RunStatus.OK);
        assertThat(r.stdout()).isEqualTo("cba ['1', '2', '3']\n__main__ main.py ['main.py']\nutf-8 False backslashreplace\nhéllo ✓\n");
    }

    @Test
    void exitCodesFollowTheInterpreter() {
        assertThat(run("exit(3)", "").exitCode()).isEqualTo(3);
        assertThat(run("quit()", "").status()).isEqualTo(RunStatus.OK);
        RunResult message = run("import sys\nsys.exit('bye')", "");
        assertThat(message.exitCode()).isEqualTo(1);
        assertThat(message.stderr()).isEqualTo("bye\n");
        assertThat(run("import sys\nsys.exit(256 + 7)", "").exitCode()).isEqualTo(7);
    }

    @Test
    void aTracebackShowsTheProgramsFramesOnly() {
        RunResult r = run("def f():\n    return 1 / 0\nf()\n", "");
        assertThat(r.status()).isEqualTo(RunStatus.RUNTIME_ERROR);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("Traceback (most recent call last):\n  File \"main.py\", line 3, in <module>\n")
                .contains("File \"main.py\", line 2, in f")
                .endsWith("ZeroDivisionError: division by zero\n")
                .doesNotContain("zygote");
    }

    @Test
    void aSyntaxErrorReadsAsTheInterpreterPrintsIt() {
        RunResult r = run("print(\n", "");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("  File \"main.py\", line 1\n").endsWith("SyntaxError: '(' was never closed\n")
                .doesNotContain("Traceback");
    }

    @Test
    void theSourceIsDecodedLikeAFile() {
        assertThat(run("\uFEFFprint('after a byte order mark')", "").stdout()).isEqualTo("after a byte order mark\n");
        RunResult latin1 = pool.get().run("# -*- coding: latin-1 -*-\nprint(len('é'))\n", "", Limits.DEFAULT);
        assertThat(latin1.stdout()).as(latin1.stderr()).isEqualTo("2\n"); // UTF-8 bytes read as Latin-1: two characters
    }

    @Test
    void onlyTheStandardStreamsAreOpen() {
        RunResult r = run("import os\nprint(sorted(int(f) for f in os.listdir('/proc/self/fd')))", "");
        // 0-2, plus the descriptor listdir itself holds open.
        assertThat(r.stdout().strip()).isEqualTo("[0, 1, 2, 3]");
    }

    @Test
    void eachContainerIsPinnedToItsOwnCore() throws Exception {
        int cores = Integer.parseInt(docker("info", "-f", "{{.NCPU}}"));
        List<String> cpusets = new ArrayList<>();
        for (String id : pool.get().containerIds()) {
            cpusets.add(docker("inspect", "-f", "{{.HostConfig.CpusetCpus}}", id));
        }
        if (cores >= 2) {
            assertThat(cpusets).containsExactlyInAnyOrder("0", "1");
        } else {
            assertThat(cpusets).containsOnly("0");
        }
    }

    private static String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
