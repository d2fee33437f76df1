package dev.arbiter.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Which Arbiter made a run: the Maven version, and the git commit. The commit is written into the jar
 * when the build is given one (the launcher passes it); otherwise, when the classes sit inside a git
 * checkout, it is asked of git; else it is null.
 */
public record BuildInfo(String version, String commit) {
    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            p.clear();
        }
        String version = p.getProperty("version", "");
        String commit = p.getProperty("commit", "");
        return new BuildInfo(version.isBlank() || version.contains("${") ? "dev" : version,
                commit.matches("[0-9a-f]{40}") ? commit : checkoutCommit());
    }

    /** HEAD of the git checkout the classes were loaded from, or null (no git, no checkout, or no answer in time). */
    private static String checkoutCommit() {
        try {
            Path here = Path.of(BuildInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(here) ? here : here.getParent();
            Process git = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD").redirectErrorStream(true).start();
            git.getOutputStream().close();
            if (!git.waitFor(5, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException | InterruptedException | RuntimeException | java.net.URISyntaxException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }
}
