package dev.arbiter.benchmark;

import java.time.LocalDate;

/**
 * Which part of a benchmark to load. Only LiveCodeBench honours these today: a release tag
 * ({@code release_v5}, {@code v6}, {@code v4_v5}, {@code release_latest}) and an inclusive contest-date
 * window. Null fields mean the manifest's defaults.
 */
public record Selection(String release, LocalDate from, LocalDate to) {
    public static final Selection DEFAULT = new Selection(null, null, null);

    public Selection {
        if (from != null && to != null && from.isAfter(to)) {
            throw new BenchmarkException("date window is empty: --from " + from + " is after --to " + to);
        }
    }

    public boolean isDefault() {
        return release == null && from == null && to == null;
    }
}
