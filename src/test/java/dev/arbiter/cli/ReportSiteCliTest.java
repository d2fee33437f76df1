package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.benchmark.Benchmarks;
import dev.arbiter.benchmark.Selection;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import dev.arbiter.report.SiteServer;
import dev.arbiter.run.RunProblems;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `arbiter report` as a site, from real eval runs against the test server: the grid, the scores kept
 * apart, missing samples shown as missing, a hostile completion shown as text, and the served site
 * following its store. The site's behaviour in a browser is SiteBrowserTest's.
 */
@Tag("slow")
class ReportSiteCliTest {
    @TempDir
    Path dir;

    private static final Pattern SUM = Pattern.compile("What is \\$(\\d+) \\+ (\\d+)\\$\\?");

    /** Answers right unless (seed + bias) % 4 == 3; the hostile one writes HTML of its own into every answer. */
    private static FakeOpenAiServer.Model model(int bias, boolean hostile) {
        return model(bias, hostile, new AtomicBoolean());
    }

    /** The same, refusing sample {@code seed} 1 or 2 of "What is $1 + 7$?" (HTTP 400, not retried) while {@code refuse} holds. */
    private static FakeOpenAiServer.Model model(int bias, boolean hostile, AtomicBoolean refuse) {
        return (prompt, seed) -> {
            if (refuse.get() && prompt.contains("What is $1 + 7$?") && seed == (hostile ? 2 : 1)) {
                throw new FakeOpenAiServer.Refusal("refused by the test");
            }
            Matcher m = SUM.matcher(prompt);
            long sum = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
            long said = (seed + bias) % 4 == 3 ? sum + 1 : sum;
            String html = hostile ? "<script>document.title='owned'</script><img src=x onerror=\"document.title='owned'\"> " : "";
            return new FakeOpenAiServer.Reply(html + "We need $\\frac{\\pi}{2}$ here? No: " + said + ".\nSo the answer is \\boxed{" + said + "}.", "stop");
        };
    }

    private Path problems(String name, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", "q" + i).put("prompt", "What is $" + i + " + " + (i * 7) + "$?")
                    .put("answer", Integer.toString(8 * i)).put("level", 1 + i % 2)));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private Path eval(FakeOpenAiServer s, String model, List<Path> jsonl, String out) {
        return eval(s, model, jsonl, out, 256);
    }

    private Path eval(FakeOpenAiServer s, String model, List<Path> jsonl, String out, int maxTokens) {
        List<String> a = new ArrayList<>(List.of("eval", "--endpoint", s.uri().toString(), "--model", model, "--n", "4", "--max-tokens", "" + maxTokens,
                "--concurrency", "4", "--store", dir.resolve("store.db").toString(), "--out", dir.resolve(out).toString()));
        jsonl.forEach(f -> a.addAll(List.of("--jsonl", f.toString())));
        CliTest.Result r = CliTest.run(a.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isIn(0, 1);
        return dir.resolve(out);
    }

    private CliTest.Result report(List<Path> jsonl, String... args) {
        List<String> a = new ArrayList<>(List.of("report"));
        a.addAll(List.of(args));
        jsonl.forEach(f -> a.addAll(List.of("--jsonl", f.toString())));
        return CliTest.run(a.toArray(String[]::new));
    }

    private static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void twoModelsOnTwoBenchmarksMakeOneGridAndOtherSettingsAreKeptApart() throws Exception {
        List<Path> jsonl = List.of(problems("sums.jsonl", 4), problems("more.jsonl", 3));
        try (FakeOpenAiServer a = new FakeOpenAiServer(model(0, false)); FakeOpenAiServer b = new FakeOpenAiServer(model(1, false))) {
            Path ra = eval(a, "alpha", jsonl, "a");
            Path rb = eval(b, "beta", jsonl, "b");
            Path rc = eval(b, "beta", List.of(jsonl.getFirst()), "c", 128);
            CliTest.Result r = report(jsonl, "--from-run", ra.toString(), "--from-run", rb.toString(), "--from-run", rc.toString(), "--out",
                    dir.resolve("site").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("3 runs, 2 models in the grid, 1 scores kept apart as not comparable");
            String index = Files.readString(dir.resolve("site/index.html"));
            assertThat(all(Pattern.compile("<tr class=\"model\" data-model=\"([^\"]+)\""), index)).hasSize(2).allMatch(m -> m.startsWith("alpha")
                    || m.startsWith("beta"));
            assertThat(all(Pattern.compile("<th data-key=\"([^\"]+)\""), index)).containsExactly("model", "b:jsonl:sums.jsonl", "b:jsonl:more.jsonl",
                    "avg");
            // each row's average is the mean of its two pass@1 cells
            Matcher row = Pattern.compile("<tr class=\"model\"(.*?)</tr>", Pattern.DOTALL).matcher(index);
            while (row.find()) {
                List<Double> scores = all(Pattern.compile("class=\"score\" data-key=\"[^\"]+\" data-benchmark=\"[^\"]+\" data-value=\"([^\"]+)\""),
                        row.group(1)).stream().map(Double::parseDouble).toList();
                double avg = Double.parseDouble(all(Pattern.compile("class=\"avg\" data-key=\"avg\" data-value=\"([^\"]+)\""), row.group(1)).getFirst());
                assertThat(scores).hasSize(2);
                assertThat(avg).isCloseTo((scores.get(0) + scores.get(1)) / 2, org.assertj.core.data.Offset.offset(1e-9));
            }
            // the run at another max_tokens is not ranked beside the others, and says why
            String apart = index.substring(index.indexOf("<table id=\"incomparable\">"));
            assertThat(apart).contains("data-model=\"beta").contains("class=\"flag\" title=\"max_tokens 128 vs 256\"");
            assertThat(index.substring(0, index.indexOf("<table id=\"incomparable\">"))).doesNotContain("max_tokens 128");
            // a whole run's page draws its pass@k and maj@k curves
            String runPage = Files.readString(dir.resolve("site").resolve(all(Pattern.compile("href=\"(runs/[^\"#]+/index.html)"), index).getFirst()));
            assertThat(runPage).contains("<div class=\"curves\">").contains("<svg");
            // every page the site links to is there
            try (Stream<Path> pages = Files.walk(dir.resolve("site"))) {
                assertThat(pages.filter(p -> p.toString().endsWith(".html")).count()).isEqualTo(1 + 3 + (4 + 3) * 2 + 4);
            }
            assertThat(dir.resolve("site/assets/katex/katex.css")).content().contains("data:font/woff2;base64,").doesNotContain("url(fonts/");
            // a folder that holds something else is not replaced by a site
            Files.createDirectories(dir.resolve("mine"));
            Files.writeString(dir.resolve("mine/notes.txt"), "keep me");
            CliTest.Result foreign = report(jsonl, "--from-run", ra.toString(), "--out", dir.resolve("mine").toString());
            assertThat(foreign.code()).isEqualTo(1);
            assertThat(foreign.err()).contains(dir.resolve("mine") + " exists and is not a site Arbiter wrote");
            assertThat(dir.resolve("mine/notes.txt")).hasContent("keep me");
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
            }
        }
    }

    @Test
    void aFailedRequestIsMissingAndAHostileCompletionIsText() throws Exception {
        List<Path> jsonl = List.of(problems("sums.jsonl", 3));
        try (FakeOpenAiServer s = new FakeOpenAiServer(model(0, true, new AtomicBoolean(true)))) { // sample 2 of q1 never arrives
            Path run = eval(s, "hostile", jsonl, "run");
            CliTest.Result r = report(jsonl, "--from-run", run.toString(), "--out", dir.resolve("site").toString());
            assertThat(r.code()).as(r.err()).isZero();
            Path q1 = Files.list(dir.resolve("site/runs")).findFirst().orElseThrow().resolve("jsonl-sums.jsonl/1.html");
            String page = Files.readString(q1);
            assertThat(page).contains("data-outcome=\"missing\"").contains("1 missing (no completion: the request failed)");
            // a run with a missing sample has no curves, and says why
            assertThat(Files.readString(q1.getParent().getParent().resolve("index.html"))).contains("<p class=\"note\">No curves: ")
                    .contains("usable samples of n=4").doesNotContain("<svg");
            Matcher slot2 = Pattern.compile("<details class=\"sample [^\"]+\" data-outcome=\"([^\"]+)\"[^>]*><summary><span class=\"index\">#2</span>")
                    .matcher(page);
            assertThat(slot2.find()).isTrue();
            assertThat(slot2.group(1)).isEqualTo("missing");
            // the model's HTML is text on the page: no element of its own, no handler
            assertThat(page).contains("&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;").doesNotContain("<script>document")
                    .doesNotContain("<img src=x");
            assertThat(page).contains("<div class=\"prompt tex\">What is $1 + 7$?");
        }
    }

    @Test
    void theServedSiteFollowsItsStoreAndServesNothingElse() throws Exception {
        List<Path> jsonl = List.of(problems("sums.jsonl", 2));
        AtomicBoolean refuse = new AtomicBoolean(true);
        try (FakeOpenAiServer s = new FakeOpenAiServer(model(0, false, refuse))) {
            Path run = eval(s, "alpha", jsonl, "run");
            var problems = RunProblems.loader(Benchmarks.open(Files.createDirectories(dir.resolve("data")), true), Selection.DEFAULT, jsonl);
            HttpClient http = HttpClient.newHttpClient();
            try (SiteServer server = SiteServer.start(List.of(run), null, problems, "127.0.0.1", 0)) {
                URI base = server.uri();
                HttpResponse<String> index = http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(index.statusCode()).isEqualTo(200);
                assertThat(index.body()).contains("id=\"leaderboard\"");
                String runPage = all(Pattern.compile("href=\"(runs/[^\"#]+/index.html)"), index.body()).getFirst();
                String q1 = runPage.replace("index.html", "jsonl-sums.jsonl/1.html");
                assertThat(http.send(HttpRequest.newBuilder(base.resolve(q1)).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .contains("1 missing");
                for (String outside : List.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/runs/../../x")) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + outside.substring(1))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(outside).isEqualTo(404);
                }
                // the same command again fetches the missing sample into the store; the next page load shows it
                refuse.set(false);
                eval(s, "alpha", jsonl, "run");
                assertThat(http.send(HttpRequest.newBuilder(base.resolve(q1)).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .doesNotContain("1 missing").contains("correct of 4 graded");
            }
        }
    }

    @Test
    void usageAndRunErrorsAreOneLine() throws Exception {
        CliTest.Result both = CliTest.run("report", "--from-run", dir.toString(), "--out", dir.resolve("s").toString(), "--serve");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("give --out DIR (write the site) or --serve");
        CliTest.Result notARun = CliTest.run("report", "--from-run", dir.toString(), "--out", dir.resolve("s").toString());
        assertThat(notARun.code()).isEqualTo(1);
        assertThat(notARun.err().strip()).isEqualTo("arbiter: " + dir + " is not a run folder: it has no summary.json (give the folder `arbiter eval` reported)");
        assertThat(dir.resolve("s")).doesNotExist();
    }
}
