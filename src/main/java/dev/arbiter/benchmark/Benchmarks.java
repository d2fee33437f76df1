package dev.arbiter.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds, verifies and loads benchmarks. Each data file is looked for in the data folder, then in the
 * download cache, then fetched from the Hugging Face hub; whatever is found is checked against the
 * manifest's sha256 and record count before a single problem is returned.
 */
public final class Benchmarks {
    /** The prefix that names a user's own JSONL file instead of a shipped benchmark. */
    public static final String JSONL_PREFIX = "jsonl:";

    private final Catalog catalog;
    private final DataConfig config;
    private final HubClient hub;
    private final HfDatasets hf;

    public Benchmarks(DataConfig config) {
        this.catalog = Catalog.load();
        this.config = config;
        this.hub = new HubClient(config.hubEndpoint(), config.hubToken());
        this.hf = new HfDatasets(config, hub);
    }

    /**
     * The benchmarks as a command's --data-dir (null when not given) and --offline and the environment find them.
     *
     * @throws BenchmarkException when the data dir given is not a folder
     */
    public static Benchmarks open(Path dataDir, boolean offline) {
        DataConfig c = DataConfig.fromEnvironment(dataDir, System.getenv());
        if (dataDir != null && !Files.isDirectory(dataDir)) {
            throw new BenchmarkException("--data-dir " + dataDir + " is not a folder");
        }
        return new Benchmarks(offline ? new DataConfig(c.dataDir(), c.cacheDir(), true, c.hubEndpoint(), c.hubToken()) : c);
    }

    public enum Origin {
        DATA_DIR,
        CACHE,
        HUB;

        /** As shown to users: data-dir, cache, hub. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** A loaded benchmark: its problems and where they were read from. */
    public record Loaded(String name, String title, Kind kind, List<Problem> problems, Origin origin, Path location, String note) {
        public Loaded {
            problems = List.copyOf(problems);
        }

        /** Where the problems came from, as users read it: the origin, the folder, and the note in brackets if any. */
        public String source() {
            return origin.label() + " " + location + (note == null || note.isEmpty() ? "" : " (" + note + ")");
        }
    }

    /** What {@code benchmarks list} shows for one benchmark. */
    public record Status(String name, String title, Kind kind, State state, Integer records, Origin origin, Path location, String note) {
        /** The rows as a table with a header line, one line each: name, kind, records, state, and where it is or why not. */
        public static List<String> table(List<Status> rows) {
            List<String> lines = new ArrayList<>();
            lines.add(String.format("%-22s %-5s %8s  %-12s %s", "BENCHMARK", "KIND", "RECORDS", "STATE", "WHERE / NOTES"));
            for (Status r : rows) {
                String where = switch (r.state()) {
                    case READY -> r.origin().label() + " " + r.location() + (r.note() == null || r.note().isEmpty() ? "" : "  (" + r.note() + ")");
                    default -> r.note();
                };
                lines.add(String.format("%-22s %-5s %8s  %-12s %s", r.name(), r.kind().label(), r.records() == null ? "-" : r.records(),
                        r.state().name().toLowerCase(java.util.Locale.ROOT), where));
            }
            return lines;
        }
    }

    public enum State {
        /** Found and verified. */
        READY,
        /** Not on this machine; the hub has it. */
        DOWNLOADABLE,
        /** Not on this machine and no download is possible. */
        MISSING,
        /** Found but corrupt or unreadable; {@code note} says why. */
        BROKEN
    }

    /**
     * Loads a shipped benchmark, downloading into the cache when it is nowhere local, or a Hugging Face
     * dataset named {@code hf:...} with the mapping and kind its name carries (a run records that name).
     */
    public Loaded load(String name, Selection selection) {
        if (HfSpec.names(name)) { // a window is LiveCodeBench's, as for a user's file
            return loadHf(name, null, List.of());
        }
        return load(catalog.get(name), selection, true);
    }

    /**
     * Loads a Hugging Face dataset, {@code hf:ORG/NAME[@REVISION][:CONFIG][/SPLIT]}, through the field
     * pairs ({@code ours=theirs}) and kind (math when null) on top of those its name carries. The loaded
     * name is canonical: the revision resolved to a commit, the config and split chosen, the mapping.
     */
    public Loaded loadHf(String name, UserKind kind, List<String> fields) {
        HfSpec spec = HfSpec.parse(name);
        Map<String, String> merged = new LinkedHashMap<>(spec.fields());
        UserJsonl.parsePairs(fields).forEach((ours, theirs) -> {
            String before = merged.put(ours, theirs);
            if (before != null && !before.equals(theirs)) {
                throw new BenchmarkException("--field " + ours + "=" + theirs + " contradicts " + ours + "=" + before + " in " + name);
            }
        });
        if (kind != null && spec.kind() != null && kind != spec.kind()) {
            throw new BenchmarkException("--kind " + kind.label() + " contradicts kind=" + spec.kind().label() + " in " + name);
        }
        UserKind k = kind != null ? kind : spec.kind() != null ? spec.kind() : UserKind.MATH;
        return hf.load(spec, UserJsonl.Mapping.of(k, merged));
    }

    /** Loads a user's JSONL file through a field mapping. */
    public Loaded loadJsonl(Path file, UserJsonl.Mapping mapping) {
        Path abs = file.toAbsolutePath().normalize();
        String name = JSONL_PREFIX + abs.getFileName();
        return new Loaded(name, abs.getFileName().toString(), mapping.kind(), UserJsonl.load(abs, name, mapping),
                Origin.DATA_DIR, abs, "user file");
    }

    /** The named benchmarks, then each of {@code mathJsonl} as a user's math problems (id, prompt, answer). */
    public List<Loaded> loadAll(List<String> names, Selection selection, List<Path> mathJsonl) {
        List<Loaded> loaded = new ArrayList<>();
        for (String name : names) {
            loaded.add(load(name, selection));
        }
        for (Path f : mathJsonl) {
            loaded.add(loadJsonl(f, new UserJsonl.Mapping(Kind.MATH, Map.of())));
        }
        return loaded;
    }

    /**
     * Loads what {@code name} names: a shipped benchmark in the selection (asked for only then), or
     * {@link #JSONL_PREFIX}PATH or a Hugging Face dataset ({@code hf:ORG/NAME...}) read through the field
     * pairs ({@code ours=theirs}) as {@code kind}: math, code or multiple choice (math when null).
     *
     * @throws IllegalArgumentException when a window is given for a file, or fields or a kind for a shipped benchmark
     */
    public Loaded loadNamed(String name, java.util.function.Supplier<Selection> selection, boolean windowGiven, UserKind kind, List<String> fields) {
        if (name.startsWith(JSONL_PREFIX)) {
            if (windowGiven) {
                throw new IllegalArgumentException("--release/--from/--to apply to livecodebench only");
            }
            Path file = Path.of(name.substring(JSONL_PREFIX.length()));
            return loadJsonl(file, UserJsonl.Mapping.of(kind == null ? UserKind.MATH : kind, UserJsonl.parsePairs(fields)));
        }
        if (HfSpec.names(name)) {
            if (windowGiven) {
                throw new IllegalArgumentException("--release/--from/--to apply to livecodebench only");
            }
            return loadHf(name, kind, fields);
        }
        if (!fields.isEmpty() || kind != null) {
            throw new IllegalArgumentException("--field and --kind apply to jsonl:PATH and hf:ORG/NAME only");
        }
        return load(name, selection.get());
    }

    /** Every shipped benchmark's state, without downloading anything. */
    public List<Status> status() {
        List<Status> out = new ArrayList<>();
        for (Manifest m : catalog.all()) {
            try {
                Loaded l = load(m, Selection.DEFAULT, false);
                out.add(new Status(m.name(), m.title(), m.kind(), State.READY, l.problems().size(), l.origin(), l.location(), l.note()));
            } catch (DataMissing e) {
                String note = m.unpinned() && !anyPinned(m) ? "unpinned until fetched once; " + e.getMessage() : e.getMessage();
                out.add(new Status(m.name(), m.title(), m.kind(), e.downloadable ? State.DOWNLOADABLE : State.MISSING,
                        null, null, null, note));
            } catch (BenchmarkException e) {
                out.add(new Status(m.name(), m.title(), m.kind(), State.BROKEN, null, null, null, e.getMessage()));
            }
        }
        return out;
    }

    private Loaded load(Manifest m, Selection selection, boolean allowDownload) {
        if (m.subsetOf() != null) {
            if (!selection.isDefault()) {
                throw new BenchmarkException(m.name() + " takes no --release/--from/--to");
            }
            Loaded parent = load(catalog.get(m.subsetOf()), Selection.DEFAULT, allowDownload);
            List<Problem> picked = SeededSubset.pick(m, parent.problems());
            return new Loaded(m.name(), m.title(), m.kind(), picked, parent.origin(), parent.location(),
                    "seeded subset of " + m.subsetOf() + " (" + m.subset().seed() + ")");
        }
        Plan plan = plan(m, selection, allowDownload);
        Map<Manifest.DataFile, Path> paths = new LinkedHashMap<>();
        for (var e : plan.files.entrySet()) {
            verifySha(m, e.getKey(), e.getValue());
            paths.put(e.getKey(), e.getValue().path);
        }
        Format.Parsed parsed = plan.format.parse(m, plan.source, paths, selection);
        for (var e : plan.files.entrySet()) {
            Integer expected = e.getKey().records();
            Integer actual = parsed.fileRecords().get(e.getKey());
            if (expected != null && actual != null && !expected.equals(actual)) {
                throw new BenchmarkException(e.getValue().path + ": holds " + actual + " records but benchmarks/" + m.name()
                        + ".json expects " + expected + " (file truncated or a different version)");
            }
        }
        if (selection.isDefault() && plan.source.records() != null && parsed.problems().size() != plan.source.records()) {
            throw new BenchmarkException(m.name() + ": selected " + parsed.problems().size() + " problems but benchmarks/" + m.name()
                    + ".json expects " + plan.source.records());
        }
        boolean pinned = false;
        for (var e : plan.files.entrySet()) {
            pinned |= pinAfterLoad(m, e.getKey(), e.getValue(), parsed.fileRecords().get(e.getKey()));
        }
        Located first = plan.files.values().iterator().next();
        Origin origin = plan.files.values().stream().map(l -> l.origin).max(Comparator.naturalOrder()).orElseThrow();
        String note = note(m, plan.source, selection);
        if (pinned && m.unpinned()) {
            note = note.isEmpty() ? "pinned by its first fetch" : note + ", pinned by its first fetch";
        }
        return new Loaded(m.name(), m.title(), m.kind(), parsed.problems(), origin, first.path.getParent(), note);
    }

    /**
     * Records the pin of a hub file the manifest does not byte-pin, once it has loaded whole, or checks
     * the pin's record count; whether the file is pinned by its fetch.
     */
    private boolean pinAfterLoad(Manifest m, Manifest.DataFile f, Located l, Integer records) {
        if (l.origin == Origin.DATA_DIR || f.hub() == null || f.hub().sha256() != null) {
            return false;
        }
        Pin pin = l.pin;
        if (pin != null && pin.records() != null) {
            if (records != null && !pin.records().equals(records)) {
                throw new BenchmarkException(l.path + ": holds " + records + " records but its pin " + Pin.pathFor(l.path) + " recorded "
                        + pin.records() + " at its first fetch (delete the pin to accept this version)");
            }
            return true;
        }
        String sha;
        try {
            sha = pin != null ? pin.sha256() : l.expectedSha != null ? l.expectedSha : Sha256.of(l.path);
        } catch (IOException e) {
            throw new BenchmarkException(l.path + ": cannot read (" + e.getMessage() + ")");
        }
        new Pin(sha, records, hub.urlOf(f.hub()).toString(), pin != null ? pin.fetched()
                : java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).write(l.path);
        return true;
    }

    private boolean anyPinned(Manifest m) {
        return m.sources().stream().flatMap(s -> s.files().stream()).anyMatch(f -> {
            try {
                return f.hub() != null && Pin.read(cachePath(f.hub())).isPresent();
            } catch (BenchmarkException unreadable) {
                return true; // a pin is there, if damaged; loading it says what is wrong
            }
        });
    }

    private static String note(Manifest m, Manifest.Source source, Selection selection) {
        List<String> parts = new ArrayList<>();
        if (m.selection() != null) {
            parts.add(LiveCodeBenchFormats.Window.of(m, selection).toString());
        }
        if ("public_only".equals(source.coverage())) {
            parts.add("public tests only");
        } else if (source.coverage() != null) {
            parts.add(source.coverage().replace('_', ' ') + " tests");
        }
        return String.join(", ", parts);
    }

    /** Chooses the first source whose files are all local, else the first one the hub can complete. */
    private Plan plan(Manifest m, Selection selection, boolean allowDownload) {
        List<Manifest.Source> covering = new ArrayList<>();
        for (Manifest.Source s : m.sources()) {
            if (Format.named(s.format()).covers(m, s, selection)) {
                covering.add(s);
            }
        }
        if (covering.isEmpty()) {
            throw new BenchmarkException(m.name() + ": no data source covers " + describe(m, selection));
        }
        for (Manifest.Source s : covering) {
            Format f = Format.named(s.format());
            Map<Manifest.DataFile, Located> found = new LinkedHashMap<>();
            for (Manifest.DataFile file : f.required(m, s, selection)) {
                findLocal(file).ifPresent(l -> found.put(file, l));
            }
            if (found.size() == f.required(m, s, selection).size() && !found.isEmpty()) {
                return new Plan(s, f, found);
            }
        }
        boolean canDownload = !config.offline();
        for (Manifest.Source s : covering) {
            Format f = Format.named(s.format());
            List<Manifest.DataFile> req = f.required(m, s, selection);
            if (req.isEmpty() || !req.stream().allMatch(file -> file.hub() != null || findLocal(file).isPresent())) {
                continue;
            }
            if (!allowDownload || !canDownload) {
                if (canDownload) {
                    throw new DataMissing(m.name() + ": not downloaded yet; `arbiter benchmarks fetch " + m.name() + "` gets it from "
                            + hubNames(req), true);
                }
                break;
            }
            Map<Manifest.DataFile, Located> files = new LinkedHashMap<>();
            for (Manifest.DataFile file : req) {
                files.put(file, findLocal(file).orElseGet(() -> download(m, file)));
            }
            return new Plan(s, f, files);
        }
        Manifest.DataFile want = Format.named(covering.get(0).format()).required(m, covering.get(0), selection).get(0);
        throw new DataMissing(missingMessage(m, want), false);
    }

    private String missingMessage(Manifest m, Manifest.DataFile want) {
        StringBuilder sb = new StringBuilder(m.name()).append(": data file ").append(want.path());
        sb.append(want.sha256() != null ? " (sha256 " + want.sha256() + ")" : " (" + want.records() + " records)");
        sb.append(" not found");
        sb.append(config.dataDir() == null ? "; no data folder given (--data-dir or ARBITER_DATA)" : " under " + config.dataDir());
        if (want.hub() == null) {
            sb.append("; it is not on the hub, so put it in the data folder");
        } else if (config.offline()) {
            sb.append(" nor in the cache ").append(config.cacheDir()).append("; offline, so no download from ").append(want.hub().repo());
        }
        return sb.toString();
    }

    private static String hubNames(List<Manifest.DataFile> files) {
        return files.stream().filter(f -> f.hub() != null).map(f -> f.hub().repo()).distinct().reduce((a, b) -> a + ", " + b).orElse("the hub");
    }

    private static String describe(Manifest m, Selection selection) {
        return m.selection() != null ? LiveCodeBenchFormats.Window.of(m, selection).toString() : "this selection";
    }

    private Optional<Located> findLocal(Manifest.DataFile f) {
        if (config.dataDir() != null) {
            Path p = config.dataDir().resolve(f.path());
            if (Files.isRegularFile(p)) {
                return Optional.of(new Located(Origin.DATA_DIR, p, f.sha256(), null));
            }
        }
        if (f.hub() != null) {
            Path c = cachePath(f.hub());
            if (Files.isRegularFile(c)) {
                if (f.hub().sha256() != null) {
                    return Optional.of(new Located(Origin.CACHE, c, f.hub().sha256(), null));
                }
                Pin pin = Pin.read(c).orElse(null);
                return Optional.of(new Located(Origin.CACHE, c, pin == null ? null : pin.sha256(), pin));
            }
        }
        return Optional.empty();
    }

    /** Hub files live under cache/hub/REPO/REVISION/PATH, apart from copies of pinned local layouts. */
    Path cachePath(Manifest.Hub h) {
        return config.cacheDir().resolve("hub").resolve(h.repo()).resolve(h.revision()).resolve(h.path()).normalize();
    }

    private Located download(Manifest m, Manifest.DataFile f) {
        Path dest = cachePath(f.hub());
        Path part = dest.resolveSibling(dest.getFileName() + ".part");
        hub.download(f.hub(), part);
        try {
            String sha = Sha256.of(part);
            if (f.hub().sha256() != null && !f.hub().sha256().equals(sha)) {
                Files.deleteIfExists(part);
                throw new BenchmarkException(hub.urlOf(f.hub()) + ": downloaded sha256 " + sha + " but benchmarks/" + m.name()
                        + ".json expects " + f.hub().sha256());
            }
            Pin pin = f.hub().sha256() == null ? Pin.read(dest).orElse(null) : null;
            if (pin != null && !pin.sha256().equals(sha)) {
                // the file was fetched before and has changed upstream since: refuse rather than score other data
                Files.deleteIfExists(part);
                throw new BenchmarkException(hub.urlOf(f.hub()) + ": downloaded sha256 " + sha + " but " + Pin.pathFor(dest) + " pins "
                        + pin.describe() + "; the hub's file changed, delete the pin to accept the new version");
            }
            Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Located(Origin.HUB, dest, sha, pin);
        } catch (IOException e) {
            throw new BenchmarkException("cannot store " + dest + ": " + e.getMessage());
        }
    }

    private static void verifySha(Manifest m, Manifest.DataFile f, Located l) {
        if (l.expectedSha == null) {
            return;
        }
        String actual;
        try {
            actual = Sha256.of(l.path);
        } catch (IOException e) {
            throw new BenchmarkException(l.path + ": cannot read (" + e.getMessage() + ")");
        }
        if (!actual.equals(l.expectedSha)) {
            String by = l.pin != null ? "its pin " + Pin.pathFor(l.path) : "benchmarks/" + m.name() + ".json";
            throw new BenchmarkException(l.path + ": sha256 is " + actual + " but " + by + " expects "
                    + (l.pin != null ? l.pin.describe() : l.expectedSha) + " (file corrupted, truncated or a different version)");
        }
    }

    /** A file found or fetched, the sha256 it must have, and the pin that sha256 came from, if any. */
    private record Located(Origin origin, Path path, String expectedSha, Pin pin) {}

    private record Plan(Manifest.Source source, Format format, Map<Manifest.DataFile, Located> files) {}

    /** Data that is simply not here, as opposed to data that is here and wrong. */
    static final class DataMissing extends BenchmarkException {
        final boolean downloadable;

        DataMissing(String message, boolean downloadable) {
            super(message);
            this.downloadable = downloadable;
        }
    }
}
