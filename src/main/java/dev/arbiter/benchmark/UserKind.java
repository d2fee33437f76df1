package dev.arbiter.benchmark;

import java.util.Locale;

/**
 * What a user's own data holds, as {@code --kind} names it: math answers, code tests, or multiple
 * choice. Multiple choice is graded as math with the option letters declared, so it maps to
 * {@link Kind#MATH}; the verifiers' {@link Kind} stays the two ways of grading.
 */
public enum UserKind {
    MATH,
    CODE,
    CHOICE;

    /** The verifier kind this data is graded as. */
    public Kind kind() {
        return this == CODE ? Kind.CODE : Kind.MATH;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The user kind of a verifier kind, for callers that still speak {@link Kind}. */
    public static UserKind of(Kind kind) {
        return kind == Kind.CODE ? CODE : MATH;
    }
}
