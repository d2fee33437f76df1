package dev.arbiter.benchmark;

/** What a problem asks for, and so which verifier judges it. */
public enum Kind {
    MATH,
    CODE;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
