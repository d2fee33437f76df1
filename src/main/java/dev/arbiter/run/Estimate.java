package dev.arbiter.run;

/** A mean over problems with its standard error and a 95% bootstrap interval (over problems). */
public record Estimate(double mean, double standardError, double ciLow, double ciHigh, int problems) {}
