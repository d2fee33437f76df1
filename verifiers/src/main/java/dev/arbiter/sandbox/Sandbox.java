package dev.arbiter.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.arbiter.json.Json;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A pool of long-lived sandbox containers. Any number of threads may call it. Jobs wait in one
 * queue; each container has a pump that keeps up to {@link #PIPELINE} of them sent to its driver,
 * which runs them one after another, each in a fresh child process, cleaning up in between. The
 * second job is already in the driver's input when the first ends, so the container does not idle
 * while an answer travels back through Docker and the next request comes in.
 *
 * <p>A container whose harness fails (the driver says so, or the container dies or stops answering)
 * is removed and replaced, and so is one whose driver could not prove itself clean after a job. A
 * job that met a harness failure is run once more, on another container (the failed one is gone by
 * then); if that fails too, its result is a sandbox error carrying the reason, never a verdict. Jobs
 * that were only waiting behind it had not started, and are queued again as they were.
 *
 * <p>The pool may span several Docker daemons ({@link SandboxConfig#hosts()}), each running the
 * configured number of containers; a container takes the next job whenever it has room, so work
 * spreads by free capacity. A daemon that stops answering is taken out: its containers are dropped,
 * its jobs run again elsewhere (a lost host does not use up a job's one retry), and it is probed
 * every few seconds and brought back, with fresh containers, once it answers and holds the image.
 */
public final class Sandbox implements AutoCloseable {
    /**
     * Extra time the Java side waits past a job's own limits before declaring a container dead: the
     * driver's cleanup after a job (kill, remove, check; each step bounded at 5 s) happens before it
     * answers.
     */
    private static final long GRACE_MS = 30_000;
    /** Jobs sent ahead to one container's driver. */
    static final int PIPELINE = 2;

    /** How often a host that is out, or short of containers, is tried again. */
    static final long PROBE_MS = 5_000;
    /** The longest a container may take to start and say it is ready. */
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    /** The longest closing the pool waits for its containers' removal. */
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);
    /** Times a job may lose its host before it is given up as a sandbox error. */
    private static final int HOST_LOSSES = 3;

    private final List<PoolHost> hosts;
    private final SandboxConfig config;
    private final String owner;
    private final BlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    /** Every live container, with the host it runs on. */
    private final Map<DockerWorker, PoolHost> all = new ConcurrentHashMap<>();
    /** Containers being removed off the pumps' threads (see closeLater). */
    private final Set<Thread> closing = ConcurrentHashMap.newKeySet();
    private final Thread shutdownHook;
    /** Containers being started in place of dead ones: while any is, the pool is not empty. */
    private final AtomicInteger replacing = new AtomicInteger();
    private volatile boolean closed;
    private volatile String lastFailure;
    /** The image's id on the first host that served, and that host: every host must hold the same build. */
    private String imageId;
    private PoolHost imageFrom;

    private Sandbox(SandboxConfig config) {
        this.config = config;
        this.hosts = config.hosts().stream().map(PoolHost::new).toList();
        this.owner = hostName() + "/" + ProcessHandle.current().pid();
        this.shutdownHook = new Thread(this::closeQuietly, "arbiter-sandbox-shutdown");
    }

    /** How many containers this sandbox runs when all its hosts are in. */
    public int containers() {
        return config.totalContainers();
    }

    /**
     * One Docker host of the pool as it stands now; {@code moved} counts the jobs that failed here
     * and were then answered on another host.
     */
    public record HostStatus(String host, boolean in, int containers, long jobs, long moved, String out) {
    }

    /** Each host's state: in or out (and why), its live containers and the jobs it has answered. */
    public List<HostStatus> hosts() {
        return hosts.stream().map(h -> new HostStatus(h.host.uri(), h.out() == null,
                (int) all.values().stream().filter(x -> x == h).count(), h.jobs.get(), h.moved.get(), h.out())).toList();
    }

    /** Runs one program in a sandbox of one container, started for it and stopped after. */
    public static RunResult runOnce(String code, String stdin, Limits limits) {
        try (Sandbox sandbox = start(SandboxConfig.defaults().withContainers(1))) {
            return sandbox.run(code, stdin, limits);
        }
    }

    /**
     * Connects to each Docker host, clears containers left there by dead Arbiter processes, and starts
     * the pool. A host that cannot serve is left out (and probed again later) as long as another can;
     * with none, this throws, naming each host's reason.
     */
    public static Sandbox start(SandboxConfig config) {
        Sandbox s = new Sandbox(config);
        Runtime.getRuntime().addShutdownHook(s.shutdownHook);
        Map<PoolHost, String> refused = new LinkedHashMap<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<PoolHost, Future<String>> checks = new LinkedHashMap<>();
            for (PoolHost h : s.hosts) {
                checks.put(h, ex.submit(() -> h.check(config.image())));
            }
            for (var e : checks.entrySet()) {
                String why = e.getValue().get();
                if (why == null) {
                    why = s.imageMismatch(e.getKey());
                }
                if (why != null) {
                    refused.put(e.getKey(), why);
                }
            }
            Map<PoolHost, Future<List<DockerWorker>>> starting = new LinkedHashMap<>();
            for (PoolHost h : s.hosts) {
                if (!refused.containsKey(h)) {
                    starting.put(h, ex.submit(() -> s.open(h)));
                }
            }
            for (var e : starting.entrySet()) {
                try {
                    e.getValue().get().forEach(w -> s.all.put(w, e.getKey()));
                } catch (ExecutionException failed) {
                    Throwable cause = failed.getCause();
                    String why = cause instanceof SandboxException ? cause.getMessage() : "could not start sandbox containers: " + reason(cause);
                    refused.put(e.getKey(), why);
                }
            }
        } catch (InterruptedException | ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            s.close();
            throw new SandboxException("could not start the sandbox: " + reason(e));
        }
        if (refused.size() == s.hosts.size()) {
            s.close();
            if (refused.size() == 1) {
                throw new SandboxException(refused.values().iterator().next());
            }
            throw new SandboxException("no Docker host could run the sandbox: " + String.join("; ", refused.values()));
        }
        refused.forEach((h, why) -> {
            h.takeOut(why);
            for (int slot = 0; slot < config.containers(); slot++) {
                h.vacant.add(slot);
            }
            System.err.println("arbiter: sandbox host " + h + " is left out for now (" + why + "); it is tried again every "
                    + PROBE_MS / 1000 + " s");
        });
        s.all.forEach(s::startPump);
        Thread.ofVirtual().name("arbiter-sandbox-prober").start(s::probeLoop);
        return s;
    }

    /**
     * Why a host that answers cannot serve this pool: it holds another build under the image's name
     * than the first host did (two builds could grade one program differently). Null when it may.
     */
    private synchronized String imageMismatch(PoolHost h) {
        if (imageId == null) {
            imageId = h.imageId();
            imageFrom = h;
            return null;
        }
        if (imageId.equals(h.imageId())) {
            return null;
        }
        return "Docker at " + h + " holds another build of " + config.image() + " (" + h.imageId() + ") than " + imageFrom + " ("
                + imageId + "); load the same one there with `arbiter sandbox image --load FILE --docker-host " + h + "`";
    }

    /** Readies a host that passed its check and starts its containers; throws, closing what it started, if any fails. */
    private List<DockerWorker> open(PoolHost h) {
        h.cpus = pinnedCpus(h);
        Deadline.within(PoolHost.CONTROL_TIMEOUT.multipliedBy(3), "Docker at " + h, () -> removeOrphans(h.control()));
        List<DockerWorker> started = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<DockerWorker>> starting = new ArrayList<>();
            for (int i = 0; i < config.containers(); i++) {
                int slot = i;
                starting.add(ex.submit(() -> startWorker(h, slot)));
            }
            RuntimeException first = null;
            for (Future<DockerWorker> f : starting) {
                try {
                    started.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException re ? re : new SandboxException(reason(e.getCause()), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    first = new SandboxException("interrupted while starting sandbox containers");
                }
            }
            if (first != null) {
                started.forEach(DockerWorker::close);
                throw first;
            }
        }
        return started;
    }

    /**
     * Cores to pin containers to on a host: only on a unix-socket host, which is this machine's own
     * daemon. A remote daemon may be shared by several pools, whose pins would pile onto the same cores.
     */
    private int pinnedCpus(PoolHost h) {
        if (!config.pinCpus() || !h.host.uri().startsWith("unix:")) {
            return 0;
        }
        try {
            return Deadline.within(PoolHost.CONTROL_TIMEOUT, "Docker at " + h, () -> hostCpus(h.control()), x -> { });
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Starts one container on a host, bounded: one that starts after the deadline is closed when it does. */
    private DockerWorker startWorker(PoolHost h, int slot) {
        return Deadline.within(START_LIMIT, "starting a sandbox container on " + h,
                () -> DockerWorker.start(h.docker(), config, owner, slot, h.cpus), DockerWorker::close);
    }

    /**
     * Puts a fresh container in the pool, unless its host went out or the pool closed while it
     * started: then it is closed and false returned. Holds the host's lock, as {@link #takeOut} does.
     */
    private boolean adopt(PoolHost h, DockerWorker w) {
        synchronized (h) {
            if (!closed && h.out() == null) {
                all.put(w, h);
                return true;
            }
        }
        closeLater(w);
        return false;
    }

    /**
     * Removes a container off the calling thread (its daemon may hang); closing the pool waits for
     * these as for its own, so nothing of the pool outlives close() on a daemon that answers.
     */
    private void closeLater(DockerWorker w) {
        Thread t = Thread.ofVirtual().unstarted(() -> {
            try {
                w.close();
            } finally {
                closing.remove(Thread.currentThread());
            }
        });
        closing.add(t);
        t.start();
    }

    private void startPump(DockerWorker w, PoolHost h) {
        Thread.ofVirtual().name("arbiter-sandbox-pump-" + h + "-" + w.slot).start(() -> pump(h, w));
    }

    /** Brings hosts back in, and fills container slots left empty, as long as the pool is open. */
    private void probeLoop() {
        while (!closed) {
            try {
                Thread.sleep(PROBE_MS);
            } catch (InterruptedException e) {
                return;
            }
            for (PoolHost h : hosts) {
                if (!closed && (h.out() != null || !h.vacant.isEmpty())) {
                    refill(h);
                }
            }
        }
    }

    private void refill(PoolHost h) {
        // While a host is being brought back the pool is not lost, even if every other container goes.
        replacing.incrementAndGet();
        try {
            String why = h.check(config.image());
            if (why == null && h.out() != null) {
                why = imageMismatch(h);
            }
            if (why != null) {
                takeOut(h, why);
                return;
            }
            if (h.out() != null) {
                h.cpus = pinnedCpus(h);
                removeStale(h);
                h.bringIn();
                System.err.println("arbiter: sandbox host " + h + " is back in");
            }
            for (Integer slot : List.copyOf(h.vacant)) {
                if (closed) {
                    return;
                }
                DockerWorker w;
                try {
                    w = startWorker(h, slot);
                } catch (RuntimeException e) {
                    lastFailure = h + ": " + reason(e);
                    return;
                }
                if (!adopt(h, w)) {
                    return;
                }
                h.vacant.remove(slot);
                startPump(w, h);
            }
        } finally {
            replacing.decrementAndGet();
        }
    }

    /**
     * Takes a host out: its containers are closed (the jobs on them come back to their pumps as
     * failures and run again elsewhere) and its slots wait for the prober.
     */
    private void takeOut(PoolHost h, String why) {
        List<DockerWorker> there = new ArrayList<>();
        synchronized (h) {
            if (!h.takeOut(why)) {
                return;
            }
            all.forEach((w, on) -> {
                if (on == h) {
                    // At once, so no pump sends one more job there; removing the container talks to
                    // the daemon, which may hang, so that happens apart.
                    w.abandon();
                    there.add(w);
                }
            });
        }
        lastFailure = why;
        System.err.println("arbiter: sandbox host " + h + " is out (" + why + "); its jobs go to the other hosts, and it is tried again every "
                + PROBE_MS / 1000 + " s");
        there.forEach(this::closeLater);
    }

    /** Our own containers on a host that came back which the pool no longer holds (left by its earlier life). */
    private void removeStale(PoolHost h) {
        try {
            List<Container> ours = h.control().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerWorker.OWNER_LABEL, owner)).exec();
            var held = all.keySet().stream().map(w -> w.containerId).collect(java.util.stream.Collectors.toSet());
            for (Container c : ours) {
                if (!held.contains(c.getId())) {
                    try {
                        h.control().removeContainerCmd(c.getId()).withForce(true).exec();
                    } catch (RuntimeException ignored) {
                        // Gone already.
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // The host will be checked again before it takes work.
        }
    }

    /**
     * Runs {@code code} once as a Python program with {@code stdin}. Like every job method here it
     * never throws for a broken pool: what the sandbox could not run comes back as a sandbox error
     * carrying the reason.
     */
    public RunResult run(String code, String stdin, Limits limits) {
        ObjectNode req = Json.mapper().createObjectNode();
        req.put("op", "run").put("code", code).put("stdin", stdin == null ? "" : stdin);
        req.set("limits", limits(limits));
        long start = System.nanoTime();
        JsonNode answer = answer(req, limits.wallMs() + GRACE_MS);
        String failure = failureOf(answer);
        if (failure != null) {
            return RunResult.sandboxError(failure, (System.nanoTime() - start) / 1_000_000);
        }
        return runResult(answer);
    }

    /** Runs {@code code} once per input, each in a fresh process; see {@link #runEach(String, List, Limits, boolean, BiFunction)}. */
    public List<RunResult> runEach(String code, List<String> inputs, Limits limits, boolean stopOnFailure) {
        return runEach(code, inputs, limits, stopOnFailure, (i, r) -> r);
    }

    /**
     * Runs {@code code} once per input, each in a fresh process; stops at the first failure if asked.
     * Each run goes through {@code each} (with its input's index) as soon as its container's answer
     * is read, so a caller can keep what it needs of a run rather than every run's whole output.
     * A container answers with as many runs as fit its answer (or as it could make before a run left
     * it unclean); the rest are asked for again, on whichever container is free. A harness failure
     * ends the list with {@code each} of a {@link RunStatus#SANDBOX_ERROR} run that carries the reason.
     */
    public <T> List<T> runEach(String code, List<String> inputs, Limits limits, boolean stopOnFailure, BiFunction<Integer, RunResult, T> each) {
        List<T> out = new ArrayList<>();
        while (out.size() < inputs.size()) {
            List<String> rest = inputs.subList(out.size(), inputs.size());
            ObjectNode req = Json.mapper().createObjectNode();
            req.put("op", "tests").put("code", code).put("stop_on_failure", stopOnFailure);
            ArrayNode in = req.putArray("inputs");
            rest.forEach(in::add);
            req.set("limits", limits(limits));
            JsonNode answer = answer(req, (limits.wallMs() + 500) * rest.size() + GRACE_MS);
            String failure = failureOf(answer);
            int before = out.size();
            if (failure == null && answer.path("runs").isEmpty()) {
                failure = "the sandbox answered without running any of " + rest.size() + " inputs";
            }
            if (failure != null) {
                out.add(each.apply(before, RunResult.sandboxError(failure, 0)));
                return out;
            }
            RunResult last = null;
            for (JsonNode r : answer.get("runs")) {
                last = runResult(r);
                out.add(each.apply(out.size(), last));
            }
            if (stopOnFailure && last.status() != RunStatus.OK) {
                return out;
            }
        }
        return out;
    }

    /**
     * Compiles a program once (or checks its syntax, in the languages that run from source) and runs
     * it once per input, each run a fresh job measured for time and peak memory; stops at the first
     * failed or wrong run if asked. Runs go through {@code each} as they arrive, as in
     * {@link #runEach(String, List, Limits, boolean, BiFunction)}.
     * A compile error is the program's (its runs are then empty); a failure of the sandbox is never
     * one: it comes back as {@link ProgramExecution#sandboxError()}. When a container answers with
     * part of the runs, the rest are asked for again and compiled again, on whichever container is free.
     */
    public <T> ProgramExecution<T> program(ProgramRequest p, BiFunction<Integer, ProgramRun, T> each) {
        Optional<CompileResult> compile = Optional.empty();
        List<T> kept = new ArrayList<>();
        if (!all.isEmpty() && all.keySet().stream().noneMatch(w -> w.languages.contains(p.language()))) {
            // Said here, not by every container in turn: a job the image cannot run must not cost containers.
            return new ProgramExecution<>(p.language(), compile, kept, "the sandbox image " + config.image() + " has no "
                    + p.language().wireName() + " (it has " + String.join(", ", languages().stream().map(Language::wireName).toList())
                    + "); run on " + SandboxConfig.POLYGLOT_IMAGE + ", built by sandbox/build-offline.sh --polyglot");
        }
        do {
            ProgramRequest rest = p.rest(kept.size());
            ObjectNode req = Json.mapper().createObjectNode();
            req.put("op", "program").put("language", p.language().wireName()).put("code", p.code())
                    .put("stop_on_failure", p.stopOnFailure());
            ArrayNode in = req.putArray("inputs");
            rest.inputs().forEach(in::add);
            if (rest.expected() != null) {
                ArrayNode out = req.putArray("expected");
                rest.expected().forEach(out::add);
                switch (p.checker()) {
                    case OutputChecker.LiveCodeBench l -> req.put("checker", "lcb");
                    case OutputChecker.Tokens t -> req.put("checker", "tokens");
                    case OutputChecker.Tolerance t -> {
                        req.put("checker", "float");
                        req.putObject("checker_options").put("abs", t.absolute()).put("rel", t.relative());
                    }
                    case OutputChecker.Testlib t -> req.put("checker", "testlib").put("checker_code", t.source());
                    case OutputChecker.Interactive t -> req.put("checker", "interactive").put("checker_code", t.source());
                }
            }
            req.set("limits", limits(p.limits()));
            req.set("compile_limits", limits(p.compileLimits()));
            JsonNode answer = answer(req, p.compileLimits().wallMs() + (p.limits().wallMs() + 500) * rest.inputs().size() + GRACE_MS);
            String failure = failureOf(answer);
            JsonNode c = answer == null ? null : answer.get("compile");
            boolean built = c == null || c.isNull() || c.path("status").asText().equals("ok");
            if (failure == null && built && !rest.inputs().isEmpty() && answer.path("runs").isEmpty()) {
                failure = "the sandbox answered without running any of " + rest.inputs().size() + " inputs";
            }
            if (failure != null) {
                return new ProgramExecution<>(p.language(), compile, kept, failure);
            }
            if (compile.isEmpty() && c != null && c.isObject()) {
                compile = Optional.of(new CompileResult(built, built ? null : c.path("reason").asText("the compiler failed"),
                        c.path("message").asText(""), c.path("wall_ms").asLong(), c.path("cpu_ms").asLong(), c.path("max_rss_kb").asLong()));
            }
            if (!built) {
                return new ProgramExecution<>(p.language(), compile, List.of(), null);
            }
            ProgramRun last = null;
            for (JsonNode r : answer.get("runs")) {
                last = new ProgramRun(runResult(r), rest.expected() != null, r.hasNonNull("wrong") ? r.get("wrong").asText() : null);
                kept.add(each.apply(kept.size(), last));
            }
            if (p.stopOnFailure() && last != null && (last.result().status() != RunStatus.OK || last.wrong() != null)) {
                break;
            }
        } while (kept.size() < p.inputs().size());
        return new ProgramExecution<>(p.language(), compile, kept, null);
    }

    /** The languages this pool's image can run (the first container's word for all: one build everywhere). */
    public Set<Language> languages() {
        return all.keySet().stream().findFirst().map(w -> w.languages).orElse(Set.of());
    }

    /** {@link #program(ProgramRequest, BiFunction)}, keeping every run whole. */
    public ProgramExecution<ProgramRun> program(ProgramRequest p) {
        return program(p, (i, r) -> r);
    }

    /** Grades one generation exactly as LiveCodeBench's runner does. */
    public LcbExecution lcb(LcbRequest r) {
        ObjectNode req = Json.mapper().createObjectNode();
        req.put("op", "lcb").put("code", r.code()).put("timeout_s", r.timeoutS()).put("clock", r.clock().name().toLowerCase());
        req.put("fn_name", r.fnName());
        ArrayNode in = req.putArray("inputs");
        r.inputs().forEach(in::add);
        ArrayNode out = req.putArray("outputs");
        r.outputs().forEach(out::add);
        req.set("limits", limits(r.limits()));
        JsonNode a = answer(req, r.budgetMs() + GRACE_MS);
        String failure = failureOf(a);
        if (failure != null) {
            return new LcbExecution(List.of(LcbCode.RUNNER_ERROR),
                    Map.of("error_code", -5, "error_message", failure, LcbExecution.SANDBOX_ERROR, true), List.of(), 0, 0, null);
        }
        List<LcbCode> results = new ArrayList<>();
        a.get("results").forEach(v -> results.add(LcbCode.of(v)));
        Map<String, Object> meta = new LinkedHashMap<>();
        a.path("metadata").fields().forEachRemaining(e -> meta.put(e.getKey(), Json.mapper().convertValue(e.getValue(), Object.class)));
        List<LcbExecution.TestTiming> tests = new ArrayList<>();
        a.path("tests").forEach(t -> tests.add(new LcbExecution.TestTiming(t.path("wall_ms").asLong(), t.path("cpu_ms").asLong())));
        return new LcbExecution(results, meta, tests, a.path("wall_ms").asLong(), a.path("cpu_ms").asLong(),
                a.hasNonNull("max_rss_kb") ? a.get("max_rss_kb").asLong() : null);
    }

    /** A request waiting for a container, and where its answer goes. */
    private static final class Job {
        final ObjectNode request;
        final long timeoutNanos;
        final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        /** The request id of its latest sending; set by the one pump that holds it. */
        String id;
        /** The harness failure of its first run, once it has had one; a second ends it. */
        String firstFailure;
        /** Times the host it ran on was lost under it; these do not count as its harness failures. */
        int hostLosses;
        /** The host of its latest failure, if it had one. */
        PoolHost failedOn;

        Job(ObjectNode request, long timeoutMs) {
            this.request = request;
            this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        }
    }

    private JsonNode call(ObjectNode req, long timeoutMs) {
        if (closed) {
            throw new SandboxException("sandbox is closed");
        }
        Job job = new Job(req, timeoutMs);
        queue.add(job);
        try {
            while (true) {
                try {
                    return job.answer.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (closed || lost()) {
                        queue.remove(job);
                        if (job.answer.isDone()) {
                            continue;
                        }
                        throw new SandboxException(closed ? "sandbox is closed"
                                : "no sandbox container is left: " + (lastFailure == null ? "all were lost" : lastFailure));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.remove(job);
            throw new SandboxException("interrupted while waiting for a sandbox");
        } catch (ExecutionException e) {
            throw new SandboxException("sandbox job failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * One container's loop: keep up to PIPELINE jobs sent, take the answers in order. A job's
     * clock starts when the driver can start it: when it was sent, or when the answer before it came.
     */
    private void pump(PoolHost h, DockerWorker first) {
        DockerWorker w = first;
        ArrayDeque<Job> sent = new ArrayDeque<>();
        long lastAnswer = System.nanoTime();
        try {
            while (!closed && w != null) {
                if (sent.isEmpty() && h.out() != null) {
                    w = replace(h, w);
                    continue;
                }
                while (sent.size() < PIPELINE) {
                    Job j = sent.isEmpty() ? queue.poll(200, TimeUnit.MILLISECONDS) : queue.poll();
                    if (j == null) {
                        break;
                    }
                    j.id = w.send(j.request);
                    if (j.id == null) {
                        queue.addFirst(j);
                        break;
                    }
                    if (sent.isEmpty()) {
                        lastAnswer = System.nanoTime();
                    }
                    sent.add(j);
                }
                if (sent.isEmpty()) {
                    if (w.dead()) {
                        w = replace(h, w);
                    }
                    continue;
                }
                Job head = sent.poll();
                JsonNode a = w.answer(head.id, lastAnswer + head.timeoutNanos);
                lastAnswer = System.nanoTime();
                String harness = harnessFailure(a, w);
                if (harness == null) {
                    h.jobs.incrementAndGet();
                    if (head.failedOn != null && head.failedOn != h) {
                        head.failedOn.moved.incrementAndGet();
                    }
                    head.answer.complete(a);
                    if (!a.has("unclean") && !w.dead()) {
                        continue;
                    }
                    // The answer stands, but the driver could not show the container clean and has
                    // exited: nothing more runs there.
                    lastFailure = "container " + w.shortId() + " retired: " + a.path("unclean").asText("it stopped");
                } else {
                    String hostDown = h.out() != null ? h.out() : h.ping();
                    if (hostDown != null) {
                        takeOut(h, hostDown);
                        retryAfterHostLoss(head, hostDown, h);
                    } else {
                        retryOrFail(head, harness, h);
                    }
                    lastFailure = harness;
                }
                // The driver runs one job at a time and stops after this one: the jobs behind it never
                // started, and go back to the front of the queue as they were.
                for (Job j : sent.reversed()) {
                    queue.addFirst(j);
                }
                sent.clear();
                w = replace(h, w);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sent.forEach(j -> j.answer.complete(failure("the sandbox was closed")));
            if (closed || lost()) {
                for (Job j; (j = queue.poll()) != null; ) {
                    j.answer.complete(failure(closed ? "the sandbox was closed"
                            : "no sandbox container is left: " + (lastFailure == null ? "all were lost" : lastFailure)));
                }
            }
        }
    }

    /** Why an answer is a failure of the harness rather than a result, or null when it is a result. */
    private static String harnessFailure(JsonNode a, DockerWorker w) {
        if (a == null) {
            String tail = w.stderrTail();
            return "container " + w.shortId() + (w.lateAnswer() ? " did not answer in time" : " stopped") + (tail.isEmpty() ? "" : ": " + tail);
        }
        if (a.has("error")) {
            return "container " + w.shortId() + ": " + a.get("error").asText();
        }
        return null;
    }

    /** A job that met a harness failure runs once more, elsewhere; a second failure is its result. */
    private void retryOrFail(Job j, String why, PoolHost on) {
        PoolHost before = j.failedOn;
        j.failedOn = on;
        if (j.firstFailure == null) {
            j.firstFailure = why;
            queue.addFirst(j);
        } else if (before != null && before.out() != null && j.hostLosses < HOST_LOSSES) {
            // A daemon that is shutting down still answers pings while its containers die: the first
            // failure is known now to have been that host's loss, not the job's.
            j.hostLosses++;
            j.firstFailure = why;
            queue.addFirst(j);
        } else {
            j.answer.complete(failure(why + " (after a retry; the first try failed with: " + j.firstFailure + ")"));
        }
    }

    /** A job whose host was lost under it runs again elsewhere, a few times at most. */
    private void retryAfterHostLoss(Job j, String why, PoolHost on) {
        j.failedOn = on;
        if (++j.hostLosses <= HOST_LOSSES) {
            queue.addFirst(j);
        } else {
            j.answer.complete(failure(why + " (the job lost its Docker host " + j.hostLosses + " times)"));
        }
    }

    private static JsonNode failure(String why) {
        return Json.mapper().createObjectNode().put("error", why);
    }

    /** Every container is gone and none is being started. */
    private boolean lost() {
        return all.isEmpty() && replacing.get() == 0;
    }

    /**
     * Removes a dead container and starts a fresh one in its place on the same host; null if the host
     * is out or the start fails, leaving the slot for the prober.
     */
    private DockerWorker replace(PoolHost h, DockerWorker dead) {
        replacing.incrementAndGet();
        try {
            all.remove(dead);
            // Removing it talks to the daemon, which may hang: the pump does not wait on that.
            dead.abandon();
            closeLater(dead);
            if (closed) {
                return null;
            }
            if (h.out() == null) {
                try {
                    DockerWorker fresh = startWorker(h, dead.slot);
                    if (adopt(h, fresh)) {
                        return fresh;
                    }
                } catch (RuntimeException e) {
                    lastFailure = h + ": " + reason(e);
                    String down = h.ping();
                    if (down != null) {
                        takeOut(h, down);
                    }
                }
            }
            h.vacant.add(dead.slot);
            return null;
        } finally {
            replacing.decrementAndGet();
        }
    }

    /** Why the sandbox gave no usable answer, or null when it did. */
    private static String failureOf(JsonNode answer) {
        return answer.has("error") ? answer.get("error").asText() : null;
    }

    /** The answer to a request, or a failure naming why there is none; never throws for a broken pool. */
    private JsonNode answer(ObjectNode req, long timeoutMs) {
        try {
            return call(req, timeoutMs);
        } catch (SandboxException e) {
            return failure(e.getMessage());
        }
    }

    private static ObjectNode limits(Limits l) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("wall_ms", l.wallMs()).put("cpu_ms", l.cpuMs()).put("memory_mb", l.memoryMb())
                .put("output_bytes", l.outputBytes()).put("file_bytes", l.fileBytes());
        return n;
    }

    private static RunResult runResult(JsonNode a) {
        RunStatus status = RunStatus.valueOf(a.path("status").asText("sandbox_error").toUpperCase());
        return new RunResult(status,
                a.hasNonNull("exit_code") ? a.get("exit_code").asInt() : null,
                a.hasNonNull("signal") ? a.get("signal").asInt() : null,
                a.path("stdout").asText(""), a.path("stderr").asText(""), a.path("truncated").asBoolean(),
                a.path("cpu_ms").asLong(), a.path("wall_ms").asLong(),
                a.hasNonNull("max_rss_kb") ? a.get("max_rss_kb").asLong() : null);
    }

    /** Container ids this pool holds now (for tests and diagnostics). */
    public List<String> containerIds() {
        return all.keySet().stream().map(w -> w.containerId).toList();
    }

    @Override
    public void close() {
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // Already shutting down.
        }
    }

    private void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        for (PoolHost h : hosts) {
            // A container being adopted now is either in the pool after this, or sees it closed.
            synchronized (h) {
                h.vacant.clear();
            }
        }
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        for (DockerWorker w : all.keySet()) {
            w.abandon();
            ex.submit(w::close);
        }
        ex.shutdown();
        long end = System.nanoTime() + CLOSE_LIMIT.toNanos();
        try {
            // A daemon that hangs does not hold the process: its containers are removed by the next pool there.
            ex.awaitTermination(CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            for (Thread t : List.copyOf(closing)) {
                long left = end - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.clear();
        hosts.forEach(PoolHost::close);
    }

    /** Containers whose owning Arbiter process on this host is gone (killed with -9, say). */
    private static void removeOrphans(DockerClient docker) {
        String host = hostName() + "/";
        List<Container> ours = docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(DockerWorker.LABEL, "1")).exec();
        for (Container c : ours) {
            String own = c.getLabels() == null ? null : c.getLabels().get(DockerWorker.OWNER_LABEL);
            if (own == null || !own.startsWith(host)) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(own.substring(host.length()));
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // Gone already.
            }
        }
    }

    /** The Docker host's core count, or 0 (no pinning) when the daemon does not say. */
    private static int hostCpus(DockerClient docker) {
        try {
            Integer n = docker.infoCmd().exec().getNCPU();
            return n == null || n < 1 ? 0 : n;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Why the sandbox cannot start (Docker down, the image missing), or empty when at least one of its
     * hosts can serve; starts nothing.
     */
    public static java.util.Optional<String> unavailable(SandboxConfig config) {
        List<String> reasons = new ArrayList<>();
        for (DockerHost host : config.hosts()) {
            PoolHost h = new PoolHost(host);
            try {
                String why = h.check(config.image());
                if (why == null) {
                    return java.util.Optional.empty();
                }
                reasons.add(why);
            } finally {
                h.close();
            }
        }
        return java.util.Optional.of(reasons.size() == 1 ? reasons.getFirst() : "no Docker host could run the sandbox: " + String.join("; ", reasons));
    }

    /** A client of the daemon docker-java finds by itself (DOCKER_HOST, else the local socket). */
    static DockerClient connect() {
        return DockerHost.local().connect(null);
    }

    /** The image's id on the daemon; throws, saying how to get it there, when it is missing. */
    static String checkImage(DockerClient docker, String image, DockerHost host) {
        try {
            return docker.inspectImageCmd(image).exec().getId();
        } catch (NotFoundException e) {
            if (host.equals(DockerHost.local())) {
                throw new SandboxException("sandbox image " + image + " not found; build it offline with `bash sandbox/build-offline.sh`"
                        + " or from a registry with `docker build -t " + image + " sandbox/`");
            }
            throw new SandboxException("sandbox image " + image + " not found on " + host + "; write it where it is built with"
                    + " `arbiter sandbox image --save FILE` and load it there with `arbiter sandbox image --load FILE --docker-host " + host + "`");
        }
    }

    /** The other side's own words for a failure: the innermost message there is. */
    static String reason(Throwable e) {
        String why = e.toString();
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 16; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                why = t.getMessage();
            }
        }
        return why;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
