package dev.arbiter.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new catalogue entries have no sha256 in their manifests: a local server answering the hub's
 * resolve URLs serves files built here in the hub's layout, and the first fetch pins them.
 */
class CatalogPinTest {
    static final String GPQA_URL = "/datasets/Idavidrein/gpqa/resolve/main/gpqa_diamond.csv";
    static final String TOKEN = "gated-ok";

    @TempDir
    Path dir;

    StaticHub hub;

    @BeforeEach
    void start() throws IOException {
        hub = new StaticHub("/datasets/Idavidrein/", TOKEN); // gated: the hub refuses without an accepted token
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Benchmarks open(boolean offline, String token) {
        return new Benchmarks(new DataConfig(null, dir.resolve("cache"), offline, hub.endpoint(), token));
    }

    private Path cached() {
        return dir.resolve("cache/hub/Idavidrein/gpqa/main/gpqa_diamond.csv");
    }

    /** GPQA's CSV layout: a header line, RFC 4180 quoting, questions with commas, quotes and newlines. */
    static String gpqaCsv(int n, String variant) {
        StringBuilder sb = new StringBuilder(
                "Pre-Revision Question,Pre-Revision Correct Answer,Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,"
                        + "Incorrect Answer 3,Explanation,Record ID,High-level domain,Subdomain\r\n");
        for (int i = 0; i < n; i++) {
            String q = "Question " + i + variant + ": a particle of mass m, charge \"q\",\nmoves in field E. Which holds?";
            sb.append(String.join(",", quote("old " + i), quote("old answer"), quote(q), quote("right " + i), quote("wrong " + i + "a"),
                            quote("wrong " + i + "b"), quote("wrong " + i + ", c"), quote("because"), quote("rec" + i),
                            quote(i % 2 == 0 ? "Physics" : "Chemistry"), quote("Sub " + i)))
                    .append("\r\n");
        }
        return sb.toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Test
    void listSaysUnpinnedAndDownloadableBeforeTheFirstFetch() {
        Benchmarks.Status s = status(open(false, TOKEN), "gpqa_diamond");
        assertThat(s.state()).isEqualTo(Benchmarks.State.DOWNLOADABLE);
        assertThat(s.note()).startsWith("unpinned until fetched once").contains("arbiter benchmarks fetch gpqa_diamond");
        Benchmarks.Status offline = status(open(true, TOKEN), "gpqa_diamond");
        assertThat(offline.state()).isEqualTo(Benchmarks.State.MISSING);
        assertThat(offline.note()).startsWith("unpinned until fetched once").contains("offline");
        // benchmarks whose manifests pin bytes keep their notes
        assertThat(status(open(false, TOKEN), "math500").note()).doesNotContain("unpinned");
        assertThat(status(open(false, TOKEN), "livecodebench").note()).doesNotContain("unpinned");
        assertThat(hub.hits()).isZero();
    }

    @Test
    void theFirstFetchPinsAndLaterLoadsVerifyAgainstThePin() throws IOException {
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        Benchmarks.Loaded first = open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT);
        assertThat(first.origin()).isEqualTo(Benchmarks.Origin.HUB);
        assertThat(first.problems()).hasSize(198);
        assertThat(first.note()).contains("pinned by its first fetch");
        assertThat(hub.hits()).isEqualTo(1);

        Path pinFile = Pin.pathFor(cached());
        JsonNode pin = Json.mapper().readTree(Files.readString(pinFile));
        assertThat(pin.get("sha256").asText()).isEqualTo(Sha256.of(cached()));
        assertThat(pin.get("records").asInt()).isEqualTo(198);
        assertThat(pin.get("url").asText()).endsWith(GPQA_URL);
        assertThat(pin.get("fetched").asText()).isNotBlank();

        Benchmarks.Loaded again = open(true, TOKEN).load("gpqa_diamond", Selection.DEFAULT);
        assertThat(again.origin()).isEqualTo(Benchmarks.Origin.CACHE);
        assertThat(again.problems()).isEqualTo(first.problems());
        assertThat(hub.hits()).isEqualTo(1);
        assertThat(Files.readString(pinFile)).isEqualTo(pin.toString() + "\n");
        assertThat(status(open(true, TOKEN), "gpqa_diamond").state()).isEqualTo(Benchmarks.State.READY);
        assertThat(status(open(true, TOKEN), "gpqa_diamond").note()).doesNotContain("unpinned");
    }

    @Test
    void aCachedFileChangedAfterItsFirstFetchIsRefusedInOneLine() throws IOException {
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT);
        String pinned = Sha256.of(cached());
        // same row count, one changed word: only the bytes tell
        Files.writeString(cached(), gpqaCsv(198, " (edited)"));
        assertThatThrownBy(() -> open(true, TOKEN).load("gpqa_diamond", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining(cached().toString())
                .hasMessageContaining(pinned)
                .hasMessageContaining("pin")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Benchmarks.Status s = status(open(true, TOKEN), "gpqa_diamond");
        assertThat(s.state()).isEqualTo(Benchmarks.State.BROKEN);
    }

    @Test
    void aHubFileThatChangedUpstreamIsRefusedUntilThePinIsDeleted() throws IOException {
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        List<Problem> original = open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT).problems();
        String pinned = Sha256.of(cached());
        Files.delete(cached()); // the cache is cleared, the pin stays; upstream publishes a new version
        hub.put(GPQA_URL, gpqaCsv(198, " v2").getBytes(StandardCharsets.UTF_8));
        assertThat(status(open(false, TOKEN), "gpqa_diamond").note()).doesNotContain("unpinned");
        assertThatThrownBy(() -> open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining(GPQA_URL)
                .hasMessageContaining(pinned)
                .hasMessageContaining("changed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(cached()).doesNotExist();
        assertThat(cached().resolveSibling("gpqa_diamond.csv.part")).doesNotExist();

        // the same bytes as pinned are accepted again
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        assertThat(open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT).problems()).isEqualTo(original);

        // deleting the pin accepts the new version, which is then pinned in turn
        Files.delete(cached());
        Files.delete(Pin.pathFor(cached()));
        hub.put(GPQA_URL, gpqaCsv(198, " v2").getBytes(StandardCharsets.UTF_8));
        assertThat(open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT).problems().get(0).prompt()).contains("v2");
        assertThat(Json.mapper().readTree(Files.readString(Pin.pathFor(cached()))).get("sha256").asText()).isEqualTo(Sha256.of(cached()));
    }

    @Test
    void aDamagedPinIsReportedNotIgnored() throws IOException {
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT);
        Files.writeString(Pin.pathFor(cached()), "{\"sha256\": \"not a hash\"}\n");
        assertThatThrownBy(() -> open(true, TOKEN).load("gpqa_diamond", Selection.DEFAULT))
                .hasMessageContaining(Pin.pathFor(cached()).toString())
                .hasMessageContaining("no valid sha256");
        assertThat(status(open(true, TOKEN), "gpqa_diamond").state()).isEqualTo(Benchmarks.State.BROKEN);
        Files.delete(cached());
        assertThat(status(open(true, TOKEN), "gpqa_diamond").note()).doesNotContain("unpinned");
    }

    @Test
    void aFetchWithTheWrongRecordCountIsNotPinned() {
        hub.put(GPQA_URL, gpqaCsv(197, "").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT))
                .hasMessageContaining("holds 197 records")
                .hasMessageContaining("198");
        assertThat(Pin.pathFor(cached())).doesNotExist();
    }

    @Test
    void theGatedDatasetWithoutATokenSaysSo() {
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> open(false, null).load("gpqa_diamond", Selection.DEFAULT))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("HF_TOKEN");
        assertThat(cached()).doesNotExist();
    }

    @Test
    void gpqaRowsBecomeShuffledLetteredQuestions() {
        hub.put(GPQA_URL, gpqaCsv(198, "").getBytes(StandardCharsets.UTF_8));
        List<Problem> problems = open(false, TOKEN).load("gpqa_diamond", Selection.DEFAULT).problems();
        Problem p = problems.get(7);
        assertThat(p.id()).isEqualTo("rec7");
        assertThat(p.kind()).isEqualTo(Kind.MATH);
        assertThat(p.prompt()).startsWith("Question 7: a particle of mass m, charge \"q\",\nmoves in field E. Which holds?\n\nA) ");
        assertThat(p.prompt()).contains("wrong 7, c");
        MathAnswer gold = (MathAnswer) p.gold();
        assertThat(gold.choices()).containsExactly("A", "B", "C", "D");
        assertThat(p.prompt()).contains("\n" + gold.answer() + ") right 7");
        assertThat(p.metadata().subject()).isEqualTo("Chemistry");
        assertThat(p.metadata().extra()).containsEntry("subdomain", "Sub 7");
        // the right option is not always in one place
        assertThat(problems.stream().map(q -> ((MathAnswer) q.gold()).answer()).distinct()).containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    private static Benchmarks.Status status(Benchmarks b, String name) {
        return b.status().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
