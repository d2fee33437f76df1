package dev.arbiter.train.rl;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a run's metrics.csv as one PNG of stacked panels sharing the step axis: rewards (training
 * and held-out), response length, entropy and KL.
 */
public final class TrainingPlot {
    private TrainingPlot() {}

    private record Panel(String label, String[] columns) {}

    private static final List<Panel> PANELS = List.of(
            new Panel("reward: training (blue), held-out (red)", new String[] {"reward", "heldout_reward"}),
            new Panel("response tokens", new String[] {"response_tokens"}),
            new Panel("entropy", new String[] {"entropy"}),
            new Panel("KL to reference", new String[] {"kl"}));

    /** Writes the plot and returns its path. */
    public static Path write(Path metricsCsv, Path png) {
        List<String> lines;
        try {
            lines = Files.readAllLines(metricsCsv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + metricsCsv + ": " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(metricsCsv + " is empty");
        }
        List<String> header = List.of(lines.get(0).split(","));
        List<String[]> rows = new ArrayList<>();
        lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).forEach(l -> rows.add(l.split(",", -1)));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("step"));
        Color[] colours = {new Color(0x1f77b4), new Color(0xd62728)};
        for (Panel p : PANELS) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (String col : p.columns()) {
                int idx = header.indexOf(col);
                if (idx < 0) {
                    continue;
                }
                XYSeries s = new XYSeries(col.replace('_', ' '));
                for (String[] r : rows) {
                    if (idx < r.length && !r[idx].isEmpty()) {
                        s.add(Double.parseDouble(r[0]), Double.parseDouble(r[idx]));
                    }
                }
                data.addSeries(s);
            }
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            for (int i = 0; i < data.getSeriesCount(); i++) {
                renderer.setSeriesPaint(i, colours[i % colours.length]);
                renderer.setSeriesStroke(i, new BasicStroke(1.6f));
                renderer.setSeriesShapesVisible(i, data.getSeries(i).getKey().toString().startsWith("heldout"));
            }
            NumberAxis y = new NumberAxis(p.label());
            y.setAutoRangeIncludesZero(false);
            XYPlot sub = new XYPlot(data, null, y, renderer);
            sub.setBackgroundPaint(Color.WHITE);
            sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
            sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
            plot.add(sub, p.columns().length > 1 ? 2 : 1);
        }
        JFreeChart chart = new JFreeChart("RL training: " + metricsCsv.getParent().getFileName(), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
            ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 900);
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + png + ": " + e.getMessage(), e);
        }
        return png;
    }
}
