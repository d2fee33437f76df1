package dev.arbiter.run;

/** A problem that has fewer usable samples than the run asked for. */
public record MissingSamples(String problemId, int have, int want) {}
