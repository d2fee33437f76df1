package dev.arbiter.run;

/** A (problem, sample index) the run still needs a completion for. */
public record SampleSlot(String problemId, int sampleIndex) {}
