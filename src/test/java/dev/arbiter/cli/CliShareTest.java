package dev.arbiter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The command line stays thin: under a tenth of the main code's lines, counted over every main source root. */
class CliShareTest {
    private static final Path CLI = Path.of("dev", "arbiter", "cli");

    @Test
    void cliIsUnderATenthOfTheMainCode() throws IOException {
        List<Path> roots = Stream.of("src/main/java", "verifiers/src/main/java")
                .map(Path::of).filter(Files::isDirectory).map(p -> p.toAbsolutePath().normalize()).distinct().toList();
        assertThat(roots).as("main source roots").isNotEmpty();
        long all = 0;
        long cli = 0;
        for (Path root : roots) {
            all += lines(root);
            if (Files.isDirectory(root.resolve(CLI))) {
                cli += lines(root.resolve(CLI));
            }
        }
        assertThat(cli).as("lines of Java in cli (at least Main)").isPositive();
        double share = (double) cli / all;
        assertThat(share).as("cli's share of main code: %d of %d lines (%.1f%%)", cli, all, 100 * share).isLessThan(0.10);
    }

    private static long lines(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).mapToLong(f -> {
                try (Stream<String> l = Files.lines(f)) {
                    return l.count();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
