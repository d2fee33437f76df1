package dev.arbiter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium per test class, driven through the system's chromedriver: registered as a
 * static {@code @RegisterExtension}, it starts before the class and quits after it. Without Chromium
 * or chromedriver the class is skipped, except in CI (ARBITER_REQUIRE_BROWSER=1), where it fails.
 * ARBITER_CHROMIUM and ARBITER_CHROMEDRIVER name other binaries than Debian's.
 */
public final class HeadlessChromium implements BeforeAllCallback, AfterAllCallback {
    private static final Path CHROMIUM = binary("ARBITER_CHROMIUM", "/usr/bin/chromium");
    private static final Path DRIVER = binary("ARBITER_CHROMEDRIVER", "/usr/bin/chromedriver");

    private ChromeDriver driver;
    private Path profile;

    private static Path binary(String variable, String fallback) {
        String set = System.getenv(variable);
        return Path.of(set != null && !set.isBlank() ? set : fallback);
    }

    /** A file, not only a path: as root, Files.isExecutable holds for a path with nothing there. */
    private static boolean installed(Path binary) {
        return Files.isRegularFile(binary) && Files.isExecutable(binary);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        boolean present = installed(CHROMIUM) && installed(DRIVER);
        String why = "no " + CHROMIUM + " or " + DRIVER + "; `bash .ci/run` installs Debian's chromium and chromium-driver";
        if ("1".equals(System.getenv("ARBITER_REQUIRE_BROWSER"))) {
            assertThat(present).as(why + " (ARBITER_REQUIRE_BROWSER is set)").isTrue();
        }
        assumeTrue(present, why);
        profile = Files.createTempDirectory("arbiter-chromium-");
        ChromeOptions options = new ChromeOptions();
        // the binary and the driver are given, so Selenium Manager has nothing to find or download
        options.setBinary(CHROMIUM.toFile());
        // Closed networks refuse Chromium's own connections (updates, sync, QUIC probes); it is told to make none.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,1024", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Loads a page of a folder on disk through its file:// URL, as a reader opening it would. */
    public void open(Path file) {
        driver.get(file.toUri().toString());
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until the page holds an element the selector matches, as scripts that draw the page need a moment. */
    public WebElement await(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
    }

    /**
     * The browser console's errors since the last call, on every page loaded meanwhile: uncaught script
     * errors, console.error calls, and files that did not load.
     */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Saves what the window shows as a PNG. */
    public Path screenshot(Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        return Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
    }
}
