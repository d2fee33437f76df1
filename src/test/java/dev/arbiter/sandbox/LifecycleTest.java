package dev.arbiter.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** No container outlives its owner: closed pools, finished commands, or a JVM killed with -9. */
@Tag("docker")
@Tag("slow")
@ExtendWith(DockerRequired.class)
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void closingThePoolRemovesItsContainers() throws Exception {
        List<String> ids;
        try (Sandbox s = Sandbox.start(SandboxConfig.defaults().withContainers(2))) {
            ids = s.containerIds();
            assertThat(ids).hasSize(2);
            assertThat(DockerRequired.sandboxContainers()).hasSize(2);
            assertThat(s.run("print('hi')", "", Limits.DEFAULT).stdout()).isEqualTo("hi\n");
        }
        assertThat(DockerRequired.sandboxContainers()).isEmpty();
    }

    @Test
    void theCliLeavesNoContainerBehind() throws Exception {
        Path code = Files.writeString(dir.resolve("p.py"), "import sys\nprint(sys.stdin.read().upper())\n");
        Path in = Files.writeString(dir.resolve("in.txt"), "abc");
        StringWriter out = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "sandbox", "run", "--code-file", code.toString(), "--stdin-file", in.toString(), "--timeout-ms", "5000");
        assertThat(rc).isZero();
        assertThat(out.toString()).contains("\"status\" : \"ok\"").contains("ABC");
        assertThat(DockerRequired.sandboxContainers()).isEmpty();
    }

    @Test
    void aJvmKilledWithSigkillLeavesNoContainerBehind() throws Exception {
        Path code = Files.writeString(dir.resolve("sleep.py"), "import time\ntime.sleep(120)\n");
        Process child = javaMain("sandbox", "run", "--code-file", code.toString(), "--timeout-ms", "120000");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (DockerRequired.sandboxContainers().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(DockerRequired.sandboxContainers()).as("the child started its container").hasSize(1);
            Thread.sleep(1_000);
        } finally {
            child.destroyForcibly().waitFor();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!DockerRequired.sandboxContainers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(DockerRequired.sandboxContainers()).as("stdin closed, the driver exited and Docker removed it").isEmpty();
    }

    @Test
    void aJobWhoseContainerDiesIsRetriedOnceElsewhereThenReportedAndTheJobsBehindItStillRun() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxConfig.defaults().withContainers(1));
                var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                var docker = Sandbox.connect()) {
            String first = s.containerIds().getFirst();
            Limits slow = new Limits(60_000, 60_000, 256, 1 << 20, 1 << 20);
            var sleeper = threads.submit(() -> s.run("import time\ntime.sleep(8)\nprint('slept')\n", "", slow));
            Thread.sleep(1_500);
            var behind = threads.submit(() -> s.run("print('after')", "", Limits.DEFAULT));
            Thread.sleep(500);
            assertThat(behind.isDone()).isFalse();
            docker.killContainerCmd(first).exec();
            // The sleeper runs again on the replacement; when that container dies too, it ends as a
            // sandbox error naming both, not as a result.
            String second = awaitContainerOtherThan(s, first);
            Thread.sleep(2_000);
            assertThat(sleeper.isDone()).isFalse();
            docker.killContainerCmd(second).exec();
            RunResult lost = sleeper.get(60, TimeUnit.SECONDS);
            assertThat(lost.status()).isEqualTo(RunStatus.SANDBOX_ERROR);
            assertThat(lost.stderr()).contains("after a retry").contains(second.substring(0, 12)).contains(first.substring(0, 12));
            // The job that waited behind it had not started: it runs, once, on the third container.
            RunResult after = behind.get(60, TimeUnit.SECONDS);
            assertThat(after.status()).isEqualTo(RunStatus.OK);
            assertThat(after.stdout()).isEqualTo("after\n");
            assertThat(s.containerIds()).hasSize(1).doesNotContain(first, second);
        }
    }

    private static String awaitContainerOtherThan(Sandbox s, String old) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> ids = s.containerIds();
            if (ids.size() == 1 && !ids.getFirst().equals(old)) {
                return ids.getFirst();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no replacement for container " + old);
    }

    @Test
    void withoutDockerTheErrorIsOneLineThatSaysHowToStartIt() throws Exception {
        Path code = Files.writeString(dir.resolve("p.py"), "print(1)\n");
        ProcessBuilder pb = command("sandbox", "run", "--code-file", code.toString());
        pb.environment().put("DOCKER_HOST", "unix://" + dir.resolve("no-docker.sock"));
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(1);
        List<String> lines = err.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
        assertThat(lines).singleElement().satisfies(l -> assertThat(l)
                .startsWith("arbiter: Docker is not reachable")
                .contains("dockerd"));
    }

    private static ProcessBuilder command(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static Process javaMain(String... args) throws Exception {
        return command(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
