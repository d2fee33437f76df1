package dev.arbiter.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The verifier library as another JVM project uses it: the README's example, run as a single-file
 * program on this module's own classpath, which holds no model engine.
 */
@Tag("slow")
class LibraryExampleTest {
    private static final Path EXAMPLE = Path.of("examples", "VerifyOne.java");

    @Test
    void theReadmeShowsTheExampleAsItIs() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String example = Files.readString(EXAMPLE).strip();
        assertThat(readme).contains(example);
    }

    @Test
    void theExampleVerifiesAnAnswerWithoutTheModelEngine() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes") && !entry.contains("surefire"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContainIgnoringCase("pytorch").doesNotContainIgnoringCase("ai/djl");

        assertThat(run(classpath, "\\frac{1}{2}", "so the answer is $\\boxed{0.5}$")).startsWith("correct (0.5)");
        assertThat(run(classpath, "\\frac{1}{2}", "so the answer is $\\boxed{0.25}$")).startsWith("wrong (0.25)");
        assertThat(run(classpath, "\\frac{1}{2}", "I cannot tell.")).startsWith("no_answer");
    }

    private static String run(String classpath, String gold, String response) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", classpath, EXAMPLE.toString(), gold, response))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }
}
