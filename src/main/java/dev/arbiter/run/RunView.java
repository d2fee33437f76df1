package dev.arbiter.run;

import java.util.List;

/** What a run's HTML page shows: per benchmark its metrics, then every problem with its samples and their verdicts. */
public final class RunView {
    private RunView() {}

    public record SampleView(int index, String outcome, String extracted, String finishReason, int completionTokens, String text) {}

    public record ProblemView(String id, String prompt, String gold, double passRate, List<SampleView> samples) {}

    public record BenchmarkView(String benchmark, String model, MetricSummary metrics, List<ProblemView> problems) {}
}
