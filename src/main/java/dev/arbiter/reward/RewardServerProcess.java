package dev.arbiter.reward;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code arbiter reward-server} in a process of its own on this machine, as one replica: a JVM started
 * on a free port, stopped as Kubernetes stops a pod, with SIGTERM (it finishes the requests in flight),
 * then SIGKILL if it is still there after its drain time. It is also stopped when this JVM exits.
 */
public final class RewardServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("arbiter reward-server: (http://\\S+)");
    private static final int KEPT_OUTPUT = 16 << 10;

    private final Process process;
    private final URI uri;
    private final StringBuilder output;
    private final Thread hook;

    private RewardServerProcess(Process process, URI uri, StringBuilder output, Thread hook) {
        this.process = process;
        this.uri = uri;
        this.output = output;
        this.hook = hook;
    }

    /** The command that runs {@code mainClass} in a JVM like this one, on this JVM's class path, with {@code jvmOptions}. */
    public static List<String> launcher(String mainClass, String... jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return cmd;
    }

    /**
     * Runs {@code launcher} (a JVM and Arbiter's main class) with {@code reward-server --host 127.0.0.1 --port 0} and
     * {@code options}, {@code env} added to this process's environment, and waits until it listens.
     *
     * @throws RewardServerException when it exits or does not listen within {@code startup}, with what it printed
     */
    public static RewardServerProcess start(List<String> launcher, List<String> options, Map<String, String> env, Duration startup)
            throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("reward-server", "--host", "127.0.0.1", "--port", "0"));
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread hook = new Thread(p::destroyForcibly, "arbiter-reward-replica-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        StringBuilder output = new StringBuilder();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread.ofVirtual().name("arbiter-reward-replica-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        if (output.length() > KEPT_OUTPUT) {
                            output.delete(0, output.length() - KEPT_OUTPUT);
                        }
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // The process is gone; what it printed so far is kept.
            }
            listening.complete(null);
        });
        RewardServerProcess started = null;
        try {
            URI uri = listening.get(startup.toMillis(), TimeUnit.MILLISECONDS);
            if (uri == null) {
                p.waitFor(5, TimeUnit.SECONDS);
                throw new RewardServerException("reward-server exited before it listened" + (p.isAlive() ? "" : " (status " + p.exitValue() + ")")
                        + ": " + tail(output));
            }
            started = new RewardServerProcess(p, uri, output, hook);
            return started;
        } catch (TimeoutException e) {
            throw new RewardServerException("reward-server did not listen within " + startup.toSeconds() + " s: " + tail(output));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reward-server started", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            if (started == null) {
                p.destroyForcibly();
                removeHook(hook);
            }
        }
    }

    private static String tail(StringBuilder output) {
        synchronized (output) {
            String s = output.toString().strip().replace('\n', ' ');
            return s.isEmpty() ? "(no output)" : s.length() > 400 ? "…" + s.substring(s.length() - 400) : s;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs anyway.
        }
    }

    /** Where it listens, {@code http://127.0.0.1:PORT}. */
    public URI uri() {
        return uri;
    }

    /** The last lines it printed. */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Stops it: SIGTERM, then SIGKILL after {@code drain} if it is still running; true when SIGTERM was enough. */
    public boolean stop(Duration drain) {
        process.destroy();
        boolean drained = false;
        try {
            drained = process.waitFor(drain.toMillis(), TimeUnit.MILLISECONDS);
            if (!drained) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        removeHook(hook);
        return drained;
    }

    /** Its process id. */
    public long pid() {
        return process.pid();
    }

    /** {@link #stop(Duration)} with a minute to drain. */
    @Override
    public void close() {
        stop(Duration.ofMinutes(1));
    }
}
