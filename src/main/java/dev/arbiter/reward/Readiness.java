package dev.arbiter.reward;

import java.util.Optional;

/**
 * What {@code GET /health/ready} asks beyond the server's own draining: whether it can score
 * everything it is configured to score right now. Asked on every probe, so it must answer at once.
 */
@FunctionalInterface
public interface Readiness {
    /** Ready whatever happens: a server whose every configured part lives in its own process. */
    Readiness ALWAYS = Optional::empty;

    /** Why the server cannot score all it is configured to now, in a line; empty when it can. */
    Optional<String> problem();

    /** Never ready, for {@code why}: a part the server was configured with did not start. */
    static Readiness never(String why) {
        Optional<String> p = Optional.of(why);
        return () -> p;
    }
}
