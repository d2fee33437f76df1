package dev.arbiter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arbiter.cli.Main;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The leaderboard site as a reader meets it: three real runs against test servers over HTTP, `arbiter
 * report` writes the site, and headless Chromium opens its pages from file:// and clicks through them.
 * Every page visited must load without a console error.
 */
@Tag("browser")
class SiteBrowserTest {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    @TempDir
    static Path dir;

    private static final Path SCREENSHOTS = Path.of("target", "site-screenshots");
    private static final String GEO = "jsonl:geo.jsonl";
    private static final String ALG = "jsonl:alg.jsonl";

    /** id, prompt (with TeX), gold answer, a wrong answer. */
    private record Problem(String id, String prompt, String gold, String wrong) {}

    private static final List<Problem> GEO_PROBLEMS = List.of(
            new Problem("half-pi", "Simplify $\\frac{\\pi}{2} + \\frac{\\pi}{2}$.", "\\pi", "2\\pi"),
            new Problem("right-angle", "How many degrees is \\(\\frac{\\pi}{2}\\) radians?", "90", "45"),
            new Problem("triangle", "The angles of a triangle add up to $$x^\\circ.$$ What is $x$?", "180", "360"));
    private static final List<Problem> ALG_PROBLEMS = List.of(
            new Problem("quarter", "What is $\\frac{1}{2} \\cdot \\frac{1}{2}$?", "\\frac{1}{4}", "\\frac{1}{2}"),
            new Problem("root", "Solve \\(x^2 = 49\\) for $x > 0$.", "7", "-7"),
            new Problem("sqrt", "What is $\\sqrt{144}$?", "12", "14"));

    /** alpha: geometry right unless seed 3, algebra right only at seed 0. */
    private static final FakeOpenAiServer.Model ALPHA = answering((p, seed) -> GEO_PROBLEMS.contains(p) ? seed != 3 : seed == 0);

    /**
     * beta: right at even seeds; its algebra sample 3 runs out of tokens before any answer, and the request for
     * sample 3 of the first geometry problem is refused outright, so that sample stays missing.
     */
    private static final FakeOpenAiServer.Model BETA = (prompt, seed) -> {
        Problem p = problemIn(prompt);
        if (p == GEO_PROBLEMS.getFirst() && seed == 3) {
            throw new FakeOpenAiServer.Refusal("refused by the test");
        }
        if (p != null && ALG_PROBLEMS.contains(p) && seed == 3) {
            return new FakeOpenAiServer.Reply("Let me work through $\\frac{1}{2}$ step by", "length");
        }
        return answering((q, s) -> s % 2 == 0).reply(prompt, seed);
    };

    private static Path d1;
    private static Path d2;
    private static Path d3;
    private static Path site;

    private interface Rule {
        boolean right(Problem p, long seed);
    }

    private static FakeOpenAiServer.Model answering(Rule rule) {
        return (prompt, seed) -> {
            Problem p = problemIn(prompt);
            if (p == null) {
                return new FakeOpenAiServer.Reply("Hello.", "stop"); // the fingerprint's probes
            }
            String said = rule.right(p, seed) ? p.gold() : p.wrong();
            return new FakeOpenAiServer.Reply("Working it out carefully.\nSo the answer is $\\boxed{" + said + "}$.", "stop");
        };
    }

    private static Problem problemIn(String prompt) {
        for (Problem p : all()) {
            if (prompt.contains(p.prompt())) {
                return p;
            }
        }
        return null;
    }

    private static List<Problem> all() {
        List<Problem> out = new ArrayList<>(GEO_PROBLEMS);
        out.addAll(ALG_PROBLEMS);
        return out;
    }

    private static Path jsonl(String name, List<Problem> problems) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Problem p : problems) {
            lines.add(Json.line(Json.mapper().createObjectNode().put("id", p.id()).put("prompt", p.prompt()).put("answer", p.gold())));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private record Result(int code, String out, String err) {}

    private static Result arbiter(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Result eval(FakeOpenAiServer s, String model, int maxTokens, Path out) throws Exception {
        return arbiter("eval", "--jsonl", dir.resolve("geo.jsonl").toString(), "--jsonl", dir.resolve("alg.jsonl").toString(), "--endpoint",
                s.uri().toString(), "--model", model, "--n", "4", "--max-tokens", Integer.toString(maxTokens), "--concurrency", "4", "--store",
                dir.resolve("store.db").toString(), "--out", out.toString());
    }

    @BeforeAll
    static void threeRunsAndTheirSite() throws Exception {
        jsonl("geo.jsonl", GEO_PROBLEMS);
        jsonl("alg.jsonl", ALG_PROBLEMS);
        d1 = dir.resolve("alpha");
        d2 = dir.resolve("beta");
        d3 = dir.resolve("gamma");
        try (FakeOpenAiServer a = new FakeOpenAiServer(ALPHA); FakeOpenAiServer b = new FakeOpenAiServer(BETA)) {
            Result alpha = eval(a, "alpha", 256, d1);
            assertThat(alpha.code()).as(alpha.err()).isZero();
            // beta's server refuses one sample outright, so that sample stays missing and eval says so
            Result beta = eval(b, "beta", 256, d2);
            assertThat(beta.code()).as(beta.err()).isEqualTo(1);
            assertThat(beta.err()).contains("1 samples are missing");
            // gamma answers as alpha does, but with another token budget: its figures do not compare with the others
            Result gamma = eval(a, "gamma", 128, d3);
            assertThat(gamma.code()).as(gamma.err()).isZero();
        }
        site = dir.resolve("site");
        Result report = arbiter("report", "--from-run", d1.toString(), "--from-run", d2.toString(), "--from-run", d3.toString(), "--jsonl",
                dir.resolve("geo.jsonl").toString(), "--jsonl", dir.resolve("alg.jsonl").toString(), "--out", site.toString());
        assertThat(report.code()).as(report.err()).isZero();
        assertThat(site.resolve("index.html")).isRegularFile();
    }

    private static double passAt1(Path run, String benchmark) throws Exception {
        for (JsonNode b : Json.mapper().readTree(run.resolve("summary.json").toFile()).path("benchmarks")) {
            if (b.path("benchmark").asText().equals(benchmark)) {
                return b.at("/metrics/pass_at1/mean").asDouble();
            }
        }
        throw new AssertionError(benchmark + " not in " + run);
    }

    private static double value(WebElement e) {
        return Double.parseDouble(e.getDomAttribute("data-value"));
    }

    private static List<WebElement> rows() {
        return browser.findAll("#leaderboard tr.model");
    }

    /** A row's model: data-model may add a revision or the served model's identity after the name. */
    private static String model(WebElement row) {
        return row.getDomAttribute("data-model").split("[ @]", 2)[0];
    }

    private static List<String> models() {
        return rows().stream().map(SiteBrowserTest::model).toList();
    }

    private static WebElement row(String model) {
        return rows().stream().filter(r -> model(r).equals(model)).findFirst().orElseThrow(() -> new AssertionError("no row for " + model));
    }

    /** The head of the column a cell is in: the one with the cell's key. */
    private static WebElement header(WebElement cell) {
        return browser.find("#leaderboard th[data-key=\"" + cell.getDomAttribute("data-key") + "\"]");
    }

    private static WebElement score(WebElement row, String benchmark) {
        return row.findElement(By.cssSelector("td.score[data-benchmark=\"" + benchmark + "\"]"));
    }

    private static void noErrors(String page) {
        assertThat(browser.consoleErrors()).as("console errors on " + page).isEmpty();
    }

    private static void openLeaderboard() {
        browser.open(site.resolve("index.html"));
        browser.await("#leaderboard tr.model");
    }

    @Test
    void theGridHasARowPerComparableModelWithItsScoresAndTheirAverage() throws Exception {
        openLeaderboard();
        browser.screenshot(SCREENSHOTS.resolve("leaderboard.png"));
        assertThat(models()).containsExactlyInAnyOrder("alpha", "beta");
        Map<String, Path> runs = Map.of("alpha", d1, "beta", d2);
        Pattern shown = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%?\\s*±\\s*(\\d+(?:\\.\\d+)?)");
        for (WebElement row : rows()) {
            String model = model(row);
            assertThat(row.findElements(By.cssSelector("td.score")).stream().map(c -> c.getDomAttribute("data-benchmark")))
                    .containsExactlyInAnyOrder(GEO, ALG);
            double sum = 0;
            for (String benchmark : List.of(GEO, ALG)) {
                WebElement cell = score(row, benchmark);
                double expected = passAt1(runs.get(model), benchmark);
                assertThat(value(cell)).as(model + " " + benchmark).isCloseTo(expected, within(1e-4));
                Matcher m = shown.matcher(cell.getText());
                assertThat(m.find()).as("pass@1 ± s.e. in " + cell.getText()).isTrue();
                assertThat(Double.parseDouble(m.group(1))).as(cell.getText()).isCloseTo(100 * expected, within(0.051));
                sum += expected;
            }
            assertThat(value(row.findElement(By.cssSelector("td.avg")))).as(model + " average").isCloseTo(sum / 2, within(1e-4));
        }
        noErrors("the leaderboard");
    }

    @Test
    void clickingAHeaderSortsTheRowsByItDescendingThenAscending() throws Exception {
        openLeaderboard();
        // alpha leads geometry, beta leads algebra: each column puts another model first
        Map<String, List<String>> leaderFirst = Map.of(GEO, List.of("alpha", "beta"), ALG, List.of("beta", "alpha"));
        for (String benchmark : List.of(GEO, ALG, GEO)) {
            header(score(rows().getFirst(), benchmark)).click();
            assertThat(models()).as("sorted by " + benchmark).isEqualTo(leaderFirst.get(benchmark));
            assertThat(rows().stream().map(r -> value(score(r, benchmark))).toList()).isSortedAccordingTo(Comparator.reverseOrder());
            header(score(rows().getFirst(), benchmark)).click();
            assertThat(models()).as("sorted by " + benchmark + " again").isEqualTo(leaderFirst.get(benchmark).reversed());
            assertThat(rows().stream().map(r -> value(score(r, benchmark))).toList()).isSorted();
        }
        // the average's column sorts too
        header(rows().getFirst().findElement(By.cssSelector("td.avg"))).click();
        List<Double> averages = rows().stream().map(r -> value(r.findElement(By.cssSelector("td.avg")))).toList();
        assertThat(averages).isSortedAccordingTo(Comparator.reverseOrder());
        noErrors("the leaderboard, sorted");
    }

    @Test
    void aRunWithAnotherTokenBudgetIsFlaggedOutsideTheGrid() {
        openLeaderboard();
        assertThat(browser.find("#leaderboard").getText()).doesNotContain("gamma");
        WebElement incomparable = browser.find("#incomparable");
        List<WebElement> flagged = incomparable.findElements(By.cssSelector("tr")).stream().filter(r -> r.getText().contains("gamma")).toList();
        assertThat(flagged).as(incomparable.getText()).isNotEmpty();
        for (WebElement row : flagged) {
            WebElement flag = row.findElement(By.cssSelector(".flag"));
            assertThat(flag.getDomAttribute("title")).containsPattern("(?i)max.?tokens");
        }
        assertThat(incomparable.getText()).doesNotContain("alpha").doesNotContain("beta");
        noErrors("the leaderboard");
    }

    /** From the leaderboard to a model's run page, then to one problem's page, by clicking their links. */
    private static void openProblem(String model, Problem problem) {
        openLeaderboard();
        row(model).findElement(By.cssSelector("a.run")).click();
        browser.await("a.problem");
        noErrors(model + "'s run page");
        WebElement link = browser.findAll("a.problem").stream()
                .filter(a -> a.getText().contains(problem.id()) || String.valueOf(a.getDomAttribute("href")).contains(problem.id())).findFirst()
                .orElseThrow(() -> new AssertionError("no link to " + problem.id() + " on " + browser.driver().getCurrentUrl()));
        link.click();
        browser.await("details.sample");
    }

    private static String text(WebElement e) {
        return String.valueOf(e.getDomProperty("textContent"));
    }

    @Test
    void aProblemPageTypesetsItsTexWithTheBundledKatex() throws Exception {
        Problem halfPi = GEO_PROBLEMS.getFirst();
        openProblem("alpha", halfPi);
        WebElement tex = browser.await(".prompt .katex");
        // KaTeX keeps the source it typeset beside its MathML
        assertThat(browser.findAll(".prompt .katex annotation").stream().map(SiteBrowserTest::text)).anyMatch(t -> t.contains("\\frac{\\pi}{2}"));
        assertThat(tex.isDisplayed()).isTrue();
        assertThat(browser.find(".prompt").getText()).doesNotContain("\\frac");
        assertThat(browser.findAll(".gold .katex")).isNotEmpty();
        assertThat(browser.findAll("script[src], link[href]").stream().map(e -> e.getDomProperty("src") + " " + e.getDomProperty("href")))
                .noneMatch(u -> u.contains("http:") || u.contains("https:"));
        // an opened sample shows its completion with its TeX typeset as well
        WebElement first = samples().getFirst();
        first.findElement(By.tagName("summary")).click();
        assertThat(text(browser.await("details.sample[open] .katex annotation"))).isEqualTo("\\boxed{\\pi}");
        browser.screenshot(SCREENSHOTS.resolve("problem.png"));
        noErrors("the problem page of " + halfPi.id());
    }

    private static List<WebElement> samples() {
        return browser.findAll("details.sample");
    }

    private static void assertShown(Function<WebElement, Boolean> shown) {
        for (WebElement s : samples()) {
            assertThat(s.isDisplayed()).as("%s (outcome %s, answer %s)", text(s).strip(), s.getDomAttribute("data-outcome"),
                    s.getDomAttribute("data-answer")).isEqualTo(shown.apply(s));
        }
    }

    @Test
    void missingSamplesSayMissingAndTheFiltersHideWhatTheyShould() throws Exception {
        Problem halfPi = GEO_PROBLEMS.getFirst();
        openProblem("beta", halfPi);
        assertThat(samples()).hasSize(4);
        Map<String, Long> outcomes = samples().stream().collect(Collectors.groupingBy(s -> s.getDomAttribute("data-outcome"), Collectors.counting()));
        assertThat(outcomes).isEqualTo(Map.of("correct", 2L, "wrong", 1L, "missing", 1L));
        WebElement missing = browser.find("details.sample[data-outcome=\"missing\"]");
        assertThat(text(missing).toLowerCase()).contains("missing").doesNotContain("wrong");
        assertShown(s -> true);

        browser.find("#only-wrong").click();
        assertShown(s -> s.getDomAttribute("data-outcome").equals("wrong"));
        browser.find("#only-wrong").click();
        assertShown(s -> true);

        // the most common answer among the samples there are
        Map<String, Integer> votes = new HashMap<>();
        samples().stream().filter(s -> !Set.of("missing", "not_graded").contains(s.getDomAttribute("data-outcome")))
                .forEach(s -> votes.merge(s.getDomAttribute("data-answer"), 1, Integer::sum));
        String common = votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(votes.get(common)).isEqualTo(2);
        browser.find("#only-disagree").click();
        List<WebElement> agreeing = samples().stream().filter(s -> common.equals(s.getDomAttribute("data-answer"))).toList();
        assertThat(agreeing).hasSize(2).noneMatch(WebElement::isDisplayed);
        assertThat(browser.findAll("details.sample[data-outcome=\"wrong\"]")).singleElement().matches(WebElement::isDisplayed);
        browser.find("#only-disagree").click();
        noErrors("beta's page of " + halfPi.id());

        Problem quarter = ALG_PROBLEMS.getFirst();
        openProblem("beta", quarter);
        Map<String, String> truncated = new LinkedHashMap<>();
        samples().forEach(s -> truncated.put(text(s).strip(), s.getDomAttribute("data-truncated")));
        assertThat(truncated.values()).containsExactlyInAnyOrder("false", "false", "false", "true");
        browser.find("#only-truncated").click();
        assertShown(s -> "true".equals(s.getDomAttribute("data-truncated")));
        browser.find("#only-truncated").click();
        assertShown(s -> true);
        noErrors("beta's page of " + quarter.id());
    }
}
