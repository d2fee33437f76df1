package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hf:} datasets from a local hub over real HTTP: Parquet written by DuckDB and JSON Lines, the
 * field mapping, revisions, configs and splits, the cache with and without the network, checksums, and
 * the hub's refusals.
 */
class HfDatasetTest {
    @TempDir
    Path dir;

    FakeHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new FakeHub("hf_secret");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Benchmarks open(boolean offline) {
        return new Benchmarks(new DataConfig(null, dir.resolve("cache"), offline, hub.endpoint(), "hf_secret"));
    }

    private Benchmarks anonymous() {
        return new Benchmarks(new DataConfig(null, dir.resolve("cache"), false, hub.endpoint(), null));
    }

    /** A Parquet file DuckDB writes from a query, as bytes. */
    private byte[] parquet(String select, String codec) throws Exception {
        Path f = Files.createTempFile(dir, "w", ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (" + select + ") TO '" + f + "' (FORMAT parquet, COMPRESSION " + codec + ")");
        }
        return Files.readAllBytes(f);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A math dataset in the hub's Parquet layout: data/SPLIT-00000-of-00001.parquet, a test and a train split. */
    private String mathParquet() throws Exception {
        byte[] test = parquet("SELECT * FROM (VALUES ('p1', 'What is 6*7?', 42, 'easy'), ('p2', 'Solve $x^2=4$, x>0.', 2, 'hard'),"
                + " ('p3', 'Sum of 1..10?', 55, NULL)) t(uid, problem, answer, level_name)", "snappy");
        byte[] train = parquet("SELECT 't' || i AS uid, 'train ' || i AS problem, i AS answer FROM range(5) r(i)", "zstd");
        return hub.commit("math-org/tiny-math", "main", Map.of(
                "README.md", utf8("---\nlicense: mit\n---\n# tiny\n"),
                "data/test-00000-of-00001.parquet", test,
                "data/train-00000-of-00001.parquet", train));
    }

    @Test
    void readsAParquetDatasetThroughTheFieldMappingAndNamesTheCommit() throws Exception {
        String sha = mathParquet();

        Benchmarks.Loaded l = open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem", "difficulty=level_name"));

        assertThat(l.problems()).extracting(Problem::id).containsExactly("p1", "p2", "p3");
        assertThat(l.problems()).extracting(Problem::prompt).containsExactly("What is 6*7?", "Solve $x^2=4$, x>0.", "Sum of 1..10?");
        assertThat(l.problems()).extracting(p -> ((MathAnswer) p.gold()).answer()).containsExactly("42", "2", "55");
        assertThat(l.problems().get(0).metadata().difficulty()).isEqualTo("easy");
        assertThat(l.problems().get(2).metadata().difficulty()).isNull();
        assertThat(l.kind()).isEqualTo(Kind.MATH);
        // the test split by default; the name records the commit, the split and the mapping
        assertThat(l.name()).isEqualTo("hf:math-org/tiny-math@" + sha + "/test?difficulty=level_name&id=uid&prompt=problem");
        assertThat(l.problems()).allSatisfy(p -> assertThat(p.benchmark()).isEqualTo(l.name()));
        assertThat(l.origin()).isEqualTo(Benchmarks.Origin.HUB);
        assertThat(l.note()).contains("commit " + sha.substring(0, 12)).contains("1 parquet file");
        assertThat(hub.apiCalls.get()).isEqualTo(1);
        assertThat(hub.requests).as("the card, then only the chosen split's file").filteredOn(r -> r.startsWith("/cdn/"))
                .containsExactly("/cdn/math-org/tiny-math/" + sha + "/README.md", "/cdn/math-org/tiny-math/" + sha + "/data/test-00000-of-00001.parquet");
        assertThat(dir.resolve("cache/hf/datasets/math-org/tiny-math/files/" + sha + "/data/test-00000-of-00001.parquet")).exists();

        Benchmarks.Loaded train = open(false).loadHf("hf:math-org/tiny-math/train", null, List.of("id=uid", "prompt=problem"));
        assertThat(train.problems()).extracting(Problem::id).containsExactly("t0", "t1", "t2", "t3", "t4");
    }

    @Test
    void theRecordedNameLoadsTheSameProblemsFromTheCacheWithNoRequest() throws Exception {
        mathParquet();
        Benchmarks.Loaded first = open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));
        int before = hub.requests();

        // as a finished run reloads it: by the name it recorded, through load(name), with no flags
        Benchmarks.Loaded again = open(false).load(first.name(), Selection.DEFAULT);

        assertThat(hub.requests()).as("requests on the second load: " + hub.requests.subList(before, hub.requests())).isEqualTo(before);
        assertThat(again.origin()).isEqualTo(Benchmarks.Origin.CACHE);
        assertThat(again.problems()).isEqualTo(first.problems());
        assertThat(again.name()).isEqualTo(first.name());
    }

    @Test
    void aBranchIsAskedAgainOnlineButItsFilesComeFromTheCache() throws Exception {
        mathParquet();
        open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));
        int downloads = hub.downloads.get();
        int api = hub.apiCalls.get();

        Benchmarks.Loaded again = open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));

        assertThat(hub.apiCalls.get()).as("main may have moved: one listing").isEqualTo(api + 1);
        assertThat(hub.downloads.get()).as("the commit did not change: no download").isEqualTo(downloads);
        assertThat(again.origin()).isEqualTo(Benchmarks.Origin.CACHE);
    }

    @Test
    void offlineABranchReadsTheCommitItLastResolvedTo() throws Exception {
        String sha = mathParquet();
        Benchmarks.Loaded online = open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));
        int before = hub.requests();

        Benchmarks.Loaded offline = open(true).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));

        assertThat(hub.requests()).isEqualTo(before);
        assertThat(offline.name()).contains("@" + sha);
        assertThat(offline.problems()).isEqualTo(online.problems());
        // a split never downloaded is not there offline, and the error says so
        assertThatThrownBy(() -> open(true).loadHf("hf:math-org/tiny-math/train", null, List.of("id=uid", "prompt=problem")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("data/train-00000-of-00001.parquet is not in the cache")
                .hasMessageContaining("offline");
        assertThat(hub.requests()).isEqualTo(before);
    }

    @Test
    void offlineADatasetNeverFetchedIsMissingAndNothingIsAsked() {
        assertThatThrownBy(() -> open(true).loadHf("hf:math-org/tiny-math", null, List.of()))
                .isInstanceOf(BenchmarkException.class)
                .hasMessage("hf:math-org/tiny-math@main: never fetched into the cache " + dir.resolve("cache/hf/datasets/math-org/tiny-math")
                        + "; offline, so the hub is not asked");
        assertThat(hub.requests()).isZero();
    }

    @Test
    void aRevisionReadsThatCommitsFilesNotMains() throws Exception {
        // the old commit kept a JSONL file; main moved to Parquet with another problem added
        String old = hub.commit("math-org/evolving", "v1.0", Map.of(
                "test.jsonl", utf8("{\"id\": \"a\", \"prompt\": \"1+1?\", \"answer\": \"2\"}\n{\"id\": \"b\", \"prompt\": \"2+2?\", \"answer\": \"4\"}\n")));
        String main = hub.commit("math-org/evolving", "main", Map.of(
                "data/test-00000-of-00001.parquet",
                parquet("SELECT * FROM (VALUES ('a', '1+1?', '2'), ('b', '2+2?', '4'), ('c', '3+3?', '6')) t(id, prompt, answer)", "gzip")));

        Benchmarks.Loaded atMain = open(false).loadHf("hf:math-org/evolving", null, List.of());
        Benchmarks.Loaded atTag = open(false).loadHf("hf:math-org/evolving@v1.0", null, List.of());
        Benchmarks.Loaded atCommit = open(false).loadHf("hf:math-org/evolving@" + old, null, List.of());

        assertThat(atMain.problems()).extracting(Problem::id).containsExactly("a", "b", "c");
        assertThat(atMain.name()).isEqualTo("hf:math-org/evolving@" + main + "/test");
        assertThat(atTag.problems()).extracting(Problem::id).containsExactly("a", "b");
        assertThat(atTag.name()).isEqualTo("hf:math-org/evolving@" + old + "/test");
        assertThat(atTag.note()).contains("1 jsonl file");
        assertThat(atCommit.problems()).isEqualTo(atTag.problems());
        assertThat(hub.requests).anyMatch(r -> r.equals("/api/datasets/math-org/evolving/revision/v1.0"))
                .anyMatch(r -> r.equals("/api/datasets/math-org/evolving/revision/main"))
                .anyMatch(r -> r.equals("/datasets/math-org/evolving/resolve/" + old + "/test.jsonl"));
    }

    /** A code dataset in JSON Lines with two configs, each with its own splits: CONFIG/SPLIT.jsonl. */
    private void codeJsonl() {
        String easy = "{\"task\": \"e1\", \"question\": \"Print the sum of two numbers.\", \"cases\": [{\"input\": \"1 2\\n\", \"output\": \"3\\n\"}]}\n";
        String hard = "{\"task\": \"h1\", \"question\": \"Print the product.\", \"cases\": [{\"input\": \"2 3\\n\", \"output\": \"6\\n\"},"
                + " {\"input\": \"4 5\\n\", \"output\": \"20\\n\"}], \"entry\": null}\n";
        hub.commit("code-org/tiny-code", "main", Map.of(
                "easy/test.jsonl", utf8(easy),
                "easy/train.jsonl", utf8(easy.replace("e1", "e0")),
                "hard/test.jsonl", utf8(hard),
                "hard/validation.jsonl", utf8(hard.replace("h1", "h0")),
                ".gitattributes", utf8("*.parquet filter=lfs\n")));
    }

    @Test
    void aConfigAndSplitPickTheirFilesAndCodeTestsMapThrough() {
        codeJsonl();
        Benchmarks.Loaded hard = open(false).loadNamed("hf:code-org/tiny-code:hard", () -> Selection.DEFAULT, false, UserKind.CODE,
                List.of("id=task", "prompt=question", "tests=cases"));

        assertThat(hard.kind()).isEqualTo(Kind.CODE);
        assertThat(hard.problems()).hasSize(1);
        Problem p = hard.problems().get(0);
        assertThat(p.id()).isEqualTo("h1");
        CodeTests tests = (CodeTests) p.gold();
        assertThat(tests.tests()).extracting(TestCase::input).containsExactly("2 3\n", "4 5\n");
        assertThat(tests.tests()).extracting(TestCase::output).containsExactly("6\n", "20\n");
        assertThat(hard.name()).endsWith(":hard/test?id=task&prompt=question&tests=cases&kind=code");

        Benchmarks.Loaded validation = open(false).loadHf("hf:code-org/tiny-code:hard/validation", UserKind.CODE,
                List.of("id=task", "prompt=question", "tests=cases"));
        assertThat(validation.problems()).extracting(Problem::id).containsExactly("h0");

        // the canonical name carries the kind and mapping: load(name) with no flags gives the same problems
        assertThat(open(true).load(hard.name(), Selection.DEFAULT).problems()).isEqualTo(hard.problems());
    }

    @Test
    void ambiguityAndMissesListWhatTheDatasetHas() {
        codeJsonl();
        assertThatThrownBy(() -> open(false).loadHf("hf:code-org/tiny-code", UserKind.CODE, List.of()))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("several configs (easy, hard); name one, e.g. hf:code-org/tiny-code:easy");
        assertThatThrownBy(() -> open(false).loadHf("hf:code-org/tiny-code:medium", UserKind.CODE, List.of()))
                .hasMessageContaining("no config 'medium'; configs: easy, hard");
        assertThatThrownBy(() -> open(false).loadHf("hf:code-org/tiny-code:easy/validation", UserKind.CODE, List.of()))
                .hasMessageContaining("config easy has no split 'validation'; splits: test, train")
                .hasMessageContaining("easy/test.jsonl, easy/train.jsonl");
        hub.commit("code-org/no-test", "main", Map.of("train.jsonl", utf8("{}\n"), "validation.jsonl", utf8("{}\n")));
        assertThatThrownBy(() -> open(false).loadHf("hf:code-org/no-test", null, List.of()))
                .hasMessageContaining("has several splits (train, validation) and none is test; name one, e.g. hf:code-org/no-test/train");
        hub.commit("code-org/no-data", "main", Map.of("README.md", utf8("# nothing\n"), "notes.txt", utf8("x")));
        assertThatThrownBy(() -> open(false).loadHf("hf:code-org/no-data", null, List.of()))
                .hasMessageContaining("holds no parquet, jsonl or json data files; files: README.md, notes.txt");
    }

    @Test
    void aMappedFieldThatIsMissingNamesTheFileAndRow() throws Exception {
        mathParquet();
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/tiny-math", null, List.of("prompt=question")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("data/test-00000-of-00001.parquet [row 0]")
                .hasMessageContaining("field 'question' (mapped to prompt) is missing");
    }

    @Test
    void aDownloadThatDoesNotHashToTheHubsSha256IsRefusedAndNotCached() throws Exception {
        String sha = mathParquet();
        hub.serveInstead("data/test-00000-of-00001.parquet", parquet("SELECT 'x' AS uid, 'forged' AS problem, 1 AS answer", "snappy"));

        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("resolve/" + sha + "/data/test-00000-of-00001.parquet: downloaded sha256 ")
                .hasMessageContaining("but the hub lists ");
        Path files = dir.resolve("cache/hf/datasets/math-org/tiny-math/files/" + sha + "/data");
        assertThat(files.resolve("test-00000-of-00001.parquet")).doesNotExist();
        try (var left = Files.list(files)) {
            assertThat(left).as("no partial download left behind").isEmpty();
        }
    }

    @Test
    void aSmallFileIsCheckedAgainstItsGitBlobId() {
        hub.commit("math-org/blob", "main", Map.of("test.jsonl", utf8("{\"prompt\": \"1+1?\", \"answer\": \"2\"}\n")));
        hub.serveInstead("test.jsonl", utf8("{\"prompt\": \"1+1?\", \"answer\": \"3\"}\n"));
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/blob", null, List.of()))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("downloaded git blob id");
    }

    @Test
    void aCachedFileChangedAfterDownloadIsRefused() throws Exception {
        String sha = mathParquet();
        Benchmarks.Loaded l = open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));
        Path cached = dir.resolve("cache/hf/datasets/math-org/tiny-math/files/" + sha + "/data/test-00000-of-00001.parquet");
        Files.write(cached, parquet("SELECT 'p1' AS uid, 'What is 6*7?' AS problem, 41 AS answer", "snappy"));

        for (boolean offline : new boolean[] {true, false}) {
            assertThatThrownBy(() -> open(offline).load(l.name(), Selection.DEFAULT))
                    .isInstanceOf(BenchmarkException.class)
                    .hasMessageStartingWith(cached + ": sha256 is ")
                    .hasMessageContaining("cached file changed or corrupted");
        }
        // the same for a JSON Lines file, whose sha256 was recorded at download
        codeJsonl();
        Benchmarks.Loaded code = open(false).loadHf("hf:code-org/tiny-code:easy", UserKind.CODE, List.of("prompt=question", "tests=cases"));
        Path jsonl = code.location().resolve("easy/test.jsonl");
        Files.writeString(jsonl, Files.readString(jsonl).replace("3\\n", "4\\n"));
        assertThatThrownBy(() -> open(true).load(code.name(), Selection.DEFAULT)).hasMessageContaining("cached file changed or corrupted");
    }

    @Test
    void anUnknownDatasetOrRevisionIsExplainedWithTheHubsOwnMessage() throws Exception {
        mathParquet();
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/no-such", null, List.of()))
                .isInstanceOf(BenchmarkException.class)
                .hasMessage("hub request " + hub.endpoint() + "/api/datasets/math-org/no-such/revision/main?blobs=true answered HTTP 404:"
                        + " no such dataset or revision (hub: Repository not found)");
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/tiny-math@v9", null, List.of()))
                .hasMessageContaining("HTTP 404").hasMessageContaining("(hub: Invalid rev id: v9)");
    }

    @Test
    void aGatedDatasetNeedsTheTokenAndSaysSo() throws Exception {
        mathParquet();
        hub.gate("math-org/tiny-math");
        assertThatThrownBy(() -> anonymous().loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("answered HTTP 401: access denied; the dataset may be private or gated (set HF_TOKEN)")
                .hasMessageContaining("(hub: Access to dataset math-org/tiny-math is restricted.");
        assertThat(open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem")).problems()).hasSize(3);
    }

    @Test
    void layoutsTheHubUsesAreRecognised() throws Exception {
        byte[] rows = parquet("SELECT 'q' || i AS prompt, i AS answer FROM range(2) r(i)", "snappy");
        // refs/convert/parquet's layout, CONFIG/SPLIT/0000.parquet, sharded over two files
        hub.commit("org/converted", "main", Map.of(
                "en/test/0000.parquet", rows, "en/test/0001.parquet", parquet("SELECT 'q9' AS prompt, 9 AS answer", "lz4"),
                "en/train/0000.parquet", rows, "fr/test/0000.parquet", rows));
        Benchmarks.Loaded en = open(false).loadHf("hf:org/converted:en", null, List.of());
        assertThat(en.problems()).extracting(Problem::prompt).containsExactly("q0", "q1", "q9");
        assertThat(en.problems()).extracting(Problem::id).as("ids by row across the shards").containsExactly("0", "1", "2");
        assertThat(en.note()).contains("2 parquet files");

        // a JSON file holding one array, the only split
        hub.commit("org/array", "main", Map.of("problems.json", utf8("[{\"prompt\": \"a\", \"answer\": \"1\"}, {\"prompt\": \"b\", \"answer\": \"2\"}]")));
        Benchmarks.Loaded array = open(false).loadHf("hf:org/array", null, List.of());
        assertThat(array.problems()).extracting(Problem::prompt).containsExactly("a", "b");
        assertThat(array.name()).endsWith("/problems");

        // CONFIG/SPLIT-00000-of-00002.parquet with a parquet and a jsonl copy: parquet is read
        hub.commit("org/both", "main", Map.of("main/test-00000-of-00001.parquet", rows, "main/test.jsonl", utf8("{\"prompt\": \"j\", \"answer\": \"1\"}\n")));
        assertThat(open(false).loadHf("hf:org/both", null, List.of()).problems()).extracting(Problem::prompt).containsExactly("q0", "q1");
    }

    @Test
    void aWindowIsLiveCodeBenchsAndFieldsMustAgreeWithTheName() throws Exception {
        mathParquet();
        assertThatThrownBy(() -> open(false).loadNamed("hf:math-org/tiny-math", () -> Selection.DEFAULT, true, (UserKind) null, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("livecodebench only");
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/tiny-math?prompt=problem", null, List.of("prompt=question")))
                .hasMessageContaining("--field prompt=question contradicts prompt=problem");
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/tiny-math?kind=code", UserKind.MATH, List.of()))
                .hasMessageContaining("--kind math contradicts kind=code");
    }

    @Test
    void aHubThatFailsForAWhileIsAskedAgainAndOneThatKeepsFailingIsReportedWithItsMessage() throws Exception {
        mathParquet();
        hub.failNext(2, 503);
        Benchmarks.Loaded l = open(false).loadHf("hf:math-org/tiny-math", null, List.of("id=uid", "prompt=problem"));
        assertThat(l.problems()).hasSize(3);
        assertThat(hub.apiCalls.get()).as("two 503s, then the listing").isEqualTo(3);

        hub.failNext(FAILS_FOREVER, 500);
        assertThatThrownBy(() -> open(false).loadHf("hf:math-org/tiny-math/train", null, List.of("id=uid", "prompt=problem")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("answered HTTP 500: the hub failed 3 tries (hub: The server is busy, please retry)");
        assertThat(dir.resolve("cache/hf/datasets/math-org/tiny-math/files")).isDirectory();
    }

    @Test
    void aDownloadThatFailsForAWhileIsTriedAgain() throws Exception {
        mathParquet();
        Benchmarks b = open(false);
        HfSpec spec = HfSpec.parse("hf:math-org/tiny-math");
        hub.requests.clear();
        // the listing succeeds, then the hub answers 502 twice
        HfDatasets.Listing listing = new HfDatasets(new DataConfig(null, dir.resolve("cache"), false, hub.endpoint(), null),
                new HubClient(hub.endpoint(), null)).listing(spec);
        assertThat(listing.files()).hasSize(3);
        hub.failNext(2, 502);
        assertThat(b.loadHf("hf:math-org/tiny-math@" + listing.commit(), null, List.of("id=uid", "prompt=problem")).problems()).hasSize(3);
        String resolve = "/datasets/math-org/tiny-math/resolve/" + listing.commit() + "/";
        assertThat(hub.requests).as("the first file fetched (the card) answered 502 twice, then came")
                .filteredOn(r -> r.contains("/resolve/"))
                .containsExactly(resolve + "README.md", resolve + "README.md", resolve + "README.md", resolve + "data/test-00000-of-00001.parquet");
    }

    private static final int FAILS_FOREVER = 1000;

    @Test
    void configsTheCardDeclaresComeBeforeFileNameConventions() throws Exception {
        String card = """
                ---
                license: cc-by-4.0
                configs:
                - config_name: aime
                  data_files:
                  - split: test
                    path: problems/aime_2026.jsonl
                - config_name: hmmt
                  default: true
                  data_files:
                  - split: test
                    path: "problems/hmmt/*.parquet"
                  - split: train
                    path: ["old/**/*.jsonl"]
                - config_name: lone
                  data_files: problems/aime_2026.jsonl
                ---
                # Competition problems
                """;
        String sha = hub.commit("org/card", "main", Map.of(
                "README.md", utf8(card),
                "problems/aime_2026.jsonl", utf8("{\"prompt\": \"aime\", \"answer\": \"1\"}\n"),
                "problems/hmmt/part1.parquet", parquet("SELECT 'hmmt a' AS prompt, '2' AS answer", "snappy"),
                "problems/hmmt/part2.parquet", parquet("SELECT 'hmmt b' AS prompt, '3' AS answer", "snappy"),
                "old/2024/feb/hmmt.jsonl", utf8("{\"prompt\": \"old\", \"answer\": \"4\"}\n"),
                "old/notes.csv", utf8("a,b\n")));

        Benchmarks.Loaded byDefault = open(false).loadHf("hf:org/card", null, List.of());
        assertThat(byDefault.problems()).extracting(Problem::prompt).containsExactly("hmmt a", "hmmt b");
        assertThat(byDefault.name()).isEqualTo("hf:org/card@" + sha + ":hmmt/test");
        assertThat(open(false).loadHf("hf:org/card:hmmt/train", null, List.of()).problems()).extracting(Problem::prompt).containsExactly("old");
        assertThat(open(false).loadHf("hf:org/card:aime", null, List.of()).problems()).extracting(Problem::prompt).containsExactly("aime");
        // a bare pattern is the train split, the only one
        assertThat(open(false).loadHf("hf:org/card:lone", null, List.of()).name()).endsWith(":lone/train");
        assertThatThrownBy(() -> open(false).loadHf("hf:org/card:easy", null, List.of()))
                .hasMessageContaining("no config 'easy'; configs: aime, hmmt, lone");
    }

    @Test
    void cardPatternsMatchAsTheHubsGlobsDo() {
        assertThat(DatasetCard.glob("data/test-*").matcher("data/test-00000-of-00001.parquet").matches()).isTrue();
        assertThat(DatasetCard.glob("data/test-*").matcher("data/sub/test-0.parquet").matches()).isFalse();
        assertThat(DatasetCard.glob("data/**/*.parquet").matcher("data/a/b/x.parquet").matches()).isTrue();
        assertThat(DatasetCard.glob("data/**/*.parquet").matcher("data/x.parquet").matches()).isTrue();
        assertThat(DatasetCard.glob("./a?.jsonl").matcher("a1.jsonl").matches()).isTrue();
        assertThat(DatasetCard.glob("a.jsonl").matcher("aXjsonl").matches()).as("a dot is a dot").isFalse();
    }

    @Test
    void aCardWithoutConfigsLeavesTheConventionsInCharge() throws Exception {
        hub.commit("org/plain-card", "main", Map.of("README.md", utf8("---\nlicense: mit\ntags: [math]\n---\n# x\n"),
                "test.jsonl", utf8("{\"prompt\": \"p\", \"answer\": \"1\"}\n")));
        assertThat(open(false).loadHf("hf:org/plain-card", null, List.of()).name()).endsWith("/test");
        hub.commit("org/bad-card", "main", Map.of("README.md", utf8("---\nconfigs: [unclosed\n---\n"),
                "test.jsonl", utf8("{\"prompt\": \"p\", \"answer\": \"1\"}\n")));
        assertThatThrownBy(() -> open(false).loadHf("hf:org/bad-card", null, List.of()))
                .hasMessageContaining("README.md's front matter is not valid YAML");
    }
}
