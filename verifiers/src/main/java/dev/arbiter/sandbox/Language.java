package dev.arbiter.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A language the sandbox compiles and runs (the driver's {@code languages.py} holds how). Python
 * runs in every sandbox image; the others need the polyglot image ({@code sandbox/build-offline.sh
 * --polyglot}).
 */
public enum Language {
    PYTHON("python", "py", false, "python", "python3", "py", "py3"),
    CPP("cpp", "cpp", true, "cpp", "c++", "cc", "cxx"),
    JAVA("java", "java", true, "java"),
    GO("go", "go", true, "go", "golang"),
    RUST("rust", "rs", true, "rust", "rs"),
    JAVASCRIPT("javascript", "js", false, "javascript", "js", "node", "nodejs"),
    BASH("bash", "sh", false, "bash", "sh", "shell");

    private final String wire;
    private final String extension;
    private final boolean compiled;
    private final String[] names;

    Language(String wire, String extension, boolean compiled, String... names) {
        this.wire = wire;
        this.extension = extension;
        this.compiled = compiled;
        this.names = names;
    }

    /** The usual file extension of its sources, without the dot. */
    public String extension() {
        return extension;
    }

    /** The name the driver and the reports use. */
    public String wireName() {
        return wire;
    }

    /** Whether a program is built before its tests run; the others are only checked for syntax first. */
    public boolean compiled() {
        return compiled;
    }

    /** The language a name means: ours, SandboxFusion's, a code fence's tag, a file extension. */
    public static Optional<Language> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(l -> Arrays.asList(l.names).contains(key)).findFirst();
    }

    /** {@link #parse}, or a one-line error that lists the languages there are. */
    public static Language require(String name) {
        return parse(name).orElseThrow(() -> new IllegalArgumentException("unknown language '" + name + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(Language::wireName).toList())));
    }
}
