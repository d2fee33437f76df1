package dev.arbiter.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The browser harness itself, on pages written here: it must see a page's errors, and only those, and take pictures. */
@Tag("browser")
class HeadlessChromiumTest {
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    @TempDir
    Path dir;

    private Path page(String name, String body) throws Exception {
        return Files.writeString(dir.resolve(name), "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + name + "</title></head><body>"
                + body + "</body></html>");
    }

    @Test
    void aCleanPageHasNoErrorsAndItsScriptsRun() throws Exception {
        browser.open(page("clean.html", "<p id=\"p\">before</p><script>document.getElementById('p').textContent = 'after';"
                + " console.log('fine'); console.warn('only a warning');</script>"));
        assertThat(browser.find("#p").getText()).isEqualTo("after");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aScriptErrorAndAConsoleErrorAreReportedOnceAndThenCleared() throws Exception {
        browser.open(page("broken.html", "<p>text</p><script>console.error('told ' + 'you'); undefinedFunction();</script>"));
        assertThat(browser.consoleErrors()).anyMatch(e -> e.contains("undefinedFunction")).anyMatch(e -> e.contains("told you"));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void anErrorInAHandlerAfterLoadingIsReported() throws Exception {
        browser.open(page("click.html", "<button id=\"b\" onclick=\"null.x()\">go</button>"));
        assertThat(browser.consoleErrors()).isEmpty();
        browser.find("#b").click();
        assertThat(browser.consoleErrors()).singleElement().asString().contains("Cannot read properties of null");
    }

    @Test
    void aFileThatDoesNotLoadIsReported() throws Exception {
        browser.open(page("missing.html", "<script src=\"assets/none.js\"></script>"));
        assertThat(browser.consoleErrors()).anyMatch(e -> e.contains("none.js"));
    }

    @Test
    void anErrorOnAPageLeftBehindIsStillReported() throws Exception {
        Path next = page("next.html", "<p>fine</p>");
        browser.open(page("first.html", "<script>window.addEventListener('load', () => missingOnLoad());</script><a id=\"a\" href=\""
                + next.getFileName() + "\">next</a>"));
        browser.find("#a").click();
        browser.await("p");
        assertThat(browser.consoleErrors()).anyMatch(e -> e.contains("missingOnLoad"));
    }

    @Test
    void aScreenshotIsAPngOfTheWindow() throws Exception {
        browser.open(page("shot.html", "<div style=\"background:#c00;width:100%;height:2000px\"></div>"));
        Path png = browser.screenshot(dir.resolve("shots/shot.png"));
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isPositive();
        assertThat(image.getHeight()).isPositive();
        // the page is red where the window shows it
        assertThat(image.getRGB(image.getWidth() / 2, image.getHeight() / 2) & 0xffffff).isEqualTo(0xcc0000);
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
