package dev.arbiter.verify.math;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A pool of {@link SymjaServer} child JVMs answering "is this expression identically zero?".
 * Symja runs out of process because some of its computations ignore interrupts: the only sure
 * way to stop one at a deadline is to kill its process.
 *
 * <p>Thread-safe. Each child serves one request at a time. Children start lazily (or through
 * {@link #warmUp()}), a child that misses a deadline is killed at once, and no child outlives
 * the JVM: a shutdown hook kills them, and a child whose stdin closes or whose parent is gone
 * exits on its own.
 *
 * <p>Start-up is cut by a dynamic class-data-sharing archive kept in {@code $ARBITER_CACHE} or
 * {@code ~/.cache/arbiter}. A one-off background "trainer" child records it the first time a
 * given JDK and class path are seen; later children map it.
 */
final class SymjaPool implements AutoCloseable {
    /** A child is replaced after this many requests: interned symbols and caches only grow (~0.3 MB per 1,000). */
    static final int MAX_REQUESTS_PER_CHILD = 50_000;
    private static final long READY_TIMEOUT_SECONDS = 60;
    private static final int CACHE_SIZE = 4_096;
    private static final int KEPT_ARCHIVES = 4;
    private static final String MAIN = SymjaServer.class.getName();

    /** Every child process of every pool, for the shutdown hook. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /** Archive path to the trainer recording it (at most one per path in this JVM). */
    private static final Map<Path, Process> TRAINERS = new ConcurrentHashMap<>();
    private static final Set<Path> TRAINED_OR_FAILED = ConcurrentHashMap.newKeySet();
    private static volatile String trainingFailure;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(SymjaPool::killAll, "symja-pool-shutdown"));
        } catch (IllegalStateException e) {
            // already shutting down: nothing will be started
        }
    }

    private final int maxWorkers;
    private final Path cacheDir;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final Set<Worker> workers = new HashSet<>();
    private int starting;
    private int waiting;
    private long startFailures;
    private boolean closed;
    private volatile String lastFailure;
    private Launch launch;
    private final Map<String, CasAnswer> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CasAnswer> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** A pool of at most {@code maxWorkers} children, caching start-up data in the default cache folder. */
    SymjaPool(int maxWorkers) {
        this(maxWorkers, defaultCacheDir());
    }

    /** {@code cacheDir} null: no class-data archive. */
    SymjaPool(int maxWorkers, Path cacheDir) {
        this(maxWorkers, cacheDir, null);
    }

    private SymjaPool(int maxWorkers, Path cacheDir, Launch launch) {
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be >= 1, got " + maxWorkers);
        }
        this.maxWorkers = maxWorkers;
        this.cacheDir = cacheDir;
        this.launch = launch;
    }

    /** A pool that starts children exactly as {@code launch} says (tests). */
    static SymjaPool withLaunch(int maxWorkers, Launch launch) {
        return new SymjaPool(maxWorkers, null, launch);
    }

    static Path defaultCacheDir() {
        String env = System.getenv("ARBITER_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getProperty("user.home");
        return home == null ? null : Path.of(home, ".cache", "arbiter");
    }

    /** Is {@code symjaExpr} identically zero for every real value of its symbols? See the next method. */
    CasAnswer isZero(String symjaExpr, long deadlineNanos) {
        return isZero(symjaExpr, Set.of(), deadlineNanos);
    }

    /**
     * Is {@code symjaExpr} identically zero, its symbols being reals and those named in
     * {@code positive} positive reals? Waits for a free child but never past {@code deadlineNanos},
     * an absolute {@link System#nanoTime()} value.
     */
    CasAnswer isZero(String symjaExpr, Set<String> positive, long deadlineNanos) {
        if (symjaExpr == null || symjaExpr.isBlank()) {
            return CasAnswer.UNKNOWN;
        }
        // the request's positive symbols and expression, which is also the cache key
        String expr = String.join(",", new TreeSet<>(positive)) + "\t"
                + symjaExpr.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ').strip();
        synchronized (cache) {
            CasAnswer hit = cache.get(expr);
            if (hit != null) {
                return hit;
            }
        }
        if (deadlineNanos - System.nanoTime() <= 0) {
            return CasAnswer.TIMEOUT;
        }
        Worker w;
        try {
            w = borrow(deadlineNanos);
        } catch (Unavailable e) {
            return CasAnswer.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CasAnswer.TIMEOUT;
        }
        if (w == null) {
            return CasAnswer.TIMEOUT;
        }
        CasAnswer answer = ask(w, expr, deadlineNanos);
        if (answer == CasAnswer.ZERO || answer == CasAnswer.NONZERO) {
            synchronized (cache) {
                cache.put(expr, answer);
            }
        }
        return answer;
    }

    /** Starts one child in the background if none is running or starting; returns at once. */
    void warmUp() {
        warmUp(1);
    }

    /** Starts children in the background until this many (at most the pool's size) are running or starting; returns at once. */
    void warmUp(int children) {
        lock.lock();
        try {
            while (!closed && workers.size() < Math.min(children, maxWorkers)) {
                launch();
            }
        } catch (Unavailable e) {
            // kept in lastFailure; the next isZero tries again
        } finally {
            lock.unlock();
        }
    }

    /** Why the last child could not start or died; null if none has failed. */
    String lastFailure() {
        return lastFailure;
    }

    /**
     * Kills every worker of this pool. Idempotent. An archive trainer is left to finish (seconds):
     * it belongs to the JVM, whose shutdown hook kills it, so that short-lived pools still get an
     * archive recorded.
     */
    @Override
    public void close() {
        List<Worker> all;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(workers);
            workers.clear();
            idle.clear();
            starting = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Worker w : all) {
            kill(w.process);
        }
    }


    /** Children alive now, ready or not (for tests and diagnostics). */
    int size() {
        lock.lock();
        try {
            return workers.size();
        } finally {
            lock.unlock();
        }
    }

    // ---- borrowing and asking -------------------------------------------------------------------

    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** An idle child, or null when the deadline passed first. */
    private Worker borrow(long deadlineNanos) throws Unavailable, InterruptedException {
        lock.lock();
        try {
            long failuresBefore = startFailures;
            waiting++;
            try {
                while (true) {
                    if (closed) {
                        lastFailure = "pool closed";
                        throw new Unavailable(lastFailure);
                    }
                    Worker w = idle.pollLast();
                    if (w != null) {
                        if (w.process.isAlive()) {
                            return w;
                        }
                        forget(w, "child exited while idle: " + w.describeExit());
                        continue;
                    }
                    if (startFailures != failuresBefore) {
                        throw new Unavailable(lastFailure);
                    }
                    if (workers.size() < maxWorkers && starting < waiting) {
                        launch();
                    }
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    changed.awaitNanos(left);
                }
            } finally {
                waiting--;
            }
        } finally {
            lock.unlock();
        }
    }

    private CasAnswer ask(Worker w, String expr, long deadlineNanos) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        // The child gives up a little early on its own, so cooperative work ends without a kill.
        long budget = Math.max(1, leftMs - Math.min(200, Math.max(20, leftMs / 10)));
        long id = ++w.requests;
        try {
            w.stdin.write(id + "\t" + budget + "\t" + expr + "\n");
            w.stdin.flush();
        } catch (IOException e) {
            discard(w, "could not write to child: " + e.getMessage() + "; " + w.describeExit());
            return CasAnswer.UNAVAILABLE;
        }
        String prefix = id + "\t";
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            String line;
            try {
                line = left > 0 ? w.replies.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                discard(w, null);
                return CasAnswer.TIMEOUT;
            }
            if (line == null) {
                discard(w, null); // still computing: kill it now so no CPU burns past the deadline
                return CasAnswer.TIMEOUT;
            }
            if (line == Worker.EOF) {
                discard(w, "child died during a request: " + w.describeExit());
                return CasAnswer.UNAVAILABLE;
            }
            if (!line.startsWith(prefix)) {
                continue; // stray output (e.g. a JVM warning); replies always carry the id
            }
            String[] parts = line.split("\t", 3);
            String detail = parts.length > 2 ? parts[2] : "";
            CasAnswer answer = switch (parts.length > 1 ? parts[1] : "") {
                case "ZERO" -> CasAnswer.ZERO;
                case "NONZERO" -> CasAnswer.NONZERO;
                case "TIMEOUT" -> CasAnswer.TIMEOUT;
                default -> CasAnswer.UNKNOWN;
            };
            if (detail.startsWith(SymjaServer.FATAL) || w.requests >= MAX_REQUESTS_PER_CHILD) {
                discard(w, null);
            } else {
                release(w);
            }
            return answer;
        }
    }

    private void release(Worker w) {
        lock.lock();
        try {
            if (closed || !workers.contains(w)) {
                kill(w.process);
                return;
            }
            idle.addLast(w);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Kills a child and drops it; a replacement starts only when next needed. */
    private void discard(Worker w, String failure) {
        kill(w.process);
        lock.lock();
        try {
            forget(w, failure);
        } finally {
            lock.unlock();
        }
    }

    private void forget(Worker w, String failure) {
        if (workers.remove(w)) {
            idle.remove(w);
            if (!w.ready) {
                starting--;
            }
            changed.signalAll();
        }
        if (failure != null) {
            lastFailure = failure;
        }
    }

    // ---- child processes -----------------------------------------------------------------------

    private static final class Worker {
        static final String EOF = new String("<eof>");
        final Process process;
        final Writer stdin;
        final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final StringBuilder stderrTail = new StringBuilder();
        final long startedNanos = System.nanoTime();
        volatile boolean ready;
        volatile long readyNanos;
        long requests;

        Worker(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        String describeExit() {
            String code = process.isAlive() ? "still running" : "exit code " + process.exitValue();
            String tail;
            synchronized (stderrTail) {
                tail = stderrTail.toString().strip();
            }
            return code + (tail.isEmpty() ? "" : "; stderr: " + tail);
        }
    }

    /** Starts one child; caller holds the lock. */
    private void launch() throws Unavailable {
        Launch l = launchSettings();
        List<String> cmd = l.command(true);
        Process p;
        try {
            p = start(cmd);
        } catch (IOException e) {
            startFailures++;
            lastFailure = "cannot start " + cmd.get(0) + ": " + e.getMessage();
            changed.signalAll();
            throw new Unavailable(lastFailure);
        }
        Worker w = new Worker(p);
        workers.add(w);
        starting++;
        daemon("symja-out-" + p.pid(), () -> readReplies(w));
        daemon("symja-err-" + p.pid(), () -> drain(p.getErrorStream(), w.stderrTail));
        CompletableFuture.delayedExecutor(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
            if (!w.ready && p.isAlive()) {
                kill(p); // a hung start: the reader then reports the failure
            }
        });
        if (l.archive != null && !Files.exists(l.archive)) {
            train(l);
        }
    }

    private void readReplies(Worker w) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(w.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!w.ready) {
                    if (line.equals(SymjaServer.READY)) {
                        onReady(w);
                    }
                    continue;
                }
                w.replies.add(line);
            }
        } catch (IOException e) {
            // treated as exit below
        }
        try {
            w.process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(w.process);
        w.replies.add(Worker.EOF);
        lock.lock();
        try {
            if (!w.ready && workers.contains(w)) {
                startFailures++;
                forget(w, "child exited before it was ready: " + w.describeExit());
            }
        } finally {
            lock.unlock();
        }
    }

    private void onReady(Worker w) {
        w.readyNanos = System.nanoTime();
        lock.lock();
        try {
            w.ready = true;
            if (!workers.contains(w)) {
                return;
            }
            starting--;
            idle.addLast(w);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void drain(InputStream in, StringBuilder tail) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (tail) {
                    tail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (tail.length() > 2_000) {
                        tail.delete(0, tail.length() - 1_000);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private static Process start(List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // The child's flags are ours alone.
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        Process p = pb.start();
        LIVE.add(p);
        return p;
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        LIVE.remove(p);
    }

    private static void killAll() {
        for (Process p : List.copyOf(LIVE)) {
            kill(p);
        }
    }

    // ---- command line and class-data archive ---------------------------------------------------

    /**
     * Flags measured on 2 cores: serial GC and a small heap keep a child at ~150-280 MB RSS; the
     * archive halves start-up CPU. C2 stays on: a child lives for many requests.
     */
    static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC", "-Xmx512m", "-Xss16m", "-XX:-UsePerfData", "-Djava.awt.headless=true",
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    /** How children are started: java binary, class path, and the archive (null: none). */
    record Launch(String java, String classpath, Path archive) {
        List<String> command(boolean useArchive) {
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(JVM_FLAGS);
            if (useArchive && archive != null && Files.isRegularFile(archive)) {
                cmd.add("-XX:SharedArchiveFile=" + archive);
            }
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(MAIN);
            return cmd;
        }
    }

    private Launch launchSettings() {
        Launch l = launch;
        if (l == null) {
            l = launch = computeLaunch(cacheDir);
        }
        return l;
    }

    static Launch computeLaunch(Path cacheDir) {
        String java = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString();
        String cp = System.getProperty("java.class.path", "");
        if (cacheDir == null) {
            return new Launch(java, cp, null);
        }
        try {
            Files.createDirectories(cacheDir);
            List<String> entries = new ArrayList<>();
            boolean hasDir = false;
            for (String e : cp.split(File.pathSeparator)) {
                if (e.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(Path.of(e))) {
                    hasDir = true;
                } else {
                    entries.add(e);
                }
            }
            if (hasDir) {
                // An archive cannot cover directories (tests, IDEs): put the server in a jar and drop them.
                Path serverJar = serverJar(cacheDir);
                if (serverJar == null) {
                    return new Launch(java, cp, null);
                }
                entries.add(0, serverJar.toString());
            }
            String childCp = String.join(File.pathSeparator, entries);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((java + "\n" + System.getProperty("java.vm.version") + "\n" + JVM_FLAGS + "\n").getBytes(StandardCharsets.UTF_8));
            for (String e : entries) {
                Path p = Path.of(e);
                md.update((e + "|" + (Files.exists(p) ? Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() : "-") + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            String hash = HexFormat.of().formatHex(md.digest(), 0, 8);
            return new Launch(java, childCp, cacheDir.resolve("symja-" + hash + ".jsa"));
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return new Launch(java, cp, null);
        }
    }

    /** A jar of the server's classes when they live in a directory; null if that cannot be made. */
    private static Path serverJar(Path cacheDir) throws IOException, NoSuchAlgorithmException {
        Path dir;
        try {
            dir = Path.of(SymjaServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return null;
        }
        String pkg = SymjaServer.class.getPackageName().replace('.', '/');
        String simple = SymjaServer.class.getSimpleName();
        Map<String, byte[]> classes = new HashMap<>();
        try (Stream<Path> files = Files.list(dir.resolve(pkg))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && (name.equals(simple + ".class") || name.startsWith(simple + "$"))) {
                    classes.put(pkg + "/" + name, Files.readAllBytes(f));
                }
            }
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        classes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update(e.getValue());
        });
        Path jar = cacheDir.resolve("symja-server-" + HexFormat.of().formatHex(md.digest(), 0, 8) + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path tmp = Files.createTempFile(cacheDir, "symja-server", ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jos = new JarOutputStream(os)) {
            for (var e : classes.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                JarEntry entry = new JarEntry(e.getKey());
                entry.setTime(0); // same content, same jar: the archive stays valid across runs
                jos.putNextEntry(entry);
                jos.write(e.getValue());
                jos.closeEntry();
            }
        }
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(0));
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }

    /**
     * Records the archive once per path in this JVM: a child runs a small representative mix and
     * dumps the classes it loaded at exit into a temporary file, moved into place when complete
     * so that no child ever maps a half-written archive.
     */
    private static void train(Launch l) {
        synchronized (TRAINERS) {
            startTrainer(l);
        }
    }

    private static void startTrainer(Launch l) {
        Path archive = l.archive;
        if (TRAINED_OR_FAILED.contains(archive) || TRAINERS.containsKey(archive)) {
            return;
        }
        Path tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        List<String> cmd = new ArrayList<>(l.command(false));
        cmd.add(cmd.size() - 3, "-XX:ArchiveClassesAtExit=" + tmp);
        cmd.add("--train");
        Process p;
        try {
            p = start(cmd);
        } catch (IOException e) {
            TRAINED_OR_FAILED.add(archive);
            return;
        }
        TRAINERS.put(archive, p);
        try {
            p.getOutputStream().close(); // the trainer reads no requests
        } catch (IOException e) {
            // nothing to close
        }
        StringBuilder err = new StringBuilder();
        daemon("symja-train-err", () -> drain(p.getErrorStream(), err));
        daemon("symja-train-out", () -> drain(p.getInputStream(), new StringBuilder()));
        p.onExit().thenRun(() -> {
            try {
                if (p.exitValue() == 0 && Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
                    Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    pruneArchives(archive.getParent());
                } else {
                    synchronized (err) {
                        trainingFailure = "archive trainer exit code " + p.exitValue() + ": " + err.toString().strip();
                    }
                }
            } catch (IOException | RuntimeException e) {
                trainingFailure = "archive not recorded: " + e;
            } finally {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // leave it
                }
                LIVE.remove(p);
                TRAINED_OR_FAILED.add(archive);
                TRAINERS.remove(archive, p);
            }
        });
    }

    /**
     * Every rebuilt jar gets its own ~30 MB archive; keep the newest few. A JVM still using a
     * removed one is unaffected (the mapping stays); its later children just start without it.
     */
    static void pruneArchives(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> archives = files
                    .filter(f -> f.getFileName().toString().matches("symja-[0-9a-f]+\\.jsa"))
                    .sorted((a, b) -> Long.compare(lastModified(b), lastModified(a)))
                    .toList();
            for (Path old : archives.subList(Math.min(KEPT_ARCHIVES, archives.size()), archives.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Why the last archive recording failed in this JVM; null if none did (diagnostics). */
    static String trainingFailure() {
        return trainingFailure;
    }

    /** Waits until no trainer started by this JVM is running (tests; start-up measurements). */
    /**
     * Records the class-data archive for this JVM's classpath now and waits for it (the launcher
     * does this once per build, since a short CLI run would kill a background trainer at exit).
     * Returns the archive, or null when none could be recorded.
     */
    static Path recordArchiveNow(long timeout, TimeUnit unit) throws InterruptedException {
        Launch l = computeLaunch(defaultCacheDir());
        if (l.archive() == null) {
            return null;
        }
        if (!Files.isRegularFile(l.archive())) {
            train(l);
            awaitTraining(timeout, unit);
        }
        return Files.isRegularFile(l.archive()) ? l.archive() : null;
    }

    static boolean awaitTraining(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!TRAINERS.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The launch this pool uses (tests; measurements). */
    Launch launchForTests() {
        return launchSettings();
    }

    /** Start-to-ready time of the most recently ready child, in ms; -1 if none (measurements). */
    long lastStartMillis() {
        lock.lock();
        try {
            return workers.stream().filter(w -> w.ready)
                    .max((a, b) -> Long.compare(a.readyNanos, b.readyNanos))
                    .map(w -> TimeUnit.NANOSECONDS.toMillis(w.readyNanos - w.startedNanos)).orElse(-1L);
        } finally {
            lock.unlock();
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }
}
