package dev.arbiter.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.cli.Main;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * A completion is a model's output, and a policy rewarded for it may write anything: opened and rendered
 * as Markdown on its problem page, nothing of it may run or load in the reader's browser.
 */
@Tag("browser")
class SiteHostileBrowserTest {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    @TempDir
    Path dir;

    /** Every way we know for text to become markup that runs or fetches, each trying to change the page's title. */
    static final String HOSTILE = String.join("\n\n",
            "<img src=x onerror=\"document.title='owned'\">",
            "<script>document.title='owned'</script>",
            "<svg onload=\"document.title='owned'\"></svg>",
            "<iframe src=\"javascript:document.title='owned'\"></iframe>",
            "<a href=\"javascript:document.title='owned'\">a link of raw HTML</a>",
            "[a Markdown link](javascript:document.title='owned') and <javascript:document.title='owned'>",
            "![an image](http://127.0.0.1:9/x.png \"fetched?\")",
            "<details open ontoggle=\"document.title='owned'\">x</details>",
            "$\\href{javascript:document.title='owned'}{math link}$ and $\\url{javascript:alert(1)}$",
            "So the answer is \\boxed{4}.");

    @Test
    void nothingAModelWritesRunsOrLoads() throws Exception {
        Path jsonl = Files.write(dir.resolve("one.jsonl"), List.of(Json.line(Json.mapper().createObjectNode().put("id", "q0")
                .put("prompt", "What is $2 + 2$?").put("answer", "4"))));
        try (FakeOpenAiServer s = new FakeOpenAiServer((prompt, seed) -> new FakeOpenAiServer.Reply(HOSTILE, "stop"))) {
            assertThat(run("eval", "--jsonl", jsonl.toString(), "--endpoint", s.uri().toString(), "--model", "m", "--n", "2", "--max-tokens", "64",
                    "--store", dir.resolve("store.db").toString(), "--out", dir.resolve("run").toString())).isZero();
        }
        assertThat(run("report", "--from-run", dir.resolve("run").toString(), "--jsonl", jsonl.toString(), "--out", dir.resolve("site").toString()))
                .isZero();
        Path runs = dir.resolve("site/runs");
        Path page;
        try (var ids = Files.list(runs)) {
            page = ids.findFirst().orElseThrow().resolve("jsonl-one.jsonl/0.html");
        }
        browser.open(page);
        String title = browser.driver().getTitle();
        for (WebElement summary : browser.findAll("details.sample > summary")) {
            summary.click();
        }
        browser.await("details.sample .rendered");
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        assertThat(browser.findAll(".rendered")).hasSize(2);
        assertThat(browser.driver().getTitle()).isEqualTo(title);
        for (String markup : List.of("img", "script", "iframe", "svg", "a", "details", "[onerror]", "[onload]", "[ontoggle]", "[href^='javascript']")) {
            assertThat(browser.findAll(".rendered " + markup)).as(markup).isEmpty();
        }
        // the text is all there, as text, and the answer was still graded from it
        String shown = (String) js.executeScript("return document.querySelector('.rendered').textContent");
        assertThat(shown).contains("<img src=x onerror=").contains("<script>document.title='owned'</script>").contains("a Markdown link (javascript:");
        assertThat(browser.findAll("details.sample.correct")).hasSize(2);
        // nothing was fetched: the only resources are the page and its own files
        Object urls = js.executeScript("return performance.getEntriesByType('resource').map(e => e.name)");
        assertThat((List<?>) urls).allSatisfy(u -> assertThat(u.toString()).startsWith("file://"));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertThat(code).as(err.toString()).isZero();
        return code;
    }
}
