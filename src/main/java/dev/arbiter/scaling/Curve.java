package dev.arbiter.scaling;

import java.util.List;

/**
 * One line of a scaling plot: a model or strategy's metric as compute grows, with a 95% band.
 *
 * @param name   the legend entry
 * @param metric what y is ("pass@k", "maj@k", "accuracy", ...)
 */
public record Curve(String name, String metric, List<Point> points) {
    /**
     * @param x     the compute spent (k samples, or tokens actually used)
     * @param label what was asked for at this point (k=4, budget=2048), for the CSV
     */
    public record Point(double x, double y, double low, double high, String label) {
        public Point {
            // a percentile bootstrap band need not hold the mean exactly; the plot must not draw it outside
            if (!Double.isNaN(y)) {
                low = Math.min(low, y);
                high = Math.max(high, y);
            }
        }
    }

    public Curve {
        points = List.copyOf(points);
        if (points.isEmpty()) {
            throw new IllegalArgumentException(name + ": a curve needs at least one point");
        }
    }
}
