package dev.arbiter.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads {@code hf:} datasets: lists the dataset's files at a revision through the hub API that
 * {@code huggingface_hub} uses, picks the files of one config and split by the hub's file-name
 * conventions, and downloads them into the cache under the resolved commit, checking each against the
 * hub's sha256 (LFS files) or git blob id (small files). A commit once fetched is read from the cache
 * with no request, and offline a branch or tag reads the commit it last resolved to.
 *
 * <p>Cache layout, under {@code cacheDir/hf/datasets/ORG/NAME/}: {@code refs/REVISION} (the commit a
 * branch or tag resolved to), {@code listings/COMMIT.json} (the hub's file list), {@code files/COMMIT/PATH}
 * and {@code sums/COMMIT/PATH.sha256} (the sha256 verified at download, which later reads must match).
 */
final class HfDatasets {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    /** A shard's numbering at the end of a file's name: {@code -00000-of-00003}. */
    private static final Pattern SHARD_SUFFIX = Pattern.compile("-\\d+-of-\\d+$");
    /** A file name that says nothing but its place in a sequence: {@code 0000}, {@code part-3}, {@code data-00000-of-00001}. */
    private static final Pattern SHARD_ONLY = Pattern.compile("(?i)(part|shard|chunk|data|file)?[-_.]?\\d*(-\\d+-of-\\d+)?");
    private static final List<String> FORMATS = List.of("parquet", "jsonl", "json");
    /** In temporary files' names, so two processes fetching the same file do not write into one. */
    private static final long PID = ProcessHandle.current().pid();

    private final DataConfig config;
    private final HubClient hub;

    HfDatasets(DataConfig config, HubClient hub) {
        this.config = config;
        this.hub = hub;
    }

    /** One file of the dataset at a commit, as the hub lists it. */
    record HubFile(String path, long size, String sha256, String blobId) {}

    /** The dataset's files at one commit. */
    record Listing(String commit, List<HubFile> files) {}

    /** A data file placed in a config and split by its path. */
    record Placed(String config, String split, String format, HubFile file) {}

    Benchmarks.Loaded load(HfSpec spec, UserJsonl.Mapping mapping) {
        Listing listing = listing(spec);
        String where = HfSpec.PREFIX + spec.repo() + "@" + listing.commit();
        Path filesDir = repoDir(spec).resolve("files").resolve(listing.commit());
        boolean[] downloaded = {false};
        Map<String, Map<String, List<Placed>>> layout = null;
        String defaultConfig = null;
        HubFile readme = listing.files().stream().filter(f -> f.path().equals("README.md")).findFirst().orElse(null);
        if (readme != null) {
            DatasetCard.Configs declared = DatasetCard.configs(fetch(spec, listing, readme, filesDir, where, downloaded), listing, where);
            if (declared != null) {
                layout = declared.layout();
                defaultConfig = declared.defaultConfig();
            }
        }
        if (layout == null) {
            layout = layout(listing);
        }
        if (layout.isEmpty()) {
            throw new BenchmarkException(where + ": holds no parquet, jsonl or json data files; files: " + names(listing.files()));
        }
        String cfg = chooseConfig(spec, layout, defaultConfig, where);
        Map<String, List<Placed>> splits = layout.get(cfg);
        String split = chooseSplit(spec, cfg, splits, where);
        List<Placed> placed = oneFormat(splits.get(split));

        List<Path> local = new ArrayList<>();
        for (Placed p : placed) {
            local.add(fetch(spec, listing, p.file(), filesDir, where, downloaded));
        }

        List<Records.Row> rows = new ArrayList<>();
        for (int i = 0; i < placed.size(); i++) {
            for (Records.Row r : rows(placed.get(i).format(), local.get(i))) {
                rows.add(new Records.Row(r.node(), r.where(), rows.size()));
            }
        }
        if (rows.isEmpty()) {
            throw new BenchmarkException(where + ": the files of " + label(cfg, split) + " hold no records");
        }
        HfSpec canonical = spec.resolved(listing.commit(), layout.size() == 1 ? null : cfg, split,
                mapping.fields(), mapping.choice() ? UserKind.CHOICE : UserKind.of(mapping.kind()));
        String name = canonical.name();
        List<Problem> problems = UserJsonl.problems(rows, name, mapping);
        return new Benchmarks.Loaded(name, spec.repo() + " " + label(cfg, split), mapping.kind(), problems,
                downloaded[0] ? Benchmarks.Origin.HUB : Benchmarks.Origin.CACHE, filesDir,
                "commit " + listing.commit().substring(0, 12) + ", " + placed.size() + " " + placed.get(0).format() + " file"
                        + (placed.size() == 1 ? "" : "s"));
    }

    /** The file from the cache if it verifies, else downloaded (not offline); sets {@code downloaded[0]} when it was. */
    private Path fetch(HfSpec spec, Listing listing, HubFile f, Path filesDir, String where, boolean[] downloaded) {
        Path path = safeResolve(filesDir, f.path(), where);
        if (!cachedAndVerified(spec, listing, f, path)) {
            if (config.offline()) {
                throw new Benchmarks.DataMissing(where + ": " + f.path() + " is not in the cache " + filesDir
                        + "; offline, so it cannot be downloaded", false);
            }
            download(spec, listing, f, path);
            downloaded[0] = true;
        }
        return path;
    }

    private static String label(String cfg, String split) {
        return "config " + cfg + ", split " + split;
    }

    // ---- the file list at a commit

    /** The listing at the spec's revision: from the cache for a commit fetched before or when offline, else from the hub. */
    Listing listing(HfSpec spec) {
        Path repoDir = repoDir(spec);
        if (spec.pinned()) {
            Listing cached = readListing(repoDir, spec.revision());
            if (cached != null) {
                return cached;
            }
        }
        if (config.offline()) {
            String commit = spec.pinned() ? spec.revision() : readRef(repoDir, spec.revisionOrMain());
            Listing cached = commit == null ? null : readListing(repoDir, commit);
            if (cached == null) {
                throw new Benchmarks.DataMissing(HfSpec.PREFIX + spec.repo() + "@" + spec.revisionOrMain()
                        + ": never fetched into the cache " + repoDir + "; offline, so the hub is not asked", false);
            }
            return cached;
        }
        JsonNode info = hub.api("datasets/" + spec.repo() + "/revision/" + URLEncoder.encode(spec.revisionOrMain(), StandardCharsets.UTF_8)
                + "?blobs=true");
        String commit = info.path("sha").asText("");
        if (!COMMIT.matcher(commit).matches()) {
            throw new BenchmarkException(HfSpec.PREFIX + spec.repo() + "@" + spec.revisionOrMain()
                    + ": the hub's answer names no commit (its 'sha' is '" + commit + "')");
        }
        List<HubFile> files = new ArrayList<>();
        for (JsonNode s : info.path("siblings")) {
            String path = s.path("rfilename").asText(null);
            if (path == null) {
                continue;
            }
            JsonNode lfs = s.path("lfs");
            String sha = lfs.path("sha256").asText(lfs.path("oid").asText(null));
            files.add(new HubFile(path, s.path("size").asLong(lfs.path("size").asLong(-1)), sha, s.path("blobId").asText(null)));
        }
        Listing listing = new Listing(commit, files);
        writeListing(repoDir, listing);
        if (!spec.pinned()) {
            writeRef(repoDir, spec.revisionOrMain(), commit);
        }
        return listing;
    }

    private Path repoDir(HfSpec spec) {
        return config.cacheDir().resolve("hf").resolve("datasets").resolve(spec.repo());
    }

    private static Path refFile(Path repoDir, String revision) {
        return repoDir.resolve("refs").resolve(URLEncoder.encode(revision, StandardCharsets.UTF_8));
    }

    private static String readRef(Path repoDir, String revision) {
        try {
            String c = Files.readString(refFile(repoDir, revision)).strip();
            return COMMIT.matcher(c).matches() ? c : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeRef(Path repoDir, String revision, String commit) {
        write(refFile(repoDir, revision), commit + "\n");
    }

    private static Listing readListing(Path repoDir, String commit) {
        Path f = repoDir.resolve("listings").resolve(commit + ".json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(f.toFile());
            List<HubFile> files = new ArrayList<>();
            for (JsonNode e : n.path("files")) {
                files.add(new HubFile(e.path("path").asText(), e.path("size").asLong(-1), e.path("sha256").asText(null),
                        e.path("blob_id").asText(null)));
            }
            return new Listing(commit, files);
        } catch (IOException e) {
            throw new BenchmarkException(f + ": cannot read the cached file list (" + e.getMessage() + "); delete it to list again");
        }
    }

    private static void writeListing(Path repoDir, Listing listing) {
        ObjectNode root = Json.mapper().createObjectNode().put("commit", listing.commit());
        ArrayNode files = root.putArray("files");
        for (HubFile f : listing.files()) {
            files.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256()).put("blob_id", f.blobId());
        }
        write(repoDir.resolve("listings").resolve(listing.commit() + ".json"), root.toPrettyString() + "\n");
    }

    /** Writes through a temporary file and a move, so a reader never sees half a file. */
    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + "." + PID + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BenchmarkException("cannot write " + file + ": " + e.getMessage());
        }
    }

    // ---- configs and splits by the hub's file-name conventions

    /**
     * Places each data file in a config and split: {@code SPLIT.jsonl}, {@code data/SPLIT-00000-of-00001.parquet},
     * {@code CONFIG/SPLIT-*.parquet}, {@code CONFIG/SPLIT/0000.parquet}, {@code data/CONFIG/SPLIT.jsonl}. A
     * leading {@code data/} names no config; a file whose name is only a shard number takes its folder's
     * name as the split.
     */
    static Map<String, Map<String, List<Placed>>> layout(Listing listing) {
        Map<String, Map<String, List<Placed>>> out = new TreeMap<>();
        for (HubFile f : listing.files()) {
            String format = format(f.path());
            if (format == null || hidden(f.path())) {
                continue;
            }
            List<String> dirs = new ArrayList<>(List.of(f.path().split("/")));
            String file = dirs.remove(dirs.size() - 1);
            if (!dirs.isEmpty() && dirs.get(0).equals("data")) {
                dirs.remove(0);
            }
            String stem = file.substring(0, file.length() - format.length() - 1);
            String split;
            if (SHARD_ONLY.matcher(stem).matches() && !dirs.isEmpty() && !stem.matches("[A-Za-z]+")) {
                split = dirs.remove(dirs.size() - 1);
            } else {
                split = SHARD_SUFFIX.matcher(stem).replaceFirst("");
                int dash = split.indexOf('-');
                split = dash > 0 ? split.substring(0, dash) : split;
            }
            String cfg = dirs.isEmpty() ? "default" : String.join("/", dirs);
            out.computeIfAbsent(cfg, k -> new TreeMap<>()).computeIfAbsent(split, k -> new ArrayList<>()).add(new Placed(cfg, split, format, f));
        }
        return out;
    }

    static String format(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (String ext : FORMATS) {
            if (lower.endsWith("." + ext)) {
                return ext;
            }
        }
        return null;
    }

    private static boolean hidden(String path) {
        for (String part : path.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String chooseConfig(HfSpec spec, Map<String, Map<String, List<Placed>>> layout, String declaredDefault, String where) {
        if (spec.config() != null) {
            if (!layout.containsKey(spec.config())) {
                throw new BenchmarkException(where + ": no config '" + spec.config() + "'; configs: " + String.join(", ", layout.keySet()));
            }
            return spec.config();
        }
        if (layout.size() == 1) {
            return layout.keySet().iterator().next();
        }
        if (declaredDefault != null && layout.containsKey(declaredDefault)) {
            return declaredDefault;
        }
        if (layout.containsKey("default")) {
            return "default";
        }
        throw new BenchmarkException(where + ": several configs (" + String.join(", ", layout.keySet()) + "); name one, e.g. "
                + HfSpec.PREFIX + spec.repo() + ":" + layout.keySet().iterator().next());
    }

    private static String chooseSplit(HfSpec spec, String cfg, Map<String, List<Placed>> splits, String where) {
        if (spec.split() != null) {
            if (!splits.containsKey(spec.split())) {
                throw new BenchmarkException(where + ": config " + cfg + " has no split '" + spec.split() + "'; splits: "
                        + String.join(", ", splits.keySet()) + " (files: " + names(splits.values().stream().flatMap(List::stream).map(Placed::file).toList()) + ")");
            }
            return spec.split();
        }
        if (splits.containsKey("test")) {
            return "test";
        }
        if (splits.size() == 1) {
            return splits.keySet().iterator().next();
        }
        throw new BenchmarkException(where + ": config " + cfg + " has several splits (" + String.join(", ", splits.keySet())
                + ") and none is test; name one, e.g. " + HfSpec.PREFIX + spec.repo() + (cfg.equals("default") ? "" : ":" + cfg) + "/"
                + splits.keySet().iterator().next());
    }

    /** A split's files in one format: parquet before jsonl before json, as a dataset may ship both. */
    private static List<Placed> oneFormat(List<Placed> placed) {
        for (String f : FORMATS) {
            List<Placed> these = placed.stream().filter(p -> p.format().equals(f)).sorted(java.util.Comparator.comparing(p -> p.file().path())).toList();
            if (!these.isEmpty()) {
                return these;
            }
        }
        throw new IllegalStateException("a split with no files");
    }

    private static String names(List<HubFile> files) {
        List<String> n = files.stream().map(HubFile::path).sorted().toList();
        return n.isEmpty() ? "none" : n.size() <= 20 ? String.join(", ", n) : String.join(", ", n.subList(0, 20)) + ", ... (" + n.size() + " in all)";
    }

    // ---- files: download, verification, reading

    private static Path safeResolve(Path dir, String path, String where) {
        Path p = dir.resolve(path).normalize();
        if (!p.startsWith(dir) || path.startsWith("/")) {
            throw new BenchmarkException(where + ": the hub lists a file outside the dataset: " + path);
        }
        return p;
    }

    private Path sumFile(HfSpec spec, Listing listing, HubFile f) {
        Path dir = repoDir(spec).resolve("sums").resolve(listing.commit());
        return safeResolve(dir, f.path() + ".sha256", f.path());
    }

    /**
     * Whether {@code path} is cached, and it hashes to what was verified at download (and to the hub's
     * sha256 where it gave one). A cached file that hashes otherwise is refused, not downloaded again.
     */
    private boolean cachedAndVerified(HfSpec spec, Listing listing, HubFile f, Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        Path sums = sumFile(spec, listing, f);
        String recorded;
        try {
            recorded = Files.isRegularFile(sums) ? Files.readString(sums).strip() : null;
        } catch (IOException e) {
            recorded = null;
        }
        String expected = f.sha256() != null ? f.sha256() : recorded;
        if (expected == null) {
            return false; // never verified: fetch it again
        }
        String actual;
        try {
            actual = Sha256.of(path);
        } catch (IOException e) {
            throw new BenchmarkException(path + ": cannot read (" + e.getMessage() + ")");
        }
        if (!actual.equals(expected) || (recorded != null && !recorded.equals(actual))) {
            throw new BenchmarkException(path + ": sha256 is " + actual + " but the hub's file at commit " + listing.commit().substring(0, 12)
                    + " hashes to " + expected + " (cached file changed or corrupted; delete it to download again)");
        }
        return true;
    }

    private void download(HfSpec spec, Listing listing, HubFile f, Path dest) {
        Path part = dest.resolveSibling(dest.getFileName() + "." + PID + ".part");
        Manifest.Hub where = new Manifest.Hub(spec.repo(), listing.commit(), f.path(), f.sha256());
        hub.download(where, part);
        try {
            String sha = Sha256.of(part);
            if (f.sha256() != null && !f.sha256().equals(sha)) {
                Files.deleteIfExists(part);
                throw new BenchmarkException(hub.urlOf(where) + ": downloaded sha256 " + sha + " but the hub lists " + f.sha256());
            }
            if (f.sha256() == null && f.blobId() != null && COMMIT.matcher(f.blobId()).matches()) {
                String blob = gitBlobId(part);
                if (!blob.equals(f.blobId())) {
                    Files.deleteIfExists(part);
                    throw new BenchmarkException(hub.urlOf(where) + ": downloaded git blob id " + blob + " but the hub lists " + f.blobId());
                }
            }
            write(sumFile(spec, listing, f), sha + "\n");
            Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BenchmarkException("cannot store " + dest + ": " + e.getMessage());
        }
    }

    /** Git's id of a file's content, which the hub gives for files kept in git rather than LFS. */
    static String gitBlobId(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static List<Records.Row> rows(String format, Path file) {
        return switch (format) {
            case "parquet" -> {
                List<Records.Row> rows = new ArrayList<>();
                for (ObjectNode n : ParquetRows.read(file)) {
                    rows.add(new Records.Row(n, file + " [row " + rows.size() + "]", rows.size()));
                }
                yield rows;
            }
            case "jsonl" -> Records.jsonLines(file);
            default -> startsWithBracket(file) ? Records.jsonArray(file) : Records.jsonLines(file);
        };
    }

    private static boolean startsWithBracket(Path file) {
        Matcher m = Pattern.compile("^\\s*\\[").matcher(Records.utf8(file));
        return m.lookingAt();
    }
}
